// The layer conformance test: what every layer promises (core/layer.hpp), checked
// the same way for each layer on inputs of any shape: a vector, (steps,
// channels), (rows, cols, channels). Adding a layer is one header and one
// CTNN_CONFORMS line at the bottom.
//
// Each case puts the layer L between a Dense<C, C, Tanh> on the input's last
// axis (C wide, on each row for any rank; so L's input gradient is checked
// through that Dense's parameters) and a Flatten and a Dense<N, 2, Sigmoid>,
// and checks:
// - spelling: L::name is L as written in the CTNN_CONFORMS line (the C++
//   spelling that files and exported headers carry);
// - gradients: finite differences in double of the whole model's batch loss,
//   every parameter (support/finite_differences.hpp);
// - exact buffers: the bound layer called directly on buffers of exactly the
//   sizes the contract promises, each allocated on its own (AddressSanitizer in
//   the sanitize build reports a read or write past one), float and double:
//   forward, forward_lanes (with prepare_lanes), forward_train and backward;
// - float against double: the float model with the double model's weights
//   gives the same outputs within 2e-5 (both unit builds run this, the xsimd
//   and the scalar kernels, so each is checked against the same double model);
// - lanes against one sample: a batch run in lane order gives each sample's
//   single-sample outputs;
// - workspace: the single-sample pass in a caller's Model::Workspace gives
//   the stack path's outputs;
// - determinism: a seed gives bit-identical weights, and a training pass with
//   the same generator a bit-identical gradient (in double);
// - persistence: save/load restores both blocks bit for bit and the outputs,
//   and export_header writes the model's exact type.
#include <array>
#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

#include "support/finite_differences.hpp"
#include "support/reference.hpp"
#include "support/temp_dir.hpp"

using namespace ctnn;

namespace {

// The shape of an Input<D...>, and so the width C of its last axis.
template <class In>
struct shape_of_input;
template <std::size_t... D>
struct shape_of_input<Input<D...>> {
    using type = Shape<D...>;
};
template <class In>
constexpr std::size_t last_axis = shape_of_input<In>::type::channels;

template <class T, class In, class L>
using front_of = BasicSequential<T, In, Dense<last_axis<In>, last_axis<In>, Tanh>, L>;

template <class T, class In, class L>
using model_for =
    BasicSequential<T, In, Dense<last_axis<In>, last_axis<In>, Tanh>, L, Flatten,
                    Dense<front_of<double, In, L>::output_size, 2, Sigmoid>>;

// Weights in [-0.8, 0.8], state in [0.5, 1.5] (positive: variances).
template <class Model>
void randomize(Model& m, unsigned seed) {
    Rng rng(Seed{seed});
    for (auto& w : m.parameters()) w = typename Model::value_type(rng.uniform(-0.8, 0.8));
    for (auto& s : m.state()) s = typename Model::value_type(rng.uniform(0.5, 1.5));
}

template <class T>
std::unique_ptr<T[]> buffer(std::size_t n, Rng& rng, double low = -1, double high = 1) {
    auto p = std::make_unique<T[]>(n);
    for (std::size_t i = 0; i < n; ++i) p[i] = T(rng.uniform(low, high));
    return p;
}

// The bound layer B on buffers of exactly the promised sizes.
template <class B, class T>
void exact_buffers() {
    constexpr std::size_t lanes = simd::max_lanes<T>, n = 3;
    Rng rng(Seed{5});
    // The blocks' padding: a layer may read max_lanes - 1 values past its slices.
    auto params = buffer<T>(B::parameter_count + lanes - 1, rng);
    auto state = buffer<T>(B::state_count + lanes - 1, rng, 0.5, 1.5);
    auto x = buffer<T>(B::input_size, rng);
    auto y = buffer<T>(kernels::padded_size<T>(B::output_size), rng);
    B::forward(params.get(), state.get(), x.get(), y.get());
    for (std::size_t j = 0; j < B::output_size; ++j) CHECK(std::isfinite(double(y[j])));
    if constexpr (LanesLayer<B>) {
        auto xl = buffer<T>(B::input_size * lanes, rng);
        auto yl = buffer<T>(B::output_size * lanes, rng);
        if constexpr (PreparedLanesLayer<B>) {
            auto constants = buffer<T>(B::lanes_constant_count, rng);
            B::prepare_lanes(params.get(), state.get(), constants.get());
            B::forward_lanes(params.get(), state.get(), constants.get(), xl.get(), yl.get());
        } else {
            B::forward_lanes(params.get(), state.get(), xl.get(), yl.get());
        }
    }
    // Training buffers: n samples row after row, padded by max_lanes values.
    auto xt = buffer<T>(n * B::input_size + lanes, rng);
    auto yt = buffer<T>(n * B::output_size + lanes, rng);
    auto scratch = buffer<T>(ctnn::scratch_size<B>(n) + lanes, rng);
    auto dy = buffer<T>(n * B::output_size + lanes, rng);
    auto dx = buffer<T>(n * B::input_size + lanes, rng);
    auto dparams = buffer<T>(B::parameter_count + lanes, rng);
    B::forward_train(params.get(), state.get(), xt.get(), yt.get(), scratch.get(), n, rng);
    B::template backward<false>(params.get(), state.get(), xt.get(), yt.get(), scratch.get(), dy.get(), dx.get(),
                                dparams.get(), n);
    for (std::size_t k = 0; k < n * B::input_size; ++k) CHECK(std::isfinite(double(dx[k])));
}

template <class InputShape, class L>
void conforms() {
    using D = model_for<double, InputShape, L>;
    using F = model_for<float, InputShape, L>;
    constexpr std::size_t In = D::input_size, Out = D::output_size;

    // Gradients, in double.
    test::check_gradient<D>(BinaryCrossentropy{}, 0, 1);

    // Exact buffers, float and double (layer 1 is L, bound for its shape).
    exact_buffers<typename D::template layer_type<1>, double>();
    exact_buffers<typename F::template layer_type<1>, float>();

    // Float against double, and lanes against one sample.
    D d;
    randomize(d, 3);
    F f;
    for (std::size_t k = 0; k < D::parameter_count; ++k) f.parameters()[k] = float(d.parameters()[k]);
    for (std::size_t k = 0; k < D::state_count; ++k) f.state()[k] = float(d.state()[k]);
    const auto xs = test::random_inputs<double, In>(19, 11, 1.5);
    std::vector<std::array<float, In>> xf(xs.size());
    for (std::size_t r = 0; r < xs.size(); ++r)
        for (std::size_t i = 0; i < In; ++i) xf[r][i] = float(xs[r][i]);
    std::vector<std::array<double, Out>> yd(xs.size());
    std::vector<std::array<float, Out>> yf(xs.size());
    d.predict(xs, yd);
    f.predict(xf, yf);
    static typename D::Workspace workspace_d;
    static typename F::Workspace workspace_f;
    for (std::size_t r = 0; r < xs.size(); ++r) {
        const auto one_d = d(xs[r]);
        const auto one_f = f(xf[r]);
        CHECK(d(xs[r], workspace_d) == one_d);  // the same function, so the same values
        CHECK(f(xf[r], workspace_f) == one_f);
        for (std::size_t j = 0; j < Out; ++j) {
            CAPTURE(r);
            CAPTURE(j);
            CHECK(std::abs(double(one_f[j]) - one_d[j]) <= 2e-5);
            CHECK(yd[r][j] == doctest::Approx(one_d[j]).epsilon(1e-12));
            CHECK(yf[r][j] == doctest::Approx(one_f[j]).epsilon(1e-6));
        }
    }

    // Determinism (the double model: the same training pass as the gradients').
    const D a(Seed{7}), b(Seed{7});
    CHECK(std::ranges::equal(a.parameters(), b.parameters()));
    CHECK(std::ranges::equal(a.state(), b.state()));
    Backprop<D, BinaryCrossentropy> pass(BinaryCrossentropy{}, 4);
    std::vector<double> g1(D::parameter_count), g2(D::parameter_count);
    for (std::vector<double>* g : {&g1, &g2}) {
        for (std::size_t k = 0; k < 4 * In; ++k) pass.inputs()[k] = xs[k / In][k % In];
        for (std::size_t k = 0; k < 4 * Out; ++k) pass.targets()[k] = double(k % 2);
        D m = d;
        Rng rng(Seed{9});
        (void)pass.run(m, 4, std::span<double, D::parameter_count>(*g), rng);
    }
    CHECK(g1 == g2);

    // Persistence.
    test::TempDir dir;
    D back(Seed{1});
    save(d, dir / "model.ctnn");
    load(back, dir / "model.ctnn");
    CHECK(std::ranges::equal(d.parameters(), back.parameters()));
    CHECK(std::ranges::equal(d.state(), back.state()));
    CHECK(back(xs[0]) == d(xs[0]));
    export_header(d, dir / "model.hpp", "exported");
    std::ifstream header(dir / "model.hpp");
    const std::string text((std::istreambuf_iterator<char>(header)), std::istreambuf_iterator<char>());
    CHECK(text.find("using Model = " + std::string(D::name.view()) + ";") != std::string::npos);
}

}  // namespace

// One line per layer and input shape: CTNN_CONFORMS((dims...), layer), the
// sample's shape as Input<dims...> spells it: (5) a vector, (4, 3) steps and
// channels, (4, 5, 3) rows, columns and channels. The layer is spelled as its
// name spells it.
#define CTNN_CONFORMS_DIMS(...) __VA_ARGS__
#define CTNN_CONFORMS(SHAPE, ...)                                                           \
    TEST_CASE("conformance: " #__VA_ARGS__ " on " #SHAPE) {                                  \
        static_assert(__VA_ARGS__::name.view() == #__VA_ARGS__, "the layer spells itself"); \
        conforms<ctnn::Input<CTNN_CONFORMS_DIMS SHAPE>, __VA_ARGS__>();                      \
    }

CTNN_CONFORMS((3), ctnn::Dense<3, 5, ctnn::ReLU>)
CTNN_CONFORMS((4, 3), ctnn::Dense<3, 5, ctnn::ReLU>)
CTNN_CONFORMS((4, 5, 3), ctnn::Dense<3, 5, ctnn::ReLU>)
CTNN_CONFORMS((5), ctnn::Activation<ctnn::Tanh>)
CTNN_CONFORMS((4, 3), ctnn::Activation<ctnn::Softmax>)
CTNN_CONFORMS((5), ctnn::Dropout<0.25f>)
CTNN_CONFORMS((4, 3), ctnn::Dropout<0.25f>)
CTNN_CONFORMS((5), ctnn::BatchNormalization)
CTNN_CONFORMS((4, 3), ctnn::BatchNormalization)
CTNN_CONFORMS((5), ctnn::Normalization)
CTNN_CONFORMS((4, 3), ctnn::Normalization)
CTNN_CONFORMS((4, 3), ctnn::Flatten)
CTNN_CONFORMS((4, 5, 3), ctnn::Flatten)
CTNN_CONFORMS((4, 3), ctnn::Reshape<6, 2>)
CTNN_CONFORMS((4, 3), ctnn::Dense<3, 5, ctnn::ELU::with<0.5f>, ctnn::DenseOptions{.use_bias = false}>)
CTNN_CONFORMS((4, 3), ctnn::BatchNormalization::with<ctnn::BatchNorm{.momentum = 0.9f, .center = false}>)
CTNN_CONFORMS((5), ctnn::Activation<ctnn::LeakyReLU::with<0.3f>>)
CTNN_CONFORMS((9, 3), ctnn::Conv1D<4, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 2}>)
CTNN_CONFORMS((9, 4), ctnn::Conv1D<6, 3, ctnn::Linear, ctnn::Conv{.strides = 2, .padding = ctnn::Padding::same, .groups = 2}>)
CTNN_CONFORMS((5, 6, 3), ctnn::Conv2D<4, 3, 2, ctnn::Tanh, ctnn::Conv{.strides = {2, 1}, .padding = ctnn::Padding::same}>)
CTNN_CONFORMS((5, 6, 3), ctnn::Conv2D<5, 2, 2, ctnn::Linear, ctnn::Conv{.dilation_rate = {1, 2}, .use_bias = false}>)
CTNN_CONFORMS((3, 5, 8), ctnn::Conv2D<8, 3, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::same, .use_bias = false}>)  // Winograd
CTNN_CONFORMS((4, 5, 2), ctnn::DepthwiseConv2D<3, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::same, .depth_multiplier = 2}>)
CTNN_CONFORMS((9, 3), ctnn::MaxPooling1D<2>)
CTNN_CONFORMS((9, 3), ctnn::AveragePooling1D<3, ctnn::Pooling{.strides = 1, .padding = ctnn::Padding::same}>)
CTNN_CONFORMS((5, 6, 3), ctnn::MaxPooling2D<2, 2, ctnn::Pooling{.padding = ctnn::Padding::same}>)
CTNN_CONFORMS((5, 6, 3), ctnn::AveragePooling2D<2, 3>)
CTNN_CONFORMS((9, 3), ctnn::GlobalAveragePooling1D)
CTNN_CONFORMS((9, 3), ctnn::GlobalMaxPooling1D)
CTNN_CONFORMS((5, 6, 3), ctnn::GlobalAveragePooling2D)
CTNN_CONFORMS((5, 6, 3), ctnn::GlobalMaxPooling2D)

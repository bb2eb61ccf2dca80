// Sequential: the card's model as written, sizes, the two blocks (contiguous,
// aligned, canonical order, empty state taking no space), seeds, and constexpr
// construction from arrays.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/core.hpp>

using namespace ctnn;

using Card = ctnn::Sequential<ctnn::Dense<33,4,ctnn::ReLU>, ctnn::Dense<4,4,ctnn::ReLU>, ctnn::Dense<4,1,ctnn::Sigmoid>>;

TEST_CASE("the card's model compiles as written and reports its sizes") {
    static_assert(Card::input_size == 33);
    static_assert(Card::output_size == 1);
    static_assert(Card::parameter_count == 33 * 4 + 4 + 4 * 4 + 4 + 4 * 1 + 1);
    static_assert(Card::parameter_count == 161);
    static_assert(Card::state_count == 0);
    static_assert(Card::layer_count == 3);
    static_assert(std::is_same_v<Card, BasicSequential<float, Dense<33, 4, ReLU>, Dense<4, 4, ReLU>, Dense<4, 1, Sigmoid>>>);
    static_assert(std::is_same_v<Card::value_type, float>);
    static_assert(Card::name.view() ==
                  "ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<4, 4, ctnn::ReLU>, "
                  "ctnn::Dense<4, 1, ctnn::Sigmoid>>");
    static_assert(BasicSequential<double, Dense<2, 1>>::name.view() ==
                  "ctnn::BasicSequential<double, ctnn::Dense<2, 1, ctnn::Linear>>");
    CHECK(Card::parameter_offset<0> == 0);
    CHECK(Card::parameter_offset<1> == 136);
    CHECK(Card::parameter_offset<2> == 156);
}

TEST_CASE("parameters form one aligned block in Keras' get_weights() order") {
    Card m(Seed{1});
    const float* base = m.parameters().data();
    CHECK(reinterpret_cast<std::uintptr_t>(base) % simd::block_alignment<float> == 0);
    CHECK(m.layer<0>().kernel().span().data() == base);
    CHECK(m.layer<0>().bias().data() == base + 132);
    CHECK(m.layer<1>().kernel().span().data() == base + 136);
    CHECK(m.layer<1>().bias().data() == base + 152);
    CHECK(m.layer<2>().kernel().span().data() == base + 156);
    CHECK(m.layer<2>().bias().data() == base + 160);
    static_assert(decltype(m.parameters())::extent == 161);
    static_assert(decltype(m.state())::extent == 0);
    const Card& c = m;
    static_assert(std::is_same_v<decltype(c.parameters()), std::span<const float, 161>>);
    static_assert(std::is_same_v<decltype(c.layer<0>().bias()), std::span<const float, 4>>);
#if CTNN_SIMD
    CHECK(simd::block_alignment<float> == simd::max_lanes<float> * sizeof(float));
    CHECK(simd::block_alignment<float> >= 16);
#else
    // Scalar targets align to alignof(T) only and spend nothing on padding or
    // on the empty state block.
    CHECK(simd::block_alignment<float> == alignof(float));
    CHECK(sizeof(Card) == 161 * sizeof(float));
#endif
    // The empty state block takes no space; the padding is under one vector
    // and the rounding to the block's alignment.
    CHECK(sizeof(Card) < 161 * sizeof(float) + alignof(Card) + simd::max_lanes<float> * sizeof(float));
}

// The same model runs the same machine code on the same data placement in every
// program (issue 13, item 11: 16-64-64-1 took 89.6 ns in one program and 58-68
// in another): its blocks start on a 64-byte cache line (register-width
// alignment let the heap put them at 32 mod 64 with AVX2) and its single-sample
// forward pass is one function on a 64-byte boundary (g++ had inlined some
// layers into each caller and called others).
TEST_CASE("the blocks start on a cache line and the forward pass is one function on a 64-byte boundary") {
    using Wide = Sequential<Dense<16, 64, ReLU>, Dense<64, 64, ReLU>, Dense<64, 1>>;
    const auto on_heap = std::make_unique<Wide>(Seed{3});
    const auto address = [](auto p) { return reinterpret_cast<std::uintptr_t>(p); };
#if CTNN_SIMD
    CHECK(alignof(Card) == 64);
    CHECK(alignof(Wide) == 64);
    CHECK(address(on_heap->parameters().data()) % 64 == 0);
    // Several models, so that 16-byte function alignment cannot pass by chance.
    CHECK(address(detail::forward_pass_access::of<Card>()) % 64 == 0);
    CHECK(address(detail::forward_pass_access::of<Wide>()) % 64 == 0);
    CHECK(address(detail::forward_pass_access::of<BasicSequential<double, Dense<2, 2, Tanh>>>()) % 64 == 0);
    CHECK(address(detail::forward_pass_access::of<Sequential<Dense<3, 5, Sigmoid>, Dense<5, 2>>>()) % 64 == 0);
#else
    CHECK(alignof(Card) == alignof(float));  // nothing spent on a microcontroller
    CHECK(address(on_heap->parameters().data()) % alignof(float) == 0);
#endif
}

TEST_CASE("seeds determine the initial weights") {
    Card a(Seed{42}), b(Seed{42}), c(Seed{43}), zero, zero_seed(Seed{0});
    CHECK(std::ranges::equal(a.parameters(), b.parameters()));
    CHECK_FALSE(std::ranges::equal(a.parameters(), c.parameters()));
    CHECK(std::ranges::equal(zero.parameters(), zero_seed.parameters()));
    // The same numbers on every platform: SplitMix64 from seed 42, U[-l, l)
    // with l = sqrt(6 / 37), computed in double and rounded once to float
    // (the values were computed independently in Python).
    CHECK(a.parameters()[0] == 0x1.8e71f2p-3f);
    CHECK(a.parameters()[1] == -0x1.187a4p-2f);
    CHECK(a.parameters()[2] == -0x1.6d2ecp-3f);
}

namespace {
constexpr auto ramp = [] {
    std::array<float, Card::parameter_count> p{};
    for (std::size_t k = 0; k < p.size(); ++k) p[k] = float(k % 7) * 0.125f - 0.375f;
    return p;
}();
constexpr Card flash_model(ramp);  // a model constructed in a constant expression
}  // namespace

TEST_CASE("a constexpr model is built from arrays in a constant expression") {
    static_assert(flash_model.parameters()[0] == -0.375f);
    static_assert(flash_model.parameters()[160] == ramp[160]);
    static_assert(flash_model.layer<2>().bias()[0] == ramp[160]);
    Card runtime;
    std::ranges::copy(ramp, runtime.parameters().begin());
    std::array<float, 33> x{};
    for (std::size_t i = 0; i < 33; ++i) x[i] = float(i) / 33.f - 0.5f;
    CHECK(flash_model(x)[0] == runtime(x)[0]);

    using WithDouble = BasicSequential<double, Dense<2, 2, Tanh>>;
    constexpr WithDouble d(std::array<double, 6>{1, 2, 3, 4, 0.5, -0.5});
    static_assert(d.layer<0>().kernel()(1, 0) == 3.0);
    const auto y = d({1.0, 1.0});
    CHECK(y[0] == doctest::Approx(std::tanh(4.5)));
    CHECK(y[1] == doctest::Approx(std::tanh(5.5)));
}

// One inference keeps two buffers of the widest hidden width, whatever the
// depth (one buffer per layer gave six Dense<1024> layers 20 KB of stack), and
// each layer reads what the one before it wrote: the model equals its layers'
// forward functions run one after another into buffers of their own.
using Deep = Sequential<Dense<16, 1024>, Dense<1024, 1024>, Dense<1024, 1024>, Dense<1024, 1024>, Dense<1024, 1024>,
                        Dense<1024, 1>>;
using Mixed = BasicSequential<double, Normalization, Dense<5, 9, Tanh>, BatchNormalization, Activation<ReLU>, Dropout<0.5f>,
                              Dense<9, 3>, Activation<Sigmoid>>;
static_assert(Deep::inference_buffer_count == 2 && Deep::inference_buffer_size == 1024);
static_assert(Card::inference_buffer_count == 2 && Card::inference_buffer_size == kernels::padded_size<float>(4));
static_assert(BasicSequential<float, Dense<8, 30>, Dense<30, 2>>::inference_buffer_count == 1);
static_assert(BasicSequential<float, Dense<8, 30>, Dense<30, 2>>::inference_buffer_size == kernels::padded_size<float>(30));
static_assert(BasicSequential<float, Dense<8, 2>>::inference_buffer_count == 0);
static_assert(Mixed::inference_buffer_size == kernels::padded_size<double>(9));

// The model's output for x equals its layers' forward functions run one after
// another, each into a fresh padded buffer of its own.
template <class Model>
void check_against_layers_in_turn(const Model& m, const std::array<typename Model::value_type, Model::input_size>& x) {
    using T = typename Model::value_type;
    const auto y = m(x);
    std::vector<T> act(x.begin(), x.end());
    std::size_t p = 0, s = 0;
    detail::static_for<Model::layer_count>([&](auto i) {
        using L = typename Model::template layer_type<i>;
        std::vector<T> out(kernels::padded_size<T>(L::output_size) + 8);
        act.resize(kernels::padded_size<T>(L::input_size) + 8);
        L::forward(m.parameters().data() + p, m.state().data() + s, act.data(), out.data());
        out.resize(L::output_size);
        act = out;
        p += L::parameter_count;
        s += L::state_count;
    });
    for (std::size_t j = 0; j < Model::output_size; ++j) CHECK(y[j] == act[j]);
}

TEST_CASE("one inference runs every layer through two ping-pong buffers, as the layers in turn") {
    auto m = std::make_unique<Mixed>(Seed{3});
    Rng rng(Seed{4});
    for (double& p : m->parameters()) p += rng.uniform(-0.2, 0.2);
    for (std::size_t i = 0; i < 5; ++i) m->layer<0>().mean()[i] = rng.uniform(-1, 1);
    check_against_layers_in_turn(*m, {0.3, -1.2, 2.5, 0.0, 0.7});
}

// Pass-through layers (Flatten, Reshape, Dropout) are not run at inference
// before the last layer: the next layer reads their input's buffer, and the
// computing layers still alternate between the two buffers. Everywhere a
// pass-through layer can stand: first, twice in a row, last, in a two-layer
// model; the outputs equal the layers run in turn.
using Passing = Sequential<Input<2, 3>, Flatten, Dropout<0.25f>, Dense<6, 5, Tanh>, Reshape<5, 1>, Dense<1, 3>, Flatten,
                           Dropout<0.5f>, Dense<15, 4>, Flatten>;
static_assert(Passing::activation_buffer == std::array<std::size_t, 10>{Passing::in_x, Passing::in_x, Passing::in_x, 0,
                                                                         0, 1, 1, 1, 0, Passing::in_output});
static_assert(BasicSequential<double, Dropout<0.5f>, Dense<3, 2>>::activation_buffer ==
              std::array<std::size_t, 3>{2, 2, 3});  // in_x, in_x, in_output
static_assert(Sequential<Dense<3, 2>, Dropout<0.5f>>::activation_buffer == std::array<std::size_t, 3>{2, 0, 3});
static_assert(Mixed::activation_buffer == std::array<std::size_t, 8>{Mixed::in_x, 0, 1, 0, 1, 1, 0, Mixed::in_output});

template <class Model>
void check_seeded_against_layers_in_turn(std::uint64_t seed) {
    using T = typename Model::value_type;
    const auto m = std::make_unique<Model>(Seed{seed});
    Rng rng(Seed{seed + 1});
    std::array<T, Model::input_size> x;
    for (T& v : x) v = T(rng.uniform(-1, 1));
    check_against_layers_in_turn(*m, x);
}

TEST_CASE("pass-through layers are skipped at inference, wherever they stand, with the same outputs") {
    check_seeded_against_layers_in_turn<Passing>(5);
    check_seeded_against_layers_in_turn<BasicSequential<double, Input<2, 3>, Flatten, Dense<6, 2>>>(6);
    check_seeded_against_layers_in_turn<BasicSequential<double, Dropout<0.5f>, Dense<3, 2>>>(7);
    check_seeded_against_layers_in_turn<Sequential<Dense<3, 2>, Dropout<0.5f>>>(8);
    check_seeded_against_layers_in_turn<Sequential<Input<4, 4, 1>, Conv2D<3, 2, 2, ReLU>, MaxPooling2D<3, 3>, Flatten,
                                                   Dropout<0.5f>, Dense<3, 2, Softmax>>>(9);
}

// Streaming (core/layer.hpp, StreamingLayer): the per-stream state lives in the
// caller's Model::Stream, sliced per layer at compile-time offsets; layers of
// today have none and step with their forward pass.
namespace {
// A test layer with per-stream state: a running sum of its inputs over the
// steps of one stream (y = x + s, then s = y); its forward pass is the first step.
struct RunningSum {
    static constexpr bool shape_preserving = true;
    static constexpr detail::fixed_string name{"RunningSum"};
    template <class T, std::size_t Width>
    struct bind : ShapePreservingBase<T, Width> {
        static constexpr auto name = RunningSum::name;
        static constexpr detail::fixed_string kind{"RunningSum"};
        static constexpr std::size_t stream_state_count = Width;
        static void forward(const T*, const T*, const T* x, T* y) noexcept {
            for (std::size_t i = 0; i < Width; ++i) y[i] = x[i];
        }
        static void step(const T*, const T*, T* sum, const T* x, T* y) noexcept {
            for (std::size_t i = 0; i < Width; ++i) y[i] = sum[i] = x[i] + sum[i];
        }
    };
};
}  // namespace

TEST_CASE("a model of today's layers steps as it runs one sample, with an empty Stream") {
    static_assert(Card::stream_state_count == 0 && Card::can_stream);
    static_assert(Card::step_input_size == 33 && Card::step_output_size == 1);
    static_assert(std::is_empty_v<Card::Stream>);
    const auto m = std::make_unique<const Card>(Seed{5});
    Card::Stream s;
    std::array<float, 33> x{};
    for (std::size_t i = 0; i < 33; ++i) x[i] = float(i) / 10 - 1.5f;
    for (int t = 0; t < 3; ++t) CHECK(m->step(s, x) == (*m)(x));
}

TEST_CASE("per-stream state: each Stream holds its own, sliced per layer; reset starts it again") {
    using Model = BasicSequential<double, Dense<2, 3>, RunningSum, Dense<3, 1>>;
    static_assert(Model::stream_state_count == 3);
    static_assert(Model::stream_offset<0> == 0 && Model::stream_offset<1> == 0 && Model::stream_offset<2> == 3);
    const Model m(Seed{2});
    const auto dense = [&](const std::array<double, 2>& x) {  // the first Dense by hand
        std::array<double, 3> h{};
        for (std::size_t j = 0; j < 3; ++j) {
            h[j] = m.layer<0>().bias()[j];
            for (std::size_t i = 0; i < 2; ++i) h[j] += x[i] * m.layer<0>().kernel()(i, j);
        }
        return h;
    };
    const auto out = [&](const std::array<double, 3>& h) {
        double y = m.layer<2>().bias()[0];
        for (std::size_t i = 0; i < 3; ++i) y += h[i] * m.layer<2>().kernel()(i, 0);
        return y;
    };
    const std::array<double, 2> x1{0.5, -1.0}, x2{2.0, 0.25};
    Model::Stream a, b;
    const double a1 = m.step(a, x1)[0];
    const double b1 = m.step(b, x2)[0];  // another stream, interleaved
    const double a2 = m.step(a, x2)[0];
    const auto h1 = dense(x1), h2 = dense(x2);
    std::array<double, 3> sum{};
    for (std::size_t i = 0; i < 3; ++i) sum[i] = h1[i] + h2[i];
    CHECK(a1 == doctest::Approx(out(h1)).epsilon(1e-14));
    CHECK(b1 == doctest::Approx(out(h2)).epsilon(1e-14));
    CHECK(a2 == doctest::Approx(out(sum)).epsilon(1e-14));
    CHECK(a.data()[0] == doctest::Approx(sum[0]).epsilon(1e-14));
    a.reset();
    CHECK(a.data()[0] == 0.0);
    CHECK(m.step(a, x1)[0] == a1);
}

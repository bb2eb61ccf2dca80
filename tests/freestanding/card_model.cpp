// The card's model built against <ctnn/core.hpp> alone, the way firmware uses
// it: weights in a constexpr model (flash), no heap, no exceptions, no RTTI, no
// iostream. tests/freestanding/check.sh compiles this with -fno-exceptions
// -fno-rtti for the host and for Cortex-M4 and inspects the object's symbols.
#include <ctnn/core.hpp>

// With the scalar kernels (what a microcontroller uses) nothing may pull in
// the streams. xsimd's own headers include <sstream>, so the SIMD build is
// checked only for its symbols.
#if !CTNN_SIMD && (defined(_GLIBCXX_IOSTREAM) || defined(_GLIBCXX_OSTREAM) || defined(_GLIBCXX_ISTREAM) || \
                   defined(_GLIBCXX_SSTREAM) || defined(_GLIBCXX_STRING))
#error "<ctnn/core.hpp> must not include iostream, sstream or string"
#endif
#if defined(__arm__) && CTNN_SIMD
#error "the Cortex-M build must use the scalar kernels"
#endif

using Model = ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<4, 4, ctnn::ReLU>,
                               ctnn::Dense<4, 1, ctnn::Sigmoid>>;

namespace {
constexpr auto weights = [] {
    std::array<float, Model::parameter_count> p{};
    for (std::size_t k = 0; k < p.size(); ++k) p[k] = float(int(k % 13) - 6) / 16.f;
    return p;
}();
constexpr Model model(weights);
}  // namespace

extern "C" float ctnn_card_infer(const float* x) {
    return model(std::span<const float, Model::input_size>(x, Model::input_size))[0];
}

// Every layer and activation of the core, so the check sees their symbols too
// (no libm: exp, expm1, tanh and sqrt are ctnn's own).
using LayersModel =
    ctnn::Sequential<ctnn::Normalization, ctnn::Dense<6, 8, ctnn::Linear>, ctnn::Dense<8, 8, ctnn::ReLU>,
                     ctnn::Dense<8, 8, ctnn::ELU>, ctnn::Dense<8, 8, ctnn::SELU>, ctnn::Dense<8, 8, ctnn::Swish>,
                     ctnn::Dense<8, 8, ctnn::Sigmoid>, ctnn::Dense<8, 8, ctnn::Tanh>, ctnn::BatchNormalization,
                     ctnn::Dropout<0.25f>, ctnn::Activation<ctnn::Tanh>, ctnn::Dense<8, 3, ctnn::Softmax>>;

namespace {
constexpr auto layers_parameters = [] {
    std::array<float, LayersModel::parameter_count> p{};
    for (std::size_t k = 0; k < p.size(); ++k) p[k] = float(int(k % 11) - 5) / 16.f;
    return p;
}();
constexpr auto layers_state = [] {
    std::array<float, LayersModel::state_count> s{};
    for (std::size_t k = 0; k < s.size(); ++k) s[k] = float(k % 5 + 1) / 4.f;  // positive: means and variances
    return s;
}();
constexpr LayersModel layers_model(layers_parameters, layers_state);
}  // namespace

extern "C" void ctnn_layers_infer(const float* x, float* y) {
    const auto out = layers_model(std::span<const float, LayersModel::input_size>(x, LayersModel::input_size));
    for (std::size_t j = 0; j < out.size(); ++j) y[j] = out[j];
}

// The shapes and options on (steps, channels) samples: Input<8, 3>,
// Normalization and BatchNormalization per channel, Dense on the last axis
// (LeakyReLU; ELU::with<0.5f> without bias), BatchNormalization::with<BatchNorm{...}>,
// Activation<LeakyReLU::with<0.3f>>, Dropout, Reshape, Flatten.
using Rank2Model = ctnn::Sequential<
    ctnn::Input<8, 3>, ctnn::Normalization, ctnn::Dense<3, 6, ctnn::LeakyReLU>, ctnn::BatchNormalization,
    ctnn::Dense<6, 4, ctnn::ELU::with<0.5f>, ctnn::DenseOptions{.use_bias = false}>,
    ctnn::BatchNormalization::with<ctnn::BatchNorm{.momentum = 0.9f, .epsilon = 1e-5f, .center = false}>,
    ctnn::Activation<ctnn::LeakyReLU::with<0.3f>>, ctnn::Dropout<0.25f>, ctnn::Reshape<4, 8>,
    ctnn::Dense<8, 5, ctnn::Tanh>, ctnn::Flatten, ctnn::Dense<20, 3, ctnn::Softmax>>;
static_assert(Rank2Model::input_size == 24 && Rank2Model::output_size == 3);

namespace {
constexpr auto rank2_parameters = [] {
    std::array<float, Rank2Model::parameter_count> p{};
    for (std::size_t k = 0; k < p.size(); ++k) p[k] = float(int(k % 7) - 3) / 8.f;
    return p;
}();
constexpr auto rank2_state = [] {
    std::array<float, Rank2Model::state_count> s{};
    for (std::size_t k = 0; k < s.size(); ++k) s[k] = float(k % 3 + 1) / 2.f;  // positive: means and variances
    return s;
}();
constexpr Rank2Model rank2_model(rank2_parameters, rank2_state);
}  // namespace

extern "C" void ctnn_rank2_infer(const float* x, float* y) {
    const auto out = rank2_model(std::span<const float, Rank2Model::input_size>(x, Rank2Model::input_size));
    for (std::size_t j = 0; j < out.size(); ++j) y[j] = out[j];
}

// Host side of the firmware test for every layer, activation and option of
// <ctnn/core.hpp>, in two models trained briefly on deterministic synthetic
// 3-class data sets:
//   layers  vectors: Normalization (adapted to features with means from -20 to
//           30 and spreads from 0.1 to 50), Dense with each elementwise
//           activation in turn, BatchNormalization (its moving statistics set
//           by training), Dropout, Activation<Tanh> and a Dense Softmax output;
//   rank2   (steps, channels) = (8, 3) samples, Input<8, 3>: Normalization and
//           BatchNormalization per channel, Dense on the last axis (LeakyReLU;
//           ELU::with<0.5f> without bias, DenseOptions{.use_bias = false}),
//           BatchNormalization::with<BatchNorm{...}> (momentum, epsilon, no
//           beta), Activation<LeakyReLU::with<0.3f>>, Dropout, Reshape<4, 8>,
//           Dense on the new last axis, Flatten and a Dense Softmax output;
//   conv    Input<32, 1>: Normalization, a causal Conv1D stack (Tanh;
//           dilations 1, 2, 4, 8) with BatchNormalization, MaxPooling1D,
//           GlobalAveragePooling1D and a Dense Softmax output;
//   conv2d  Input<8, 8, 2>: Normalization, a same-padded Conv2D (2 channels: the direct
//           kernel), a valid 3x3 Conv2D 8 -> 8 (Winograd's F(2x2, 3x3),
//           core/kernels/winograd.hpp), MaxPooling2D, BatchNormalization,
//           GlobalAveragePooling2D and a Dense Softmax output.
// It writes into OUTDIR
//   NAME_model.hpp      ctnn::export_header(model, ..., "NAME")
//   NAME_inputs.hpp     mcu_inputs::inputs: 20 inputs for the firmware
//   host_outputs.txt    the host's outputs on them, "out K BITS..."
// Usage: export_layers OUTDIR [layers|rank2|conv|conv2d]   (default: layers)
// Built with the scalar kernels (-DCTNN_NO_SIMD) and FMA where the host has it,
// as the firmware runs them (tests/mcu/run.sh), so outputs agree bit for bit.
// The checked-in examples/mcu/NAME_model.hpp and NAME_inputs.hpp are what it
// writes with those flags (host_outputs.txt is not checked in).
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "export_common.hpp"

namespace layers {
using Model = ctnn::Sequential<ctnn::Normalization, ctnn::Dense<6, 8, ctnn::Linear>, ctnn::Dense<8, 8, ctnn::ReLU>,
                               ctnn::Dense<8, 8, ctnn::ELU>, ctnn::Dense<8, 8, ctnn::SELU>,
                               ctnn::Dense<8, 8, ctnn::Swish>, ctnn::Dense<8, 8, ctnn::Sigmoid>,
                               ctnn::Dense<8, 8, ctnn::Tanh>, ctnn::BatchNormalization, ctnn::Dropout<0.25f>,
                               ctnn::Activation<ctnn::Tanh>, ctnn::Dense<8, 3, ctnn::Softmax>>;
constexpr std::size_t batch_normalization = 8;  // the layer whose moving statistics are printed
}  // namespace layers

namespace rank2 {
using Model = ctnn::Sequential<
    ctnn::Input<8, 3>, ctnn::Normalization, ctnn::Dense<3, 6, ctnn::LeakyReLU>, ctnn::BatchNormalization,
    ctnn::Dense<6, 4, ctnn::ELU::with<0.5f>, ctnn::DenseOptions{.use_bias = false}>,
    ctnn::BatchNormalization::with<ctnn::BatchNorm{.momentum = 0.9f, .epsilon = 1e-5f, .center = false}>,
    ctnn::Activation<ctnn::LeakyReLU::with<0.3f>>, ctnn::Dropout<0.25f>, ctnn::Reshape<4, 8>,
    ctnn::Dense<8, 5, ctnn::Tanh>, ctnn::Flatten, ctnn::Dense<20, 3, ctnn::Softmax>>;
constexpr std::size_t batch_normalization = 2;
static_assert(std::is_same_v<Model::input_shape, ctnn::Shape<8, 3>> && Model::input_size == 24);
}  // namespace rank2

namespace conv {
// A causal stack of the streaming kind (issue 15): dilations 1, 2, 4, 8 over
// 32 steps of one signal, then a max pooling, a global average and Softmax.
using Model = ctnn::Sequential<
    ctnn::Input<32, 1>, ctnn::Normalization, ctnn::Conv1D<6, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::causal}>,
    ctnn::Conv1D<6, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 2}>,
    ctnn::BatchNormalization,
    ctnn::Conv1D<6, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 4}>,
    ctnn::Conv1D<6, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 8}>,
    ctnn::MaxPooling1D<2>, ctnn::GlobalAveragePooling1D, ctnn::Dense<6, 3, ctnn::Softmax>>;
constexpr std::size_t batch_normalization = 3;
}  // namespace conv

namespace conv2d {
using Model = ctnn::Sequential<ctnn::Input<8, 8, 2>, ctnn::Normalization,
                               ctnn::Conv2D<8, 3, 3, ctnn::ReLU, ctnn::Conv{.padding = ctnn::Padding::same}>,
                               ctnn::Conv2D<8, 3, 3, ctnn::Tanh>, ctnn::MaxPooling2D<2, 2>, ctnn::BatchNormalization,
                               ctnn::GlobalAveragePooling2D, ctnn::Dense<8, 3, ctnn::Softmax>>;
constexpr std::size_t batch_normalization = 4;
// The firmware is to run both convolution kernels: the first layer direct, the second by Winograd.
static_assert(!ctnn::kernels::detail::winograd_applies<float, Model::layer_type<1>::geometry>);
static_assert(ctnn::kernels::detail::winograd_applies<float, Model::layer_type<2>::geometry>);
}  // namespace conv2d

constexpr std::size_t rows = 300, classes = 3;

// Feature i is centre[c] + spread[c] * u with u uniform in [-1, 1], c = i mod
// Channels (a sample's last axis: the channel of a (steps, channels) sample,
// the feature itself for a vector); the class is the largest of three fixed
// linear scores of the u.
template <std::size_t Features, std::size_t Channels>
ctnn::Dataset<float, Features, classes> synthetic_data(const std::array<double, Channels>& centre,
                                                       const std::array<double, Channels>& spread,
                                                       std::uint64_t seed) {
    ctnn::Rng rng(ctnn::Seed{seed});
    std::array<std::array<double, Features>, classes> rule;
    for (auto& w : rule)
        for (double& v : w) v = rng.uniform(-1, 1);
    ctnn::Dataset<float, Features, classes> data;
    for (std::size_t r = 0; r < rows; ++r) {
        std::array<double, Features> u;
        std::array<float, Features> x;
        for (std::size_t i = 0; i < Features; ++i) {
            u[i] = rng.uniform(-1, 1);
            x[i] = float(centre[i % Channels] + spread[i % Channels] * u[i]);
        }
        std::size_t best = 0;
        double best_score = -1e300;
        for (std::size_t c = 0; c < classes; ++c) {
            double score = 0;
            for (std::size_t i = 0; i < Features; ++i) score += rule[c][i] * u[i];
            if (score > best_score) best_score = score, best = c;
        }
        std::array<float, classes> y{};
        y[best] = 1;
        data.x.push_back(x);
        data.y.push_back(y);
    }
    return data;
}

// Adapts the model's Normalization (layer 0), trains it, and writes
// NAME_model.hpp, NAME_inputs.hpp and host_outputs.txt into dir.
template <std::size_t BatchNormalization, class Model, class Data>
void train_and_export(Model& model, const Data& data, const std::string& dir, const std::string& name) {
    model.template layer<0>().adapt(data);
    auto trainer = ctnn::compile(model, ctnn::Adam{}, ctnn::CategoricalCrossentropy{}, ctnn::CategoricalAccuracy{});
    const ctnn::History history = trainer.fit(data, {.batch_size = 32, .epochs = 20, .verbose = 0});
    const auto bn = model.template layer<BatchNormalization>();
    std::printf("export_layers: %s: trained %zu epochs on %zu synthetic rows: loss %.4f, categorical accuracy %.4f; "
                "BatchNormalization moving mean[0] %.4f, moving variance[0] %.4f\n",
                name.c_str(), history.epochs(), data.size(), history["loss"].back(),
                history["categorical_accuracy"].back(), double(bn.moving_mean()[0]),
                double(bn.moving_variance()[0]));

    ctnn::export_header(model, dir + "/" + name + "_model.hpp", name);

    // 16 rows of the data, all zeros, and rows far outside it, which drive
    // the activations into their saturated ends (exp over- and underflow).
    std::vector<std::array<float, Model::input_size>> inputs(data.x.begin(), data.x.begin() + 16);
    inputs.push_back({});
    for (float scale : {25.f, -25.f, 1e4f}) {
        auto x = data.x[0];
        for (float& v : x) v *= scale;
        inputs.push_back(x);
    }
    mcu_export::write_inputs_header(dir + "/" + name + "_inputs.hpp", inputs);
    mcu_export::write_host_outputs(dir + "/host_outputs.txt", model, inputs);
    std::printf("export_layers: wrote %s/%s_model.hpp, %s_inputs.hpp, host_outputs.txt\n", dir.c_str(), name.c_str(),
                name.c_str());
}

int main(int argc, char** argv) {
    const std::string which = argc == 3 ? argv[2] : "layers";
    if (argc < 2 || argc > 3 || (which != "layers" && which != "rank2" && which != "conv" && which != "conv2d")) {
        std::fprintf(stderr, "usage: export_layers OUTDIR [layers|rank2|conv|conv2d]\n");
        return 2;
    }
    const std::string dir = argv[1];
    try {
        if (which == "layers") {
            const auto data = synthetic_data<layers::Model::input_size, 6>({-20, -1, 0, 0.5, 7, 30},
                                                                           {0.1, 2, 50, 0.5, 10, 3}, 13);
            layers::Model model(ctnn::Seed{1});
            train_and_export<layers::batch_normalization>(model, data, dir, "layers");
        } else if (which == "conv") {
            // One channel of mean 3 and spread 2.
            const auto data = synthetic_data<conv::Model::input_size, 1>({3}, {2}, 19);
            conv::Model model(ctnn::Seed{3});
            train_and_export<conv::batch_normalization>(model, data, dir, "conv");
        } else if (which == "conv2d") {
            // Two channels of means -1 and 4, spreads 1 and 3.
            const auto data = synthetic_data<conv2d::Model::input_size, 2>({-1, 4}, {1, 3}, 23);
            conv2d::Model model(ctnn::Seed{4});
            train_and_export<conv2d::batch_normalization>(model, data, dir, "conv2d");
        } else {
            // Channels with means from -5 to 20 and spreads from 0.2 to 10.
            const auto data = synthetic_data<rank2::Model::input_size, 3>({-5, 0.5, 20}, {0.2, 2, 10}, 17);
            rank2::Model model(ctnn::Seed{2});
            train_and_export<rank2::batch_normalization>(model, data, dir, "rank2");
        }
    } catch (const ctnn::Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}

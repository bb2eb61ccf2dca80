// Host side of the firmware test for every layer and activation of
// <ctnn/core.hpp>: Normalization (adapted to features with means from -20 to
// 30 and spreads from 0.1 to 50), Dense with each elementwise activation in
// turn, BatchNormalization (its moving statistics set by training), Dropout,
// Activation<Tanh> and a Dense Softmax output. It trains the model briefly on
// a deterministic synthetic 3-class data set and writes into OUTDIR
//   layers_model.hpp    ctnn::export_header(model, ..., "layers")
//   layers_inputs.hpp   mcu_inputs::inputs: 20 inputs for the firmware
//   host_outputs.txt    the host's outputs on them, "out K BITS..."
// Usage: export_layers OUTDIR
// Built with the scalar kernels (-DCTNN_NO_SIMD) and FMA where the host has it,
// as the firmware runs them (tests/mcu/run.sh), so outputs agree bit for bit.
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "export_common.hpp"

using Model = ctnn::Sequential<ctnn::Normalization, ctnn::Dense<6, 8, ctnn::Linear>, ctnn::Dense<8, 8, ctnn::ReLU>,
                               ctnn::Dense<8, 8, ctnn::ELU>, ctnn::Dense<8, 8, ctnn::SELU>,
                               ctnn::Dense<8, 8, ctnn::Swish>, ctnn::Dense<8, 8, ctnn::Sigmoid>,
                               ctnn::Dense<8, 8, ctnn::Tanh>, ctnn::BatchNormalization, ctnn::Dropout<0.25f>,
                               ctnn::Activation<ctnn::Tanh>, ctnn::Dense<8, 3, ctnn::Softmax>>;
constexpr std::size_t rows = 300, features = Model::input_size, classes = Model::output_size;

// Feature i is centre[i] + spread[i] * u with u uniform in [-1, 1]; the class
// is the largest of three fixed linear scores of the u.
ctnn::Dataset<float, features, classes> synthetic_data() {
    constexpr std::array<double, features> centre = {-20, -1, 0, 0.5, 7, 30};
    constexpr std::array<double, features> spread = {0.1, 2, 50, 0.5, 10, 3};
    ctnn::Rng rng(ctnn::Seed{13});
    std::array<std::array<double, features>, classes> rule;
    for (auto& w : rule)
        for (double& v : w) v = rng.uniform(-1, 1);
    ctnn::Dataset<float, features, classes> data;
    for (std::size_t r = 0; r < rows; ++r) {
        std::array<double, features> u;
        std::array<float, features> x;
        for (std::size_t i = 0; i < features; ++i) {
            u[i] = rng.uniform(-1, 1);
            x[i] = float(centre[i] + spread[i] * u[i]);
        }
        std::size_t best = 0;
        double best_score = -1e300;
        for (std::size_t c = 0; c < classes; ++c) {
            double score = 0;
            for (std::size_t i = 0; i < features; ++i) score += rule[c][i] * u[i];
            if (score > best_score) best_score = score, best = c;
        }
        std::array<float, classes> y{};
        y[best] = 1;
        data.x.push_back(x);
        data.y.push_back(y);
    }
    return data;
}

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: export_layers OUTDIR\n");
        return 2;
    }
    const std::string dir = argv[1];
    try {
        const auto data = synthetic_data();
        Model model(ctnn::Seed{1});
        model.layer<0>().adapt(data);
        auto trainer = ctnn::compile(model, ctnn::Adam{}, ctnn::CategoricalCrossentropy{}, ctnn::CategoricalAccuracy{});
        const ctnn::History history = trainer.fit(data, {.batch_size = 32, .epochs = 20, .verbose = 0});
        const auto bn = model.layer<8>();
        std::printf("export_layers: trained %zu epochs on %zu synthetic rows: loss %.4f, categorical accuracy %.4f; "
                    "BatchNormalization moving mean[0] %.4f, moving variance[0] %.4f\n",
                    history.epochs(), data.size(), history["loss"].back(), history["categorical_accuracy"].back(),
                    double(bn.moving_mean()[0]), double(bn.moving_variance()[0]));

        ctnn::export_header(model, dir + "/layers_model.hpp", "layers");

        // 16 rows of the data, all zeros, and rows far outside it, which drive
        // the activations into their saturated ends (exp over- and underflow).
        std::vector<std::array<float, features>> inputs(data.x.begin(), data.x.begin() + 16);
        inputs.push_back({});
        for (float scale : {25.f, -25.f, 1e4f}) {
            auto x = data.x[0];
            for (float& v : x) v *= scale;
            inputs.push_back(x);
        }
        mcu_export::write_inputs_header(dir + "/layers_inputs.hpp", inputs);
        mcu_export::write_host_outputs(dir + "/host_outputs.txt", model, inputs);
    } catch (const ctnn::Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    std::printf("export_layers: wrote %s/layers_model.hpp, layers_inputs.hpp, host_outputs.txt\n", dir.c_str());
    return 0;
}

// Host side of the firmware example: builds the card's model and trains it on
// the real Ionosphere data set when DATADIR/ionosphere.arff is there (as
// examples/ionosphere does: a02 dropped, b = 0, g = 1, 70/30 split, early
// stopping), else briefly on a deterministic synthetic data set of the same
// shape (351 rows, 33 features in [-1, 1]), and writes into OUTDIR
//   card_model.hpp     ctnn::export_header(model, ..., "card")
//   card_inputs.hpp    mcu_inputs::inputs: 16 inputs for the firmware
//   host_outputs.txt   the host's outputs on them, as the firmware prints them:
//                      "out K BITS..." (IEEE-754 bit patterns in hex)
// Usage: export_card OUTDIR [DATADIR]
// Built with the scalar kernels (-DCTNN_NO_SIMD), as the firmware runs them, so
// that outputs can agree bit for bit (tests/mcu/run.sh says how it builds it).
#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "export_common.hpp"

using Model = ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<4, 4, ctnn::ReLU>,
                               ctnn::Dense<4, 1, ctnn::Sigmoid>>;
constexpr std::size_t rows = 351, features = Model::input_size;

// Features: x0 is 1 in 9 rows of 10, the others uniform in [-1, 1]. The label
// is a fixed random linear rule, thresholded so that 64% of rows are class 1.
ctnn::Dataset<float, features, 1> synthetic_ionosphere() {
    ctnn::Rng rng(ctnn::Seed{2024});
    std::array<double, features> rule;
    for (double& w : rule) w = rng.uniform(-1, 1);
    ctnn::Dataset<float, features, 1> data;
    std::vector<double> scores;
    for (std::size_t r = 0; r < rows; ++r) {
        std::array<float, features> x;
        x[0] = rng.uniform() < 0.9 ? 1.f : 0.f;
        for (std::size_t i = 1; i < features; ++i) x[i] = float(rng.uniform(-1, 1));
        double score = 0;
        for (std::size_t i = 0; i < features; ++i) score += rule[i] * x[i];
        data.x.push_back(x);
        scores.push_back(score);
    }
    std::vector<double> sorted = scores;
    std::sort(sorted.begin(), sorted.end());
    const double threshold = sorted[rows * 36 / 100];
    for (double s : scores) data.y.push_back({s >= threshold ? 1.f : 0.f});
    return data;
}

int main(int argc, char** argv) {
    if (argc != 2 && argc != 3) {
        std::fprintf(stderr, "usage: export_card OUTDIR [DATADIR]\n");
        return 2;
    }
    const std::string dir = argv[1];
    const std::string arff = argc == 3 ? std::string(argv[2]) + "/ionosphere.arff" : "";
    try {
        Model model(ctnn::Seed{0});
        auto trainer = ctnn::compile(model, ctnn::Adam{}, ctnn::BinaryCrossentropy{}, ctnn::BinaryAccuracy{});
        ctnn::Dataset<float, features, 1> data;
        if (!arff.empty() && std::ifstream(arff)) {
            data = ctnn::read_arff(arff).drop("a02").to_dataset<features, 1>("class");
            const auto [train, valid] = ctnn::split(data, 0.7, 0);
            const ctnn::History history = trainer.fit(
                train, {.batch_size = 32, .epochs = 1000, .validation_data = &valid, .verbose = 0},
                ctnn::EarlyStopping{.min_delta = 0.001, .patience = 20, .restore_best_weights = true});
            std::printf("export_card: trained on the Ionosphere data set (%s): %zu epochs, validation accuracy %.4f\n",
                        arff.c_str(), history.epochs(), trainer.evaluate(valid)["binary_accuracy"]);
        } else {
            data = synthetic_ionosphere();
            const ctnn::History history = trainer.fit(data, {.batch_size = 32, .epochs = 20, .verbose = 0});
            std::printf("export_card: no Ionosphere data set; trained %zu epochs on %zu synthetic rows: loss %.4f\n",
                        history.epochs(), data.size(), history["loss"].back());
        }

        ctnn::export_header(model, dir + "/card_model.hpp", "card");

        // 13 rows of the data, then inputs that reach the ends of exp's range.
        std::vector<std::array<float, features>> inputs(data.x.begin(), data.x.begin() + 13);
        inputs.push_back({});  // all zeros: the biases alone
        for (float scale : {40.f, -40.f}) {
            auto x = data.x[0];
            for (float& v : x) v *= scale;
            inputs.push_back(x);
        }

        mcu_export::write_inputs_header(dir + "/card_inputs.hpp", inputs);
        mcu_export::write_host_outputs(dir + "/host_outputs.txt", model, inputs);
    } catch (const ctnn::Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    std::printf("export_card: wrote %s/card_model.hpp, card_inputs.hpp, host_outputs.txt\n", dir.c_str());
    return 0;
}

// The convolution cases of issue 15 ("Speed"), in one place so that ctnn
// (benchmarks/conv.cpp) and the peers (benchmarks/peers/libtorch_conv.cpp,
// benchmarks/peers/plain_loop_conv.cpp) time the same models, with the same
// weights, on the same inputs, and check each other's outputs before anything
// is timed. The cases and their names:
//
// - BM_InferCNN/<library>: one 28 x 28 image through the Fashion-MNIST CNN of
//   examples/fashion_mnist_cnn.cpp (Conv2D 32 3x3 ReLU, MaxPooling2D 2x2,
//   Conv2D 64 3x3 ReLU, MaxPooling2D 2x2, Flatten, Dropout 0.5, Dense 10
//   Softmax). Each iteration takes the next of 16 fixed images.
// - BM_InferBatchCNN/<library>: 256 images in one call; items are images.
// - BM_Conv1D_8x8k3_1024/<library>: Conv1D 8 -> 8 channels, kernel 3, valid
//   padding, linear, over 1024 steps; one forward pass per iteration.
// - BM_DilatedStack_1024/<library>: four causal Conv1D of kernel 3, dilations
//   1, 2, 4, 8, 1 input channel then 8, tanh, over 1024 steps.
//   Both Conv1D cases report per_step, the time per input step (a counter of
//   Google Benchmark: iteration-invariant rate, inverted, so in seconds).
// - BM_TrainEpochCNN_FashionMNIST/<library>: one epoch of the CNN on the real
//   Fashion-MNIST training set ($CTNN_DATA), Adam (learning rate 1e-3),
//   batch 128, categorical cross-entropy, shuffled, from a fresh model each
//   iteration (only the epoch is timed). $CTNN_BENCH_CNN_ROWS (else
//   $CTNN_BENCH_ROWS) limits it to the first rows of the set; the counters
//   are rows, epoch_s (the time per epoch scaled to the full 60,000 rows) and
//   test_accuracy (on as many of the test images, not timed, so that a fast
//   but wrong epoch shows).
//
// The weights are from fixed seeds (the models from Seed 42, their biases
// from Seed 7 uniform in [-0.1, 0.1]: zero biases would hide a bias mistake);
// inputs from Seed 1234, uniform in [0, 1] for the images and [-1, 1] for the
// sequences. Layouts are Keras': a sample is (rows, columns, channels) or
// (steps, channels), row-major; a kernel is (KH, KW, Cin, Cout) or
// (K, Cin, Cout), then the bias.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <sched.h>

#include <benchmark/benchmark.h>

#include <ctnn/ctnn.hpp>

#include "cases.hpp"
#include "training_data.hpp"

namespace bench::conv {

using CNN = ctnn::Sequential<ctnn::Input<28, 28, 1>, ctnn::Conv2D<32, 3, 3, ctnn::ReLU>, ctnn::MaxPooling2D<2, 2>,
                             ctnn::Conv2D<64, 3, 3, ctnn::ReLU>, ctnn::MaxPooling2D<2, 2>, ctnn::Flatten,
                             ctnn::Dropout<0.5f>, ctnn::Dense<1600, 10, ctnn::Softmax>>;
constexpr std::size_t steps = 1024;
using Conv1 = ctnn::Sequential<ctnn::Input<steps, 8>, ctnn::Conv1D<8, 3>>;
using Dilated = ctnn::Sequential<
    ctnn::Input<steps, 1>, ctnn::Conv1D<8, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 1}>,
    ctnn::Conv1D<8, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 2}>,
    ctnn::Conv1D<8, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 4}>,
    ctnn::Conv1D<8, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 8}>>;

constexpr std::size_t single_count = 16;  // single-sample inputs, cycled through
constexpr std::size_t cnn_batch_rows = 256;
constexpr std::size_t full_epoch_rows = 60000;

// A layer's weights in Keras' layout: the kernel ((KH, KW, Cin, Cout),
// (K, Cin, Cout) or (In, Out), row-major), then the bias.
struct Weights {
    std::vector<float> kernel, bias;
};

// The weights of a model's layers that have any, in order.
template <class Model>
std::vector<Weights> weights_of(const Model& model) {
    std::vector<Weights> out;
    ctnn::detail::static_for<Model::layer_count>([&](auto i) {
        const auto view = model.template layer<i>();
        if constexpr (requires { view.bias(); }) {
            Weights w;
            const auto kernel = view.kernel();
            if constexpr (requires { kernel.span(); }) w.kernel.assign(kernel.span().begin(), kernel.span().end());
            else w.kernel.assign(kernel.begin(), kernel.end());
            w.bias.assign(view.bias().begin(), view.bias().end());
            out.push_back(std::move(w));
        }
    });
    return out;
}

// A model from Seed 42 with small random biases (zero after initialization,
// so a bias mistake would go unseen), fixed inputs and ctnn's outputs for them.
template <class Model>
struct ConvCase {
    using Input = std::array<float, Model::input_size>;
    using Output = std::array<float, Model::output_size>;
    const char* name;
    std::unique_ptr<Model> model;
    std::vector<Weights> layers;
    std::vector<Input, LineAligned<Input>> inputs;
    std::vector<Output> expected;

    ConvCase(const char* case_name, std::size_t rows, double low, double high)
        : name(case_name), model(std::make_unique<Model>(ctnn::Seed{42})), inputs(rows), expected(rows) {
        ctnn::Rng rng(ctnn::Seed{7});
        ctnn::detail::static_for<Model::layer_count>([&](auto i) {
            auto view = model->template layer<i>();
            if constexpr (requires { view.bias(); })
                for (float& b : view.bias()) b = static_cast<float>(rng.uniform(-0.1, 0.1));
        });
        layers = weights_of(*model);
        ctnn::Rng data(ctnn::Seed{1234});
        for (auto& x : inputs)
            for (float& v : x) v = static_cast<float>(data.uniform(low, high));
        for (std::size_t k = 0; k < rows; ++k) expected[k] = (*model)(inputs[k]);
    }

    // Not timed: a library's outputs for inputs[row] must match ctnn's within
    // 1e-4 (relative above 1) before its times mean anything.
    void check(const char* library, std::size_t row, std::span<const float> got) const {
        if (got.size() != Model::output_size) {
            std::fprintf(stderr, "benchmark %s/%s: %zu outputs for row %zu, expected %zu\n", name, library,
                         got.size(), row, Model::output_size);
            std::abort();
        }
        for (std::size_t j = 0; j < got.size(); ++j) {
            const double want = expected[row][j];
            if (!(std::abs(double(got[j]) - want) <= 1e-4 * std::max(1.0, std::abs(want)))) {
                std::fprintf(stderr, "benchmark %s/%s disagrees with ctnn on row %zu, output %zu: %.9g, ctnn %.9g\n",
                             name, library, row, j, double(got[j]), want);
                std::abort();
            }
        }
    }
};

struct Cases {
    ConvCase<CNN> cnn{"InferCNN", single_count, 0.0, 1.0};
    ConvCase<CNN> cnn_batch{"InferBatchCNN", cnn_batch_rows, 0.0, 1.0};
    ConvCase<Conv1> conv1{"Conv1D_8x8k3_1024", 4, -1.0, 1.0};
    ConvCase<Dilated> dilated{"DilatedStack_1024", 4, -1.0, 1.0};
};

// The rows of the training epoch: $CTNN_BENCH_CNN_ROWS, else $CTNN_BENCH_ROWS,
// else all of them.
inline std::size_t epoch_rows(std::size_t available) {
    for (const char* variable : {"CTNN_BENCH_CNN_ROWS", "CTNN_BENCH_ROWS"}) {
        const char* env = std::getenv(variable);
        if (env != nullptr && *env != '\0') {
            const std::size_t rows = std::strtoull(env, nullptr, 10);
            if (rows > 0) return std::min(rows, available);
        }
    }
    return available;
}

// The counters of a Conv1D case and of the epoch (Google Benchmark divides a
// rate by the CPU time and kInvert turns it into seconds per unit).
inline void count_steps(benchmark::State& state) {
    state.counters["per_step"] =
        benchmark::Counter(double(steps), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
// Whether this process may run on at least `threads` cores; if not, the case
// is skipped with a message (scripts/benchmark pins the one-thread runs to one
// core and runs the 2-thread cases again unpinned).
inline bool has_cores_for(benchmark::State& state, std::size_t threads) {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (threads <= 1 || sched_getaffinity(0, sizeof allowed, &allowed) != 0 ||
        std::size_t(CPU_COUNT(&allowed)) >= threads)
        return true;
    state.SkipWithError(("needs " + std::to_string(threads) + " cores; this process may run on " +
                         std::to_string(CPU_COUNT(&allowed))).c_str());
    return false;
}

inline void count_epoch(benchmark::State& state, std::size_t rows, double accuracy_sum) {
    state.counters["rows"] = double(rows);
    state.counters["epoch_s"] = benchmark::Counter(double(rows) / double(full_epoch_rows),
                                                   benchmark::Counter::kIsIterationInvariantRate |
                                                       benchmark::Counter::kInvert);
    state.counters["test_accuracy"] = accuracy_sum / double(state.iterations());
    state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(rows));
}

// The Fashion-MNIST rows of the epoch: the first epoch_rows() training images
// and as many test images (at most all 10,000), pixels / 255. Loaded once per
// process; without the data set, the error to skip with.
inline const Loaded<FashionMnist>& epoch_data() {
    static const auto loaded = load_once([] {
        FashionMnist data = load_fashion_mnist(data_dir());
        const auto cut = [](FashionSplit& split, std::size_t rows) {
            split.rows = std::min(rows, split.rows);
            split.x.resize(split.rows * FashionSplit::features);
            split.labels.resize(split.rows);
        };
        const std::size_t rows = epoch_rows(data.train.rows);
        cut(data.train, rows);
        cut(data.test, rows);
        return data;
    });
    return loaded;
}

}  // namespace bench::conv

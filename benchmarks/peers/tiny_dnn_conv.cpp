// tiny-dnn 1.0.0a3 (Debian's tiny-dnn, header-only) on the Fashion-MNIST CNN
// of benchmarks/common/conv_cases.hpp, under the same names with /tiny_dnn:
// BM_InferCNN, BM_InferBatchCNN and BM_TrainEpochCNN_FashionMNIST. (Not the
// Conv1D cases: tiny-dnn has no dilated or causal convolution.)
//
// The network is network<sequential> of convolutional_layer<relu> (valid),
// max_pooling_layer (2 x 2), convolutional_layer<relu>, max_pooling_layer,
// dropout_layer (0.5) and fully_connected_layer<softmax>; tiny-dnn flattens
// implicitly. One thread: CNN_SINGLE_THREAD (set by meson) makes parallel_for
// a plain loop. Its AVX backend (CNN_USE_AVX) has 5 x 5 convolution kernels
// only and falls back to the plain loops of the internal backend for 3 x 3, so
// it is not enabled (the internal backend is what a 3 x 3 network runs).
//
// Layouts: tiny-dnn keeps an image as (C, H, W); a convolution's weights as
// (Cout, Cin, KH, KW), then the bias; the fully-connected kernel as W[i * out
// + j] (Keras' input-major layout), with i in the (C, H, W) order of the
// pooled maps. ctnn's Keras kernels (KH, KW, Cin, Cout) are transposed, and
// the Dense's 1600 rows reordered from Keras' (h, w, c) flattening, as in
// benchmarks/peers/libtorch_conv.cpp. Inputs have one channel, so (H, W, 1) and
// (1, H, W) are the same floats. Inference runs in tiny-dnn's test phase
// (dropout is the identity); the batch is one predict over a
// std::vector<tensor_t> (each layer runs over the whole batch before the next).
//
// Training is network::train<cross_entropy_multiclass> on the softmax outputs
// (softmax + categorical cross-entropy; tiny-dnn averages the gradient over the
// mini-batch), batch 128, one epoch over the rows shuffled first (train does
// not shuffle; the shuffled copy is timed, it is part of an epoch), from
// tiny-dnn's own initialization (Xavier/Glorot uniform weights, zero biases,
// as Keras'). Dropout: tiny-dnn's dropout_layer is inverted dropout (kept
// units scaled by 1 / (1 - p) in training; it keeps a unit with probability p
// rather than 1 - p, the same at 0.5), but its backward pass is wrong: its
// inner loop runs over the batch's sample count instead of the unit count, so
// of the 1600 gradients of each image only the first 128 (the batch size) are
// passed down, and without the 1 / (1 - p). The convolutions then learn from
// about the first five of the 64 channels (25 units each): after 6,016 rows
// (unshuffled, from ctnn's initial weights, keras_adam), test loss 1.10
// against ctnn's 0.81 (accuracy 0.65-0.68 for three dropout seeds against
// 0.72); without dropout the two trained the same weights to 1e-7. This file
// uses keras_dropout below: tiny-dnn's layer with that backward loop written
// correctly (the gradient times mask / (1 - p) for all 1600 units), which then
// matched ctnn (loss 0.81, accuracy 0.72); the forward pass is tiny-dnn's.
//
// Adam: tiny-dnn's own tiny_dnn::adam is not Keras' (nor the paper's)
// algorithm: it advances its bias-correction powers b1^t and b2^t on every
// update() call, and update() is called once per weight vector per step (6 in
// this network), so its corrections fade 6 times too fast (the second
// moment's matters: for a constant gradient its steps are 1.5 to 2.3 times
// Keras' from step 10 to step 500); and its
// epsilon (1e-8) sits inside the square root. The cost per step is the same.
// This file trains with keras_adam below, a tiny-dnn optimizer with Keras'
// update (ctnn's, include/ctnn/train/optimizers/adam.hpp: learning rate 1e-3,
// betas 0.9 and 0.999, epsilon 1e-7 outside the root, t counted per weight
// vector), so that the accuracy checks the same algorithm as ctnn's and
// LibTorch's; the time is tiny-dnn's. (With keras_dropout, after the 6,016
// rows below: test accuracy 0.71 with keras_adam, 0.73 with tiny_dnn::adam's
// larger early steps, measured once; ctnn 0.70, LibTorch 0.71 and dlib 0.74
// after the same rows, tested on 6,016 images.)
//
// tiny-dnn is slow on this network (about 5 ms per training image on one
// core: a full epoch would take about 5 minutes, scripts/benchmark's 5
// repetitions about 25), so the epoch case trains on the first subset_rows =
// 6,016 rows (47 mini-batches; fewer when $CTNN_BENCH_CNN_ROWS says so) and
// tests on the first test_rows = 2,000 test images (about 2 ms each), and
// epoch_s is the time scaled to the full 60,000 rows, as count_epoch scales
// every library's cut epoch: tiny-dnn's time per row does not depend on the
// number of rows. The rows counter and the label say how many rows were
// timed; test_accuracy is after those rows only, so lower than the others'
// after a full epoch.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <random>
#include <span>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include <benchmark/benchmark.h>

// Not <tiny_dnn/tiny_dnn.h>: it pulls in the quantized layers, which need
// gemmlowp (see benchmarks/peers/tiny_dnn.cpp). These headers in tiny_dnn.h's
// order.
#include <tiny_dnn/config.h>
#include <tiny_dnn/network.h>
#include <tiny_dnn/nodes.h>
#include <tiny_dnn/layers/feedforward_layer.h>
#include <tiny_dnn/layers/convolutional_layer.h>
#include <tiny_dnn/layers/dropout_layer.h>
#include <tiny_dnn/layers/fully_connected_layer.h>
#include <tiny_dnn/layers/max_pooling_layer.h>
#include <tiny_dnn/activations/activation_function.h>
#include <tiny_dnn/lossfunctions/loss_function.h>
#include <tiny_dnn/optimizers/optimizer.h>

#include "common/conv_cases.hpp"

namespace {

using namespace bench::conv;
using Net = tiny_dnn::network<tiny_dnn::sequential>;
using tiny_dnn::tensor_t;
using tiny_dnn::vec_t;

// tiny-dnn's dropout_layer with its backward pass corrected (see the top of the
// file): each unit's gradient times mask / (1 - p), for every unit.
struct keras_dropout : public tiny_dnn::dropout_layer {
    using dropout_layer::dropout_layer;

    void back_propagation(const std::vector<tensor_t*>&, const std::vector<tensor_t*>&,
                          std::vector<tensor_t*>& out_grad, std::vector<tensor_t*>& in_grad) override {
        tensor_t& prev = *in_grad[0];
        const tensor_t& curr = *out_grad[0];
        const auto scale = float(1 / (1 - double(dropout_rate())));
        for (std::size_t sample = 0; sample < prev.size(); ++sample) {
            const std::vector<std::uint8_t>& mask = get_mask(tiny_dnn::serial_size_t(sample));
            for (std::size_t i = 0; i < curr[sample].size(); ++i)
                prev[sample][i] = mask[i] != 0 ? curr[sample][i] * scale : 0.f;
        }
    }
};

constexpr std::size_t subset_rows = 6016;  // 47 mini-batches of 128
constexpr std::size_t test_rows = 2000;

Net cnn() {
    using namespace tiny_dnn;
    using namespace tiny_dnn::activation;
    Net net;
    net << convolutional_layer<relu>(28, 28, 3, 1, 32, padding::valid)  // -> 26 x 26 x 32
        << max_pooling_layer<identity>(26, 26, 32, 2)                    // -> 13 x 13 x 32
        << convolutional_layer<relu>(13, 13, 3, 32, 64, padding::valid)  // -> 11 x 11 x 64
        << max_pooling_layer<identity>(11, 11, 64, 2)                    // -> 5 x 5 x 64 (floor, as Keras)
        << keras_dropout(1600, 0.5f) << fully_connected_layer<softmax>(1600, 10);
    return net;
}

void copy_into(vec_t& to, const std::vector<float>& from) {
    if (to.size() != from.size()) {
        std::fprintf(stderr, "tiny_dnn_conv: %zu weights where tiny-dnn has %zu\n", from.size(), to.size());
        std::abort();
    }
    std::copy(from.begin(), from.end(), to.begin());
}

// Keras' convolution kernel (KH, KW, Cin, Cout) as tiny-dnn's (Cout, Cin, KH, KW).
std::vector<float> conv_kernel(const Weights& w, std::size_t kh, std::size_t kw, std::size_t cin, std::size_t cout) {
    std::vector<float> out(w.kernel.size());
    for (std::size_t i = 0; i < kh; ++i)
        for (std::size_t j = 0; j < kw; ++j)
            for (std::size_t ci = 0; ci < cin; ++ci)
                for (std::size_t co = 0; co < cout; ++co)
                    out[((co * cin + ci) * kh + i) * kw + j] = w.kernel[((i * kw + j) * cin + ci) * cout + co];
    return out;
}

// The Dense kernel's 1600 rows from Keras' (h, w, c) order to tiny-dnn's (c, h, w).
std::vector<float> dense_kernel(const Weights& w) {
    std::vector<float> out(w.kernel.size());
    for (std::size_t h = 0; h < 5; ++h)
        for (std::size_t x = 0; x < 5; ++x)
            for (std::size_t c = 0; c < 64; ++c)
                for (std::size_t o = 0; o < 10; ++o)
                    out[((c * 5 + h) * 5 + x) * 10 + o] = w.kernel[((h * 5 + x) * 64 + c) * 10 + o];
    return out;
}

// The CNN with ctnn's weights, in the test phase.
std::unique_ptr<Net> cnn_with(const std::vector<Weights>& w) {
    auto net = std::make_unique<Net>(cnn());
    net->init_weight();  // allocates the weights and marks them initialized, so nothing re-initializes them
    const auto load = [&](std::size_t layer, const std::vector<float>& kernel, const Weights& from) {
        const std::vector<vec_t*> p = (*net)[layer]->weights();  // kernel, then bias
        if (p.size() != 2) std::abort();
        copy_into(*p[0], kernel);
        copy_into(*p[1], from.bias);
    };
    load(0, conv_kernel(w.at(0), 3, 3, 1, 32), w.at(0));
    load(2, conv_kernel(w.at(1), 3, 3, 32, 64), w.at(1));
    load(5, dense_kernel(w.at(2)), w.at(2));
    for (std::size_t l = 0; l < net->depth(); ++l) (*net)[l]->set_parallelize(false);
    net->set_netphase(tiny_dnn::net_phase::test);
    return net;
}

// A case's inputs as tiny-dnn vectors and a batch, checked against ctnn (not timed).
struct TinyCase {
    const ConvCase<CNN>& c;
    std::unique_ptr<Net> net;
    std::vector<vec_t> inputs;
    std::vector<tensor_t> batch;  // one tensor of one vec_t per sample

    explicit TinyCase(const ConvCase<CNN>& of) : c(of), net(cnn_with(of.layers)) {
        for (const auto& x : c.inputs) {
            inputs.emplace_back(x.begin(), x.end());
            batch.push_back(tensor_t{inputs.back()});
        }
        for (std::size_t k = 0; k < inputs.size(); ++k) {
            const vec_t y = net->predict(inputs[k]);
            c.check("tiny_dnn", k, std::span<const float>(y.data(), y.size()));
        }
        const std::vector<tensor_t> ys = net->predict(batch);
        if (ys.size() != inputs.size()) std::abort();
        for (std::size_t k = 0; k < inputs.size(); ++k)
            c.check("tiny_dnn batch", k, std::span<const float>(ys[k].at(0).data(), ys[k].at(0).size()));
    }
};

void register_single(std::shared_ptr<TinyCase> t) {
    benchmark::RegisterBenchmark("BM_InferCNN/tiny_dnn", [t](benchmark::State& state) {
        std::size_t k = 0;
        for (auto _ : state) {
            vec_t y = t->net->predict(t->inputs[k]);
            benchmark::DoNotOptimize(y.data());
            k = (k + 1) % t->inputs.size();
        }
    });
}

void register_batch(std::shared_ptr<TinyCase> t) {
    benchmark::RegisterBenchmark("BM_InferBatchCNN/tiny_dnn", [t](benchmark::State& state) {
        for (auto _ : state) {
            std::vector<tensor_t> ys = t->net->predict(t->batch);
            benchmark::DoNotOptimize(ys.data());
            benchmark::ClobberMemory();
        }
        state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(t->inputs.size()));
    });
}

// Keras' Adam as a tiny-dnn optimizer (see the top of the file): per weight
// vector, with t = its update count,
//   m += (g - m)(1 - b1);  v += (g^2 - v)(1 - b2);
//   W -= lr sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v) + epsilon).
struct keras_adam : public tiny_dnn::stateful_optimizer<2> {
    double lr = 1e-3, b1 = 0.9, b2 = 0.999, epsilon = 1e-7;
    std::unordered_map<const vec_t*, int> steps;

    void reset() override {
        stateful_optimizer<2>::reset();
        steps.clear();
    }

    void update(const vec_t& dW, vec_t& W, bool) override {
        vec_t& m = get<0>(W);
        vec_t& v = get<1>(W);
        const int t = ++steps[&W];
        const auto a = float(lr * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t)));
        const auto c1 = float(1 - b1), c2 = float(1 - b2), eps = float(epsilon);
        for (std::size_t i = 0; i < W.size(); ++i) {
            m[i] += (dW[i] - m[i]) * c1;
            v[i] += (dW[i] * dW[i] - v[i]) * c2;
            W[i] -= a * m[i] / (std::sqrt(v[i]) + eps);
        }
    }
};

// The epoch's rows as tiny-dnn takes them: images as vec_t, labels as class numbers.
struct TinyData {
    std::vector<vec_t> x, test_x;
    std::vector<tiny_dnn::label_t> y, test_y;
};

TinyData tiny_data(const bench::FashionMnist& data) {
    TinyData t;
    const auto convert = [](const bench::FashionSplit& split, std::size_t rows, std::vector<vec_t>& x,
                            std::vector<tiny_dnn::label_t>& y) {
        rows = std::min(rows, split.rows);
        for (std::size_t r = 0; r < rows; ++r) {
            const auto row = split.x.begin() + std::ptrdiff_t(r * bench::FashionSplit::features);
            x.emplace_back(row, row + bench::FashionSplit::features);
            y.push_back(split.labels[r]);
        }
    };
    convert(data.train, subset_rows, t.x, t.y);
    convert(data.test, test_rows, t.test_x, t.test_y);
    return t;
}

double test_accuracy(Net& net, const TinyData& t) {
    net.set_netphase(tiny_dnn::net_phase::test);
    std::size_t right = 0;
    for (std::size_t r = 0; r < t.test_x.size(); ++r) {
        const vec_t p = net.predict(t.test_x[r]);
        right += std::size_t(std::max_element(p.begin(), p.end()) - p.begin()) == t.test_y[r];
    }
    return double(right) / double(t.test_x.size());
}

void train_cnn_epoch(benchmark::State& state) {
    const auto& data = epoch_data();
    if (!data.data) {
        state.SkipWithError(data.error.c_str());
        return;
    }
    static const TinyData t = tiny_data(*data.data);  // once, not per repetition
    const std::size_t rows = t.x.size();
    std::vector<std::size_t> order(rows);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937 rng(0);
    std::vector<vec_t> x(rows);
    std::vector<tiny_dnn::label_t> y(rows);

    double accuracy_sum = 0;
    unsigned seed = 0;
    for (auto _ : state) {
        state.PauseTiming();  // a fresh network and optimizer, not timed
        tiny_dnn::set_random_seed(seed++);
        auto net = std::make_unique<Net>(cnn());
        keras_adam adam;
        state.ResumeTiming();

        std::shuffle(order.begin(), order.end(), rng);
        for (std::size_t r = 0; r < rows; ++r) {
            x[r] = t.x[order[r]];
            y[r] = t.y[order[r]];
        }
        net->train<tiny_dnn::cross_entropy_multiclass>(adam, x, y, 128, 1);

        state.PauseTiming();
        accuracy_sum += test_accuracy(*net, t);
        state.ResumeTiming();
    }
    count_epoch(state, rows, accuracy_sum);
    state.SetLabel("first " + std::to_string(rows) + " rows, epoch_s scaled to 60000");
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    const auto cases = std::make_unique<const Cases>();
    register_single(std::make_shared<TinyCase>(cases->cnn));
    register_batch(std::make_shared<TinyCase>(cases->cnn_batch));
    benchmark::RegisterBenchmark("BM_TrainEpochCNN_FashionMNIST/tiny_dnn", train_cnn_epoch)
        ->Unit(benchmark::kMillisecond);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

// LibTorch 1.13 (Debian's libtorch-dev) on the convolution cases of
// benchmarks/common/conv_cases.hpp, under the same names with /libtorch; one
// thread (at::set_num_threads(1), OPENBLAS_NUM_THREADS=1; the _2threads epoch two), inference under
// torch::InferenceMode.
//
// PyTorch's layouts are channels first: an image is (N, C, H, W), a sequence
// (N, C, L). The inputs are converted before timing; ctnn's Keras weights map
// as Conv2d weight = kernel (KH, KW, Cin, Cout) permuted to (Cout, Cin, KH,
// KW), Conv1d weight = kernel (K, Cin, Cout) permuted to (Cout, Cin, K), and
// the Dense after Flatten has its 1600 rows reordered from Keras' (h, w, c) to
// PyTorch's (c, h, w) flattening, so no transpose runs inside the model.
// Causal padding is Keras' left padding by (K - 1) * dilation, done by
// nn::ConstantPad1d. Training is the loop of benchmarks/peers/libtorch.cpp:
// a random permutation each epoch, index_select, zero_grad, forward,
// CrossEntropyLoss on the logits (softmax + categorical cross-entropy),
// backward, Adam with learning rate 1e-3.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "common/conv_cases.hpp"
#include "common/libtorch_training.hpp"

namespace {

namespace nn = torch::nn;
using namespace bench::conv;

torch::Tensor tensor_of(const std::vector<float>& values, torch::IntArrayRef shape) {
    return torch::from_blob(const_cast<float*>(values.data()), shape).clone();
}

// Keras' kernel (K..., Cin, Cout) into PyTorch's weight (Cout, Cin, K...).
void load(nn::Conv2dImpl& conv, const Weights& w) {
    const auto s = conv.weight.sizes();  // (Cout, Cin, KH, KW)
    conv.weight.copy_(tensor_of(w.kernel, {s[2], s[3], s[1], s[0]}).permute({3, 2, 0, 1}));
    conv.bias.copy_(tensor_of(w.bias, {s[0]}));
}
void load(nn::Conv1dImpl& conv, const Weights& w) {
    const auto s = conv.weight.sizes();  // (Cout, Cin, K)
    conv.weight.copy_(tensor_of(w.kernel, {s[2], s[1], s[0]}).permute({2, 1, 0}));
    conv.bias.copy_(tensor_of(w.bias, {s[0]}));
}

nn::Conv1d conv1d(const Weights& w, long in, long out, long k, long dilation) {
    nn::Conv1d conv(nn::Conv1dOptions(in, out, k).dilation(dilation));
    load(*conv, w);
    return conv;
}

// The CNN, ending in logits (training takes them).
nn::Sequential cnn() {
    return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 32, 3)), nn::ReLU(), nn::MaxPool2d(nn::MaxPool2dOptions(2)),
                          nn::Conv2d(nn::Conv2dOptions(32, 64, 3)), nn::ReLU(), nn::MaxPool2d(nn::MaxPool2dOptions(2)),
                          nn::Flatten(), nn::Dropout(0.5), nn::Linear(1600, 10));
}

// The CNN with ctnn's weights and a Softmax, for inference.
nn::Sequential cnn_with(const std::vector<Weights>& w) {
    torch::NoGradGuard no_grad;
    nn::Sequential net = cnn();
    net->push_back(nn::Softmax(1));
    load(*net[0]->as<nn::Conv2dImpl>(), w.at(0));
    load(*net[3]->as<nn::Conv2dImpl>(), w.at(1));
    auto* dense = net[8]->as<nn::LinearImpl>();
    dense->weight.copy_(tensor_of(w.at(2).kernel, {5, 5, 64, 10}).permute({2, 0, 1, 3}).reshape({1600, 10}).t());
    dense->bias.copy_(tensor_of(w.at(2).bias, {10}));
    net->eval();
    return net;
}

nn::Sequential conv1_with(const std::vector<Weights>& w) {
    torch::NoGradGuard no_grad;
    nn::Sequential net(conv1d(w.at(0), 8, 8, 3, 1));
    net->eval();
    return net;
}

nn::Sequential dilated_with(const std::vector<Weights>& w) {
    torch::NoGradGuard no_grad;
    nn::Sequential net;
    long in = 1;
    for (long layer = 0, dilation = 1; layer < 4; ++layer, dilation *= 2, in = 8) {
        net->push_back(nn::ConstantPad1d(nn::ConstantPad1dOptions({2 * dilation, 0}, 0.0)));
        net->push_back(conv1d(w.at(std::size_t(layer)), in, 8, 3, dilation));
        net->push_back(nn::Tanh());
    }
    net->eval();
    return net;
}

// A case's inputs in PyTorch's layout, one (1, ...) tensor each, and the
// outputs back in Keras' order for the check.
template <class Model>
struct TorchCase {
    const ConvCase<Model>& c;
    nn::Sequential net;
    std::vector<torch::Tensor> inputs;
    torch::Tensor batch;

    TorchCase(const ConvCase<Model>& of, nn::Sequential model, std::vector<long> keras_shape)
        : c(of), net(std::move(model)) {
        keras_shape.insert(keras_shape.begin(), 1);
        for (const auto& x : c.inputs) {
            const torch::Tensor t = torch::from_blob(const_cast<float*>(x.data()), keras_shape);
            // (1, H, W, C) -> (1, C, H, W); (1, L, C) -> (1, C, L)
            inputs.push_back((keras_shape.size() == 4 ? t.permute({0, 3, 1, 2}) : t.permute({0, 2, 1})).contiguous());
        }
        batch = torch::cat(inputs);
        torch::InferenceMode guard;
        const auto keras_order = [&](const torch::Tensor& y) {
            return (y.dim() == 3 ? y.permute({0, 2, 1}) : y).contiguous();  // (N, C, L) -> (N, L, C)
        };
        for (std::size_t k = 0; k < inputs.size(); ++k) {
            const torch::Tensor y = keras_order(net->forward(inputs[k]));
            c.check("libtorch", k, std::span<const float>(y.data_ptr<float>(), std::size_t(y.numel())));
        }
        const torch::Tensor ys = keras_order(net->forward(batch));
        const std::size_t n = Model::output_size;
        for (std::size_t k = 0; k < inputs.size(); ++k)
            c.check("libtorch batch", k, std::span<const float>(ys.data_ptr<float>() + k * n, n));
    }
};

template <class Model>
void register_single(const char* name, std::shared_ptr<TorchCase<Model>> t, bool per_step) {
    benchmark::RegisterBenchmark(name, [t, per_step](benchmark::State& state) {
        torch::InferenceMode guard;
        std::size_t k = 0;
        for (auto _ : state) {
            torch::Tensor y = t->net->forward(t->inputs[k]);
            benchmark::DoNotOptimize(y.data_ptr<float>());
            k = (k + 1) % t->inputs.size();
        }
        if (per_step) count_steps(state);
    });
}

void register_batch(std::shared_ptr<TorchCase<CNN>> t) {
    benchmark::RegisterBenchmark("BM_InferBatchCNN/libtorch", [t](benchmark::State& state) {
        torch::InferenceMode guard;
        for (auto _ : state) {
            torch::Tensor ys = t->net->forward(t->batch);
            benchmark::DoNotOptimize(ys.data_ptr<float>());
            benchmark::ClobberMemory();
        }
        state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(t->inputs.size()));
    });
}

// One epoch on `threads` intra-op threads (at::set_num_threads; back to 1 after).
void train_cnn_epoch(benchmark::State& state, int threads) {
    if (!bench::conv::has_cores_for(state, std::size_t(threads))) return;
    struct Tensors {
        torch::Tensor x, y, test_x, test_y;
    };
    static const auto loaded = bench::load_once([] {  // once, not per repetition
        const auto& data = epoch_data();
        if (!data.data) throw std::runtime_error(data.error);
        using namespace bench::torch_training;
        const bench::FashionSplit &train = data.data->train, &test = data.data->test;
        return Tensors{images(train, {long(train.rows), 1, 28, 28}), labels(train),
                       images(test, {long(test.rows), 1, 28, 28}), labels(test)};
    });
    if (!loaded.data) {
        state.SkipWithError(loaded.error.c_str());
        return;
    }
    const Tensors& t = *loaded.data;
    at::set_num_threads(threads);

    double accuracy_sum = 0;
    std::uint64_t seed = 0;
    for (auto _ : state) {
        state.PauseTiming();  // a fresh network and optimizer, not timed
        torch::manual_seed(seed++);
        nn::Sequential net = cnn();
        torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3));
        nn::CrossEntropyLoss loss;
        net->train();
        state.ResumeTiming();

        bench::torch_training::train_epoch(net, adam, loss, t.x, t.y, 128);

        state.PauseTiming();
        {
            net->eval();
            torch::InferenceMode guard;
            const torch::Tensor predicted = net->forward(t.test_x).argmax(1);
            accuracy_sum += predicted.eq(t.test_y).to(torch::kDouble).mean().item<double>();
        }
        state.ResumeTiming();
    }
    at::set_num_threads(1);
    count_epoch(state, std::size_t(t.x.size(0)), accuracy_sum);
}

}  // namespace

int main(int argc, char** argv) {
    at::set_num_threads(1);
    at::set_num_interop_threads(1);
    bench::warn_unless_one_blas_thread("libtorch");
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    const auto cases = std::make_unique<const Cases>();
    register_single("BM_InferCNN/libtorch", std::make_shared<TorchCase<CNN>>(cases->cnn, cnn_with(cases->cnn.layers),
                                                                             std::vector<long>{28, 28, 1}), false);
    register_batch(std::make_shared<TorchCase<CNN>>(cases->cnn_batch, cnn_with(cases->cnn_batch.layers),
                                                    std::vector<long>{28, 28, 1}));
    register_single("BM_Conv1D_8x8k3_1024/libtorch",
                    std::make_shared<TorchCase<Conv1>>(cases->conv1, conv1_with(cases->conv1.layers),
                                                       std::vector<long>{long(steps), 8}), true);
    register_single("BM_DilatedStack_1024/libtorch",
                    std::make_shared<TorchCase<Dilated>>(cases->dilated, dilated_with(cases->dilated.layers),
                                                         std::vector<long>{long(steps), 1}), true);
    benchmark::RegisterBenchmark("BM_TrainEpochCNN_FashionMNIST/libtorch", train_cnn_epoch, 1)
        ->Unit(benchmark::kMillisecond);
    // Wall-clock time: the CPU time counts the calling thread alone.
    benchmark::RegisterBenchmark("BM_TrainEpochCNN_FashionMNIST_2threads/libtorch", train_cnn_epoch, 2)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

// LibTorch 1.13 (Debian's libtorch-dev), PyTorch's C++ API, on the cases of
// benchmarks/inference.cpp and benchmarks/training.cpp, under the same names
// with /libtorch.
//
// Networks are torch::nn::Sequential of Linear and activation modules. One
// thread: at::set_num_threads(1) and at::set_num_interop_threads(1) at the
// start of main; Debian's LibTorch calls OpenBLAS for matrix products, so run
// with OPENBLAS_NUM_THREADS=1 too (scripts set it; main() warns otherwise).
//
// Inference runs under torch::InferenceMode, LibTorch's fastest way to run a
// model without autograd (it also skips NoGradGuard's version counting), on
// 1 x In tensors made before timing; outputs are the probabilities (Sigmoid
// and Softmax modules at the end) that ctnn computes.
//
// Training is the usual PyTorch loop: a fresh random permutation each epoch,
// index_select of the mini-batch rows, zero_grad, forward, loss, backward,
// step. Adam with PyTorch's defaults (betas 0.9, 0.999, epsilon 1e-8,
// no weight decay) and learning rate 1e-3. The losses take logits, as PyTorch
// recommends: BCEWithLogitsLoss (the same model as Sigmoid + binary
// cross-entropy) and CrossEntropyLoss (softmax + categorical cross-entropy).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "common/cases.hpp"
#include "common/libtorch_training.hpp"
#include "common/training_data.hpp"

namespace {

namespace nn = torch::nn;

// ---- inference ------------------------------------------------------------------

// The case's layers as Linear modules with its weights. torch's Linear keeps
// its weight Out x In, the transpose of Keras' In x Out kernel.
nn::Sequential make_net(const std::vector<bench::Layer>& layers) {
    nn::Sequential net;
    torch::NoGradGuard no_grad;
    for (const bench::Layer& layer : layers) {
        nn::Linear linear(long(layer.in), long(layer.out));
        const auto kernel = torch::from_blob(const_cast<float*>(layer.kernel.data()),
                                             {long(layer.in), long(layer.out)});
        linear->weight.copy_(kernel.t());
        linear->bias.copy_(torch::from_blob(const_cast<float*>(layer.bias.data()), {long(layer.out)}));
        net->push_back(linear);
        switch (layer.act) {
            case bench::Act::relu: net->push_back(nn::ReLU()); break;
            case bench::Act::sigmoid: net->push_back(nn::Sigmoid()); break;
            case bench::Act::softmax: net->push_back(nn::Softmax(1)); break;
            case bench::Act::linear: break;
        }
    }
    net->eval();
    return net;
}

template <class Shape>
struct TorchCase {
    const bench::Case<Shape> c;
    nn::Sequential net;
    std::vector<torch::Tensor> inputs;  // one 1 x In tensor per case input (not timed)
    torch::Tensor batch;                // all inputs, rows x In

    explicit TorchCase(std::size_t rows) : c(rows), net(make_net(c.layers)) {
        const long in = long(c.input_size);
        for (const auto& x : c.inputs)
            inputs.push_back(torch::from_blob(const_cast<float*>(x.data()), {1, in}).clone());
        batch = torch::cat(inputs);
        check();
    }

    // Not timed: LibTorch must agree with ctnn.
    void check() {
        torch::InferenceMode guard;
        for (std::size_t k = 0; k < 16 && k < inputs.size(); ++k) {
            const torch::Tensor y = net->forward(inputs[k]).contiguous();
            c.check("libtorch", k, std::span<const float>(y.data_ptr<float>(), std::size_t(y.numel())));
        }
        const torch::Tensor ys = net->forward(batch).contiguous();
        for (std::size_t k = 0; k < inputs.size(); ++k)
            c.check("libtorch", k, std::span<const float>(ys.data_ptr<float>() + k * c.output_size, c.output_size));
    }
};

template <class Shape>
void register_single(TorchCase<Shape>& t) {
    benchmark::RegisterBenchmark((std::string("BM_Infer_") + Shape::name + "/libtorch").c_str(),
                                 [&t](benchmark::State& state) {
                                     torch::InferenceMode guard;
                                     std::size_t k = 0;
                                     for (auto _ : state) {
                                         torch::Tensor y = t.net->forward(t.inputs[k]);
                                         benchmark::DoNotOptimize(y.data_ptr<float>());
                                         k = (k + 1) % bench::sample_count;
                                     }
                                 });
}

template <class Shape>
void register_batch(TorchCase<Shape>& t) {
    benchmark::RegisterBenchmark((std::string("BM_InferBatch_") + Shape::name + "/libtorch").c_str(),
                                 [&t](benchmark::State& state) {
                                     torch::InferenceMode guard;
                                     for (auto _ : state) {
                                         torch::Tensor ys = t.net->forward(t.batch);
                                         benchmark::DoNotOptimize(ys.data_ptr<float>());
                                         benchmark::ClobberMemory();
                                     }
                                     state.SetItemsProcessed(std::int64_t(state.iterations()) *
                                                             std::int64_t(t.inputs.size()));
                                 });
}

// ---- training -------------------------------------------------------------------

using bench::torch_training::train_epoch;

void train_card(benchmark::State& state) {
    bench::IonosphereShaped data = bench::ionosphere_shaped();
    const long rows = long(data.rows), features = long(data.features);
    const torch::Tensor x = torch::from_blob(data.x.data(), {rows, features}).clone();
    const torch::Tensor y = torch::from_blob(data.y.data(), {rows, 1}).clone();
    torch::manual_seed(1);
    nn::Sequential net(nn::Linear(features, 4), nn::ReLU(), nn::Linear(4, 4), nn::ReLU(), nn::Linear(4, 1));
    torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3));
    nn::BCEWithLogitsLoss loss;
    constexpr std::size_t epochs = 20;
    for (auto _ : state) {
        for (std::size_t e = 0; e < epochs; ++e) train_epoch(net, adam, loss, x, y, 32);
    }
    state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(epochs * data.rows));
}

struct FashionTensors {
    torch::Tensor train_x, train_y, test_x, test_y;  // rows x 784 floats, rows class numbers (int64)
};

FashionTensors fashion_tensors(const bench::FashionMnist& data) {
    using namespace bench::torch_training;
    return {images(data.train, {long(data.train.rows), 784}), labels(data.train),
            images(data.test, {long(data.test.rows), 784}), labels(data.test)};
}

void train_fashion_epoch(benchmark::State& state) {
    static const auto loaded =
        bench::load_once([] { return fashion_tensors(bench::load_fashion_mnist(bench::data_dir())); });
    if (!loaded.data) {
        state.SkipWithError(loaded.error.c_str());
        return;
    }
    const FashionTensors& data = *loaded.data;

    double accuracy_sum = 0;
    std::uint64_t seed = 0;
    for (auto _ : state) {
        state.PauseTiming();  // a fresh network and optimizer, not timed
        torch::manual_seed(seed++);
        nn::Sequential net(nn::Linear(784, 128), nn::ReLU(), nn::Linear(128, 10));
        torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3));
        nn::CrossEntropyLoss loss;
        state.ResumeTiming();

        train_epoch(net, adam, loss, data.train_x, data.train_y, 128);

        state.PauseTiming();
        {
            torch::InferenceMode guard;
            const torch::Tensor predicted = net->forward(data.test_x).argmax(1);
            accuracy_sum += predicted.eq(data.test_y).to(torch::kDouble).mean().item<double>();
        }
        state.ResumeTiming();
    }
    state.counters["test_accuracy"] = accuracy_sum / double(state.iterations());
    state.SetItemsProcessed(std::int64_t(state.iterations()) * data.train_x.size(0));
}

}  // namespace

int main(int argc, char** argv) {
    at::set_num_threads(1);
    at::set_num_interop_threads(1);
    bench::warn_unless_one_blas_thread("libtorch");
    return bench::run_inference_cases<TorchCase>(
        argc, argv, [](auto& t) { register_single(t); }, [](auto& t) { register_batch(t); },
        [] {
            benchmark::RegisterBenchmark("BM_Train_33_4_4_1/libtorch", train_card)->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark("BM_TrainEpoch_FashionMNIST/libtorch", train_fashion_epoch)
                ->Unit(benchmark::kMillisecond);
        });
}

// dlib 19.24 (Debian's libdlib-dev) on the cases of benchmarks/inference.cpp
// and benchmarks/training.cpp, under the same names with /dlib.
//
// Networks are dlib's compile-time layer templates. For inference they end in
// dlib's own output layer (sig<> or softmax<>) and have no loss layer, so
// net(x) returns the probabilities ctnn computes; loss layers would return a
// raw score (loss_binary_log) or a class number (loss_multiclass_log).
// Training uses loss_binary_log on a logit (the same model as Sigmoid +
// binary cross-entropy; labels are +1/-1) and loss_multiclass_log on 10
// logits (softmax + categorical cross-entropy).
//
// Training runs dlib's own step synchronously -- compute_parameter_gradients
// then update_parameters with one adam solver per layer, which is what
// dnn_trainer's worker thread does for each mini-batch -- instead of
// dnn_trainer itself, which hands every mini-batch to a thread of its own.
// The mini-batches are copied from the shuffled rows straight into a dlib
// tensor, as dnn_trainer's to_tensor does.
//
// dlib's fc layer calls BLAS (OpenBLAS on Debian when libopenblas0-pthread is
// installed): run with OPENBLAS_NUM_THREADS=1 so it uses one core as the
// others do (scripts set it; main() warns otherwise).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <dlib/dnn.h>

#include "common/cases.hpp"
#include "common/training_data.hpp"

namespace {

using dlib::fc;
using dlib::input;
using dlib::matrix;
using dlib::relu;

// ---- inference ------------------------------------------------------------------

template <class Shape>
struct DlibNet;
template <>
struct DlibNet<bench::Shape_33_4_4_1> {
    using type = dlib::sig<fc<1, relu<fc<4, relu<fc<4, input<matrix<float, 33, 1>>>>>>>>;
};
template <>
struct DlibNet<bench::Shape_16_64_64_1> {
    using type = fc<1, relu<fc<64, relu<fc<64, input<matrix<float, 16, 1>>>>>>>;
};
template <>
struct DlibNet<bench::Shape_784_128_10> {
    using type = dlib::softmax<fc<10, relu<fc<128, input<matrix<float, 784, 1>>>>>>;
};

// Copies the case's weights into the net. dlib's fc layer keeps its parameters
// as one (In + 1) x Out tensor: the In x Out kernel, input-major as in Keras
// (forward is x * W), then the bias as the last row (dlib/dnn/layers.h, fc_).
// The tensors exist only after the first forward pass.
template <class Net>
void set_weights(Net& net, const std::vector<bench::Layer>& layers) {
    std::vector<dlib::tensor*> params;  // from the output layer down; relu etc. have none
    dlib::visit_layer_parameters(net, [&](dlib::tensor& t) {
        if (t.size() != 0) params.push_back(&t);
    });
    std::reverse(params.begin(), params.end());
    if (params.size() != layers.size()) std::abort();
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const bench::Layer& layer = layers[l];
        if (params[l]->size() != (layer.in + 1) * layer.out) std::abort();
        float* p = params[l]->host();
        std::copy(layer.kernel.begin(), layer.kernel.end(), p);
        std::copy(layer.bias.begin(), layer.bias.end(), p + layer.kernel.size());
    }
}

template <class Shape>
struct DlibCase {
    using Net = typename DlibNet<Shape>::type;
    using Input = typename Net::input_type;

    const bench::Case<Shape> c;
    Net net;
    std::vector<Input> inputs;  // the case's inputs as dlib column vectors (not timed)

    explicit DlibCase(std::size_t rows) : c(rows) {
        for (const auto& x : c.inputs) {
            Input m;
            std::copy(x.begin(), x.end(), m.begin());
            inputs.push_back(m);
        }
        net(inputs[0]);  // sets the layers up
        set_weights(net, c.layers);
        check();
    }

    // Not timed: dlib must agree with ctnn (outputs row-major, n x Out).
    void check() {
        for (std::size_t k = 0; k < 16 && k < inputs.size(); ++k) {
            const dlib::tensor& y = net(inputs[k]);
            c.check("dlib", k, std::span<const float>(y.host(), y.size()));
        }
        const dlib::tensor& ys = net(inputs.begin(), inputs.end());
        for (std::size_t k = 0; k < inputs.size(); ++k)
            c.check("dlib", k, std::span<const float>(ys.host() + k * c.output_size, c.output_size));
    }
};

template <class Shape>
void register_single(DlibCase<Shape>& d) {
    benchmark::RegisterBenchmark((std::string("BM_Infer_") + Shape::name + "/dlib").c_str(),
                                 [&d](benchmark::State& state) {
                                     std::size_t k = 0;
                                     for (auto _ : state) {
                                         const dlib::tensor& y = d.net(d.inputs[k]);
                                         benchmark::DoNotOptimize(y.host());
                                         k = (k + 1) % bench::sample_count;
                                     }
                                 });
}

template <class Shape>
void register_batch(DlibCase<Shape>& d) {
    benchmark::RegisterBenchmark((std::string("BM_InferBatch_") + Shape::name + "/dlib").c_str(),
                                 [&d](benchmark::State& state) {
                                     for (auto _ : state) {
                                         const dlib::tensor& ys = d.net(d.inputs.begin(), d.inputs.end());
                                         benchmark::DoNotOptimize(ys.host());
                                         benchmark::ClobberMemory();
                                     }
                                     state.SetItemsProcessed(std::int64_t(state.iterations()) *
                                                             std::int64_t(d.inputs.size()));
                                 });
}

// ---- training -------------------------------------------------------------------

// One epoch of mini-batch training over rows * In row-major features, in an
// order shuffled by rng. label(r) gives row r's dlib label.
template <class Net, class Label>
void train_epoch(Net& net, std::vector<dlib::adam>& solvers, const std::vector<float>& x, std::size_t rows,
                 std::size_t batch, std::vector<std::size_t>& order, std::mt19937& rng, Label label) {
    using label_type = typename Net::training_label_type;
    const std::size_t in = x.size() / rows;
    std::shuffle(order.begin(), order.end(), rng);
    dlib::resizable_tensor xb;
    std::vector<label_type> yb;
    for (std::size_t begin = 0; begin < rows; begin += batch) {
        const std::size_t n = std::min(batch, rows - begin);
        xb.set_size(long(n), 1, long(in), 1);  // the shape input<matrix<float, In, 1>> gives
        yb.resize(n);
        float* p = xb.host_write_only();
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t row = order[begin + r];
            std::copy_n(x.begin() + std::ptrdiff_t(row * in), in, p + r * in);
            yb[r] = label(row);
        }
        net.compute_parameter_gradients(xb, yb.begin());
        net.update_parameters(solvers, 1e-3);
    }
}

// Sets the layers up (parameters from std::rand()) with a first forward pass
// through to_tensor, which also tells the net how inputs map to tensor rows:
// a net must have seen to_tensor before it takes tensors directly.
template <class Net>
void set_up(Net& net) {
    typename Net::input_type zero;
    zero = 0;
    dlib::resizable_tensor x;
    net.to_tensor(&zero, &zero + 1, x);
    net.subnet().forward(x);
}

// Keras' Adam: no weight decay (dlib's default adam() has 0.0005), betas 0.9, 0.999.
template <class Net>
std::vector<dlib::adam> adam_solvers() {
    return std::vector<dlib::adam>(Net::num_computational_layers, dlib::adam(0, 0.9f, 0.999f));
}

using CardNet = dlib::loss_binary_log<fc<1, relu<fc<4, relu<fc<4, input<matrix<float, 33, 1>>>>>>>>;

void train_card(benchmark::State& state) {
    const bench::IonosphereShaped data = bench::ionosphere_shaped();
    std::srand(1);  // dlib initializes its layers from std::rand()
    CardNet net;
    set_up(net);
    auto solvers = adam_solvers<CardNet>();
    std::vector<std::size_t> order(data.rows);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937 rng(0);
    constexpr std::size_t epochs = 20;
    for (auto _ : state) {
        for (std::size_t e = 0; e < epochs; ++e)
            train_epoch(net, solvers, data.x, data.rows, 32, order, rng,
                        [&](std::size_t r) { return data.y[r] > 0.5f ? 1.f : -1.f; });
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(epochs * data.rows));
}

using FashionNet = dlib::loss_multiclass_log<fc<10, relu<fc<128, input<matrix<float, 784, 1>>>>>>;

double test_accuracy(FashionNet& net, const bench::FashionSplit& test) {
    dlib::resizable_tensor x;
    x.set_size(long(test.rows), 1, 784, 1);
    std::copy(test.x.begin(), test.x.end(), x.host_write_only());
    const dlib::tensor& logits = net.subnet().forward(x);  // n x 10; the largest logit is the class
    const float* p = logits.host();
    std::size_t right = 0;
    for (std::size_t r = 0; r < test.rows; ++r)
        right += std::size_t(std::max_element(p + r * 10, p + r * 10 + 10) - (p + r * 10)) == test.labels[r];
    return double(right) / double(test.rows);
}

void train_fashion_epoch(benchmark::State& state) {
    static const auto loaded = bench::load_once([] { return bench::load_fashion_mnist(bench::data_dir()); });
    if (!loaded.data) {
        state.SkipWithError(loaded.error.c_str());
        return;
    }
    const bench::FashionMnist& data = *loaded.data;
    std::vector<std::size_t> order(data.train.rows);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937 rng(0);

    double accuracy_sum = 0;
    unsigned seed = 0;
    for (auto _ : state) {
        state.PauseTiming();  // a fresh network, not timed
        std::srand(seed++);
        auto net = std::make_unique<FashionNet>();
        set_up(*net);
        auto solvers = adam_solvers<FashionNet>();
        state.ResumeTiming();

        train_epoch(*net, solvers, data.train.x, data.train.rows, 128, order, rng,
                    [&](std::size_t r) { return static_cast<unsigned long>(data.train.labels[r]); });

        state.PauseTiming();
        accuracy_sum += test_accuracy(*net, data.test);
        state.ResumeTiming();
    }
    state.counters["test_accuracy"] = accuracy_sum / double(state.iterations());
    state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(data.train.rows));
}

}  // namespace

int main(int argc, char** argv) {
    bench::warn_unless_one_blas_thread("dlib");
    return bench::run_inference_cases<DlibCase>(
        argc, argv, [](auto& d) { register_single(d); }, [](auto& d) { register_batch(d); },
        [] {
            benchmark::RegisterBenchmark("BM_Train_33_4_4_1/dlib", train_card)->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark("BM_TrainEpoch_FashionMNIST/dlib", train_fashion_epoch)
                ->Unit(benchmark::kMillisecond);
        });
}

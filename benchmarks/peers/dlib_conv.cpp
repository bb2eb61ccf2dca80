// dlib 19.24 (Debian's libdlib-dev) on the Fashion-MNIST CNN of
// benchmarks/common/conv_cases.hpp, under the same names with /dlib:
// BM_InferCNN, BM_InferBatchCNN and BM_TrainEpochCNN_FashionMNIST. (Not the
// Conv1D cases: dlib's con_ has no dilation.)
//
// The networks are dlib's compile-time layer templates: con_<N, 3, 3, 1, 1,
// 0, 0> (valid padding spelled out: dlib's default for stride 1 is "same"),
// relu, max_pool<2, 2, 2, 2>, and fc<10>, which flattens its input itself.
// For inference the net ends in dlib's softmax<> and has no dropout (Keras'
// Dropout is the identity at inference) nor loss layer, so net(x) returns the
// probabilities ctnn computes; the batch is one call over all 256 images (one
// tensor). dlib's con_ and fc_ run on BLAS (OpenBLAS on Debian): run with
// OPENBLAS_NUM_THREADS=1 (scripts set it; main() warns otherwise).
//
// Layouts: dlib's tensors are (N, K, R, C), channels first; a con_ layer's
// parameters are its filters (Cout, Cin, KH, KW), then the biases; an fc
// layer's one (In + 1) x Out tensor, the kernel input-major as in Keras, then
// the bias as the last row (dlib/dnn/layers.h), its In in the (c, h, w)
// order of the pooled maps. ctnn's Keras kernels (KH, KW, Cin, Cout) are
// transposed and the Dense's 1600 rows reordered from Keras' (h, w, c), as in
// benchmarks/peers/libtorch_conv.cpp. Inputs have one channel, so (H, W, 1) and
// (1, H, W) are the same floats.
//
// Training: loss_multiclass_log on 10 logits (softmax + categorical
// cross-entropy, averaged over the mini-batch), dlib's own step run
// synchronously -- compute_parameter_gradients, then update_parameters with one
// adam solver per layer (no weight decay, betas 0.9 and 0.999), learning rate
// 1e-3 -- as benchmarks/peers/dlib.cpp does, batch 128, the shuffled rows
// copied into a dlib tensor per mini-batch. Dropout: dlib's dropout_ zeroes
// units but does not scale the kept ones by 1 / (1 - p) in training (dlib
// expects it to be replaced by multiply_(1 - p) at test time); Keras' inverted
// dropout is a dropout followed by multiply_(1 / (1 - p)) = 2, which is what
// the training net has, so it trains the same model as ctnn and LibTorch (the
// multiply costs one pass over 1600 floats per image). Test accuracy copies
// the trained parameters into the inference net (not timed).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <random>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <dlib/dnn.h>

#include "common/conv_cases.hpp"

namespace {

using namespace bench::conv;
using dlib::add_layer;
using dlib::con_;
using dlib::fc;
using dlib::input;
using dlib::matrix;
using dlib::max_pool;
using dlib::relu;

template <long N, class SUBNET>
using con3x3 = add_layer<con_<N, 3, 3, 1, 1, 0, 0>, SUBNET>;  // valid padding
template <class SUBNET>
using pool2x2 = max_pool<2, 2, 2, 2, SUBNET>;
using Features = pool2x2<relu<con3x3<64, pool2x2<relu<con3x3<32, input<matrix<float, 28, 28>>>>>>>>;

using InferNet = dlib::softmax<fc<10, Features>>;
using TrainNet = dlib::loss_multiclass_log<fc<10, dlib::multiply<dlib::dropout<Features>>>>;

// The parameter tensors of a net that has any, from the input layer up.
template <class Net>
std::vector<dlib::tensor*> parameters(Net& net) {
    std::vector<dlib::tensor*> params;  // visited from the output layer down; relu etc. have none
    dlib::visit_layer_parameters(net, [&](dlib::tensor& t) {
        if (t.size() != 0) params.push_back(&t);
    });
    std::reverse(params.begin(), params.end());
    return params;
}

// Keras' convolution (KH, KW, Cin, Cout) kernel and bias as con_'s parameters.
void load_conv(dlib::tensor& p, const Weights& w, std::size_t cin, std::size_t cout) {
    if (p.size() != w.kernel.size() + w.bias.size() || w.kernel.size() != 9 * cin * cout) std::abort();
    float* to = p.host();
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            for (std::size_t ci = 0; ci < cin; ++ci)
                for (std::size_t co = 0; co < cout; ++co)
                    to[((co * cin + ci) * 3 + i) * 3 + j] = w.kernel[((i * 3 + j) * cin + ci) * cout + co];
    std::copy(w.bias.begin(), w.bias.end(), to + w.kernel.size());
}

// Keras' Dense after Flatten (rows in (h, w, c) order) as fc's parameters ((c, h, w) rows, then the bias).
void load_dense(dlib::tensor& p, const Weights& w) {
    if (p.size() != 1601 * 10 || w.kernel.size() != 1600 * 10) std::abort();
    float* to = p.host();
    for (std::size_t h = 0; h < 5; ++h)
        for (std::size_t x = 0; x < 5; ++x)
            for (std::size_t c = 0; c < 64; ++c)
                for (std::size_t o = 0; o < 10; ++o)
                    to[((c * 5 + h) * 5 + x) * 10 + o] = w.kernel[((h * 5 + x) * 64 + c) * 10 + o];
    std::copy(w.bias.begin(), w.bias.end(), to + w.kernel.size());
}

using Image = matrix<float, 28, 28>;

// Sets the layers up (parameters from std::rand()) with a first forward pass
// through to_tensor, which also tells the net how inputs map to tensor rows.
template <class Net>
void set_up(Net& net) {
    Image zero;
    zero = 0;
    dlib::resizable_tensor x;
    net.to_tensor(&zero, &zero + 1, x);
    net.subnet().forward(x);
}

// A case's inputs as dlib matrices, the net with ctnn's weights, checked
// against ctnn (not timed).
struct DlibCase {
    const ConvCase<CNN>& c;
    std::unique_ptr<InferNet> net = std::make_unique<InferNet>();
    std::vector<Image> inputs;

    explicit DlibCase(const ConvCase<CNN>& of) : c(of) {
        for (const auto& x : c.inputs) {
            Image m;
            std::copy(x.begin(), x.end(), m.begin());
            inputs.push_back(m);
        }
        (*net)(inputs[0]);  // sets the layers up
        const std::vector<dlib::tensor*> p = parameters(*net);
        if (p.size() != 3) std::abort();
        load_conv(*p[0], c.layers.at(0), 1, 32);
        load_conv(*p[1], c.layers.at(1), 32, 64);
        load_dense(*p[2], c.layers.at(2));
        for (std::size_t k = 0; k < inputs.size(); ++k) {
            const dlib::tensor& y = (*net)(inputs[k]);
            c.check("dlib", k, std::span<const float>(y.host(), y.size()));
        }
        const dlib::tensor& ys = (*net)(inputs.begin(), inputs.end());
        const std::size_t n = CNN::output_size;
        if (ys.size() != inputs.size() * n) std::abort();
        for (std::size_t k = 0; k < inputs.size(); ++k)
            c.check("dlib batch", k, std::span<const float>(ys.host() + k * n, n));
    }
};

void register_single(std::shared_ptr<DlibCase> d) {
    benchmark::RegisterBenchmark("BM_InferCNN/dlib", [d](benchmark::State& state) {
        std::size_t k = 0;
        for (auto _ : state) {
            const dlib::tensor& y = (*d->net)(d->inputs[k]);
            benchmark::DoNotOptimize(y.host());
            k = (k + 1) % d->inputs.size();
        }
    });
}

void register_batch(std::shared_ptr<DlibCase> d) {
    benchmark::RegisterBenchmark("BM_InferBatchCNN/dlib", [d](benchmark::State& state) {
        for (auto _ : state) {
            const dlib::tensor& ys = (*d->net)(d->inputs.begin(), d->inputs.end());
            benchmark::DoNotOptimize(ys.host());
            benchmark::ClobberMemory();
        }
        state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(d->inputs.size()));
    });
}

// The trained parameters in the inference net, then its accuracy on the test
// rows, 256 images per forward pass (all 10,000 at once would take 0.9 GB for
// the first convolution's output).
double test_accuracy(TrainNet& trained, InferNet& net, const bench::FashionSplit& test) {
    const std::vector<dlib::tensor*> from = parameters(trained), to = parameters(net);
    if (from.size() != to.size()) std::abort();
    for (std::size_t l = 0; l < from.size(); ++l) {
        if (from[l]->size() != to[l]->size()) std::abort();
        std::copy(from[l]->host(), from[l]->host() + from[l]->size(), to[l]->host());
    }
    dlib::resizable_tensor x;
    std::size_t right = 0;
    for (std::size_t begin = 0; begin < test.rows; begin += 256) {
        const std::size_t n = std::min<std::size_t>(256, test.rows - begin);
        x.set_size(long(n), 1, 28, 28);
        std::copy_n(test.x.begin() + std::ptrdiff_t(begin * 784), n * 784, x.host_write_only());
        const float* p = net.forward(x).host();  // n x 10 probabilities
        for (std::size_t r = 0; r < n; ++r)
            right += std::size_t(std::max_element(p + r * 10, p + r * 10 + 10) - (p + r * 10)) ==
                     test.labels[begin + r];
    }
    return double(right) / double(test.rows);
}

void train_cnn_epoch(benchmark::State& state) {
    const auto& loaded = epoch_data();
    if (!loaded.data) {
        state.SkipWithError(loaded.error.c_str());
        return;
    }
    const bench::FashionSplit &train = loaded.data->train, &test = loaded.data->test;
    std::vector<std::size_t> order(train.rows);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937 rng(0);
    auto tester = std::make_unique<InferNet>();
    set_up(*tester);

    double accuracy_sum = 0;
    unsigned seed = 0;
    for (auto _ : state) {
        state.PauseTiming();  // a fresh network and solvers, not timed
        std::srand(seed++);   // dlib initializes its layers from std::rand()
        auto net = std::make_unique<TrainNet>();
        dlib::layer<2>(*net).layer_details() = dlib::multiply_(2.0f);  // inverted dropout: 1 / (1 - 0.5)
        set_up(*net);
        std::vector<dlib::adam> solvers(TrainNet::num_computational_layers, dlib::adam(0, 0.9f, 0.999f));
        dlib::resizable_tensor xb;
        std::vector<unsigned long> yb;
        state.ResumeTiming();

        std::shuffle(order.begin(), order.end(), rng);
        for (std::size_t begin = 0; begin < train.rows; begin += 128) {
            const std::size_t n = std::min<std::size_t>(128, train.rows - begin);
            xb.set_size(long(n), 1, 28, 28);  // the shape input<matrix<float, 28, 28>> gives
            yb.resize(n);
            float* p = xb.host_write_only();
            for (std::size_t r = 0; r < n; ++r) {
                const std::size_t row = order[begin + r];
                std::copy_n(train.x.begin() + std::ptrdiff_t(row * 784), 784, p + r * 784);
                yb[r] = train.labels[row];
            }
            net->compute_parameter_gradients(xb, yb.begin());
            net->update_parameters(solvers, 1e-3);
        }

        state.PauseTiming();
        accuracy_sum += test_accuracy(*net, *tester, test);
        state.ResumeTiming();
    }
    count_epoch(state, train.rows, accuracy_sum);
}

}  // namespace

int main(int argc, char** argv) {
    bench::warn_unless_one_blas_thread("dlib");
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    // TrainNet's layer<2> (0 is the loss, 1 the fc) is the multiply that train_cnn_epoch sets to 2.
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(dlib::layer<2>(std::declval<TrainNet&>()).layer_details())>,
                                 dlib::multiply_>);
    const auto cases = std::make_unique<const Cases>();
    register_single(std::make_shared<DlibCase>(cases->cnn));
    register_batch(std::make_shared<DlibCase>(cases->cnn_batch));
    benchmark::RegisterBenchmark("BM_TrainEpochCNN_FashionMNIST/dlib", train_cnn_epoch)->Unit(benchmark::kMillisecond);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

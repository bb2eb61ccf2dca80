// The baseline on the convolution cases (benchmarks/common/conv_cases.hpp):
// the loops a competent engineer writes by hand for a fixed model. Sizes are
// compile-time constants, weights in std::arrays in Keras' layout, one loop
// nest per layer ordered so that the innermost loop runs over the output
// channels in memory order (independent sums the compiler vectorizes), the
// activations with std::exp and std::tanh, no intrinsics, compiled with the
// same flags as ctnn. Same names as benchmarks/conv.cpp, with /plain_loop.
// There is no training case: a hand-written backward pass is not what the
// plain loop stands for.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include <benchmark/benchmark.h>

#include "common/conv_cases.hpp"

namespace {

using namespace bench::conv;

template <std::size_t N>
void load(std::array<float, N>& to, const std::vector<float>& from) {
    if (from.size() != N) {
        std::fprintf(stderr, "plain_loop_conv: %zu weights where the model has %zu\n", from.size(), N);
        std::abort();
    }
    std::copy(from.begin(), from.end(), to.begin());
}

// Conv2D, valid padding, stride 1, ReLU: (H, W, Cin) -> (H-KH+1, W-KW+1, Cout).
template <std::size_t H, std::size_t W, std::size_t Cin, std::size_t Cout, std::size_t KH, std::size_t KW>
struct PlainConv2D {
    static constexpr std::size_t OH = H - KH + 1, OW = W - KW + 1;
    std::array<float, KH * KW * Cin * Cout> kernel{};
    std::array<float, Cout> bias{};

    void forward(const float* x, float* y) const noexcept {
        for (std::size_t r = 0; r < OH; ++r)
            for (std::size_t c = 0; c < OW; ++c) {
                float* out = y + (r * OW + c) * Cout;
                std::array<float, Cout> sum = bias;
                for (std::size_t i = 0; i < KH; ++i)
                    for (std::size_t j = 0; j < KW; ++j)
                        for (std::size_t ci = 0; ci < Cin; ++ci) {
                            const float v = x[((r + i) * W + c + j) * Cin + ci];
                            const float* w = &kernel[((i * KW + j) * Cin + ci) * Cout];
                            for (std::size_t co = 0; co < Cout; ++co) sum[co] += v * w[co];
                        }
                for (std::size_t co = 0; co < Cout; ++co) out[co] = sum[co] > 0.f ? sum[co] : 0.f;
            }
    }
};

// MaxPooling2D 2 x 2, stride 2, valid: (H, W, C) -> (H/2, W/2, C).
template <std::size_t H, std::size_t W, std::size_t C>
void max_pool_2x2(const float* x, float* y) noexcept {
    for (std::size_t r = 0; r < H / 2; ++r)
        for (std::size_t c = 0; c < W / 2; ++c)
            for (std::size_t ch = 0; ch < C; ++ch) {
                const auto at = [&](std::size_t i, std::size_t j) { return x[((2 * r + i) * W + 2 * c + j) * C + ch]; };
                y[(r * (W / 2) + c) * C + ch] = std::max(std::max(at(0, 0), at(0, 1)), std::max(at(1, 0), at(1, 1)));
            }
}

// The CNN; Dropout is the identity at inference.
struct PlainCNN {
    PlainConv2D<28, 28, 1, 32, 3, 3> conv1;
    PlainConv2D<13, 13, 32, 64, 3, 3> conv2;
    std::array<float, 1600 * 10> dense{};
    std::array<float, 10> dense_bias{};

    explicit PlainCNN(const std::vector<Weights>& w) {
        load(conv1.kernel, w.at(0).kernel), load(conv1.bias, w.at(0).bias);
        load(conv2.kernel, w.at(1).kernel), load(conv2.bias, w.at(1).bias);
        load(dense, w.at(2).kernel), load(dense_bias, w.at(2).bias);
    }

    // The activations live in the caller's buffers, like ctnn's Workspace.
    struct Buffers {
        std::array<float, 26 * 26 * 32> a1;
        std::array<float, 13 * 13 * 32> p1;
        std::array<float, 11 * 11 * 64> a2;
        std::array<float, 5 * 5 * 64> p2;
    };

    std::array<float, 10> operator()(const std::array<float, 784>& x, Buffers& b) const noexcept {
        conv1.forward(x.data(), b.a1.data());
        max_pool_2x2<26, 26, 32>(b.a1.data(), b.p1.data());
        conv2.forward(b.p1.data(), b.a2.data());
        max_pool_2x2<11, 11, 64>(b.a2.data(), b.p2.data());
        std::array<float, 10> y = dense_bias;
        for (std::size_t i = 0; i < 1600; ++i)
            for (std::size_t j = 0; j < 10; ++j) y[j] += b.p2[i] * dense[i * 10 + j];
        const float largest = *std::max_element(y.begin(), y.end());
        float sum = 0.f;
        for (float& v : y) sum += v = std::exp(v - largest);
        for (float& v : y) v /= sum;
        return y;
    }
};

// Conv1D, kernel K, dilation D, (Steps, Cin) -> (Out, Cout): valid (Out =
// Steps - (K-1) D) or causal (Out = Steps, the input's missing past is zero).
template <std::size_t Steps, std::size_t Cin, std::size_t Cout, std::size_t K, std::size_t D, bool Causal, bool Tanh>
struct PlainConv1D {
    static constexpr std::size_t span = (K - 1) * D;
    static constexpr std::size_t out_steps = Causal ? Steps : Steps - span;
    std::array<float, K * Cin * Cout> kernel{};
    std::array<float, Cout> bias{};

    void forward(const float* x, float* y) const noexcept {
        for (std::size_t t = 0; t < out_steps; ++t) {
            std::array<float, Cout> sum = bias;
            for (std::size_t k = 0; k < K; ++k) {
                const std::size_t at = t + k * D;  // in the (zero-)padded input
                if (Causal && at < span) continue;
                const float* in = x + (Causal ? at - span : at) * Cin;
                for (std::size_t ci = 0; ci < Cin; ++ci) {
                    const float* w = &kernel[(k * Cin + ci) * Cout];
                    for (std::size_t co = 0; co < Cout; ++co) sum[co] += in[ci] * w[co];
                }
            }
            for (std::size_t co = 0; co < Cout; ++co) y[t * Cout + co] = Tanh ? std::tanh(sum[co]) : sum[co];
        }
    }
};

struct PlainConv1 {
    PlainConv1D<steps, 8, 8, 3, 1, false, false> conv;
    explicit PlainConv1(const std::vector<Weights>& w) { load(conv.kernel, w.at(0).kernel), load(conv.bias, w.at(0).bias); }
    struct Buffers {};
    ConvCase<Conv1>::Output operator()(const ConvCase<Conv1>::Input& x, Buffers&) const noexcept {
        ConvCase<Conv1>::Output y;
        conv.forward(x.data(), y.data());
        return y;
    }
};

struct PlainDilated {
    PlainConv1D<steps, 1, 8, 3, 1, true, true> c1;
    PlainConv1D<steps, 8, 8, 3, 2, true, true> c2;
    PlainConv1D<steps, 8, 8, 3, 4, true, true> c3;
    PlainConv1D<steps, 8, 8, 3, 8, true, true> c4;
    explicit PlainDilated(const std::vector<Weights>& w) {
        load(c1.kernel, w.at(0).kernel), load(c1.bias, w.at(0).bias);
        load(c2.kernel, w.at(1).kernel), load(c2.bias, w.at(1).bias);
        load(c3.kernel, w.at(2).kernel), load(c3.bias, w.at(2).bias);
        load(c4.kernel, w.at(3).kernel), load(c4.bias, w.at(3).bias);
    }
    struct Buffers {
        std::array<float, steps * 8> a, b;
    };
    ConvCase<Dilated>::Output operator()(const ConvCase<Dilated>::Input& x, Buffers& buf) const noexcept {
        ConvCase<Dilated>::Output y;
        c1.forward(x.data(), buf.a.data());
        c2.forward(buf.a.data(), buf.b.data());
        c3.forward(buf.b.data(), buf.a.data());
        c4.forward(buf.a.data(), y.data());
        return y;
    }
};

// Checks the plain model on every input of the case, then times it; the
// buffers are the caller's, as ctnn's Workspace is.
template <class Plain, class Model>
void register_single(const char* name, const ConvCase<Model>& c, bool per_step) {
    auto plain = std::make_shared<const Plain>(c.layers);
    auto buffers = std::make_shared<typename Plain::Buffers>();
    for (std::size_t k = 0; k < c.inputs.size(); ++k) c.check("plain_loop", k, (*plain)(c.inputs[k], *buffers));
    benchmark::RegisterBenchmark(name, [&c, plain, buffers, per_step](benchmark::State& state) {
        std::size_t k = 0;
        for (auto _ : state) {
            auto y = (*plain)(c.inputs[k], *buffers);
            benchmark::DoNotOptimize(y);
            k = (k + 1) % c.inputs.size();
        }
        if (per_step) count_steps(state);
    });
}

// The batch is the same loop over the images: the plain loop has no batch form.
void register_batch(const ConvCase<CNN>& c) {
    auto plain = std::make_shared<const PlainCNN>(c.layers);
    auto buffers = std::make_shared<PlainCNN::Buffers>();
    auto ys = std::make_shared<std::vector<ConvCase<CNN>::Output>>(c.inputs.size());
    for (std::size_t k = 0; k < ys->size(); ++k) c.check("plain_loop batch", k, (*plain)(c.inputs[k], *buffers));
    benchmark::RegisterBenchmark("BM_InferBatchCNN/plain_loop", [&c, plain, buffers, ys](benchmark::State& state) {
        for (auto _ : state) {
            for (std::size_t k = 0; k < ys->size(); ++k) (*ys)[k] = (*plain)(c.inputs[k], *buffers);
            benchmark::DoNotOptimize(ys->data());
            benchmark::ClobberMemory();
        }
        state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(ys->size()));
    });
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    const auto cases = std::make_unique<const Cases>();
    register_single<PlainCNN>("BM_InferCNN/plain_loop", cases->cnn, false);
    register_batch(cases->cnn_batch);
    register_single<PlainConv1>("BM_Conv1D_8x8k3_1024/plain_loop", cases->conv1, true);
    register_single<PlainDilated>("BM_DilatedStack_1024/plain_loop", cases->dilated, true);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

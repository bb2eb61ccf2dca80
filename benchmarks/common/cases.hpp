// The inference cases every library is timed on, in one place so that all of
// them run the same weights on the same inputs and can be checked against ctnn
// before anything is timed.
//
// A case is a shape (layer widths and activations), a ctnn model initialized
// from fixed seeds, its weights copied out per layer in Keras' layout (kernel
// In x Out input-major: element i * Out + j links input i to output j; then the
// bias), fixed random inputs, and ctnn's outputs for them. A peer builds its
// own network from `layers`, runs `inputs`, and calls `check` on its outputs.
//
// register_single and register_batch give every library the same timing loop
// under the same names (BM_Infer_<shape>/<library>, BM_InferBatch_<shape>/<library>),
// so one table lines them up.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include <ctnn/core.hpp>

namespace bench {

enum class Act { relu, sigmoid, linear, softmax };

struct Layer {
    std::size_t in, out;
    Act act;
    std::vector<float> kernel;  // in * out, input-major (Keras)
    std::vector<float> bias;    // out
};

struct Shape_33_4_4_1 {
    static constexpr const char* name = "33_4_4_1";
    using Model = ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<4, 4, ctnn::ReLU>,
                                   ctnn::Dense<4, 1, ctnn::Sigmoid>>;
    static constexpr std::array<Act, 3> acts{Act::relu, Act::relu, Act::sigmoid};
};

struct Shape_16_64_64_1 {
    static constexpr const char* name = "16_64_64_1";
    using Model = ctnn::Sequential<ctnn::Dense<16, 64, ctnn::ReLU>, ctnn::Dense<64, 64, ctnn::ReLU>,
                                   ctnn::Dense<64, 1, ctnn::Linear>>;
    static constexpr std::array<Act, 3> acts{Act::relu, Act::relu, Act::linear};
};

struct Shape_784_128_10 {
    static constexpr const char* name = "784_128_10";
    using Model = ctnn::Sequential<ctnn::Dense<784, 128, ctnn::ReLU>, ctnn::Dense<128, 10, ctnn::Softmax>>;
    static constexpr std::array<Act, 2> acts{Act::relu, Act::softmax};
};

constexpr std::size_t sample_count = 256;  // single-sample inputs, cycled through

// An allocator whose arrays start on a 64-byte line (malloc gives 16 bytes), so
// that where the inputs fall relative to cache lines is the same in every
// program rather than an accident of each one's heap.
template <class T>
struct LineAligned {
    using value_type = T;
    static constexpr std::align_val_t line{64};
    LineAligned() = default;
    template <class U>
    LineAligned(const LineAligned<U>&) noexcept {}
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), line)); }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, line); }  // unsized: clang 14 has no sized delete by default
    friend bool operator==(const LineAligned&, const LineAligned&) noexcept { return true; }
};
constexpr std::size_t batch_rows = 1024;   // rows of the batch case

template <class Shape>
struct Case {
    using Model = typename Shape::Model;
    static constexpr std::size_t input_size = Model::input_size;
    static constexpr std::size_t output_size = Model::output_size;
    using Input = std::array<float, input_size>;
    using Output = std::array<float, output_size>;

    Model model;                 // ctnn's network
    std::vector<Layer> layers;   // the same weights, per layer, for the peers
    std::vector<Input, LineAligned<Input>> inputs;  // uniform in [-1, 1], from a 64-byte line
    std::vector<Output> expected;  // ctnn's outputs for inputs

    explicit Case(std::size_t rows) : model(ctnn::Seed{42}), inputs(rows), expected(rows) {
        // Glorot kernels from seed 42; the biases are zero after initialization,
        // so give them small random values too, or a bias mistake would go unseen.
        ctnn::Rng rng(ctnn::Seed{7});
        auto p = model.parameters();
        std::size_t at = 0;
        ctnn::detail::static_for<Model::layer_count>([&](auto i) {
            using L = typename Model::template layer_type<i>;
            const std::size_t weights = L::input_size * L::output_size;
            for (std::size_t j = 0; j < L::output_size; ++j)
                p[at + weights + j] = static_cast<float>(rng.uniform(-0.1, 0.1));
            Layer layer{L::input_size, L::output_size, Shape::acts[i], {}, {}};
            layer.kernel.assign(p.begin() + static_cast<std::ptrdiff_t>(at),
                                p.begin() + static_cast<std::ptrdiff_t>(at + weights));
            layer.bias.assign(p.begin() + static_cast<std::ptrdiff_t>(at + weights),
                              p.begin() + static_cast<std::ptrdiff_t>(at + weights + L::output_size));
            layers.push_back(std::move(layer));
            at += L::parameter_count;
        });

        ctnn::Rng data(ctnn::Seed{1234});
        for (auto& x : inputs)
            for (auto& v : x) v = static_cast<float>(data.uniform(-1.0, 1.0));
        for (std::size_t k = 0; k < rows; ++k) expected[k] = model(inputs[k]);
    }

    // Not timed: a library's outputs for inputs[row] must match ctnn's within
    // 1e-4 before its times mean anything. Aborts with a message otherwise.
    void check(const char* library, std::size_t row, std::span<const float> got) const {
        if (got.size() != output_size) {
            std::fprintf(stderr, "benchmark %s/%s: %zu outputs for row %zu, expected %zu\n", Shape::name,
                         library, got.size(), row, output_size);
            std::abort();
        }
        for (std::size_t j = 0; j < output_size; ++j) {
            const double want = expected[row][j];
            if (!(std::abs(static_cast<double>(got[j]) - want) <= 1e-4)) {
                std::fprintf(stderr,
                             "benchmark %s/%s disagrees with ctnn on row %zu, output %zu: %.9g, ctnn %.9g\n",
                             Shape::name, library, row, j, static_cast<double>(got[j]), want);
                std::abort();
            }
        }
    }
};

// Registers BM_Infer_<shape>/<library>, single-sample inference: run(k)
// computes the outputs for inputs[k] and returns them (or a pointer to them).
// Each iteration takes the next of sample_count precomputed inputs, so
// successive calls are independent (the out-of-order core may overlap them:
// this is the throughput of back-to-back calls, not the latency of one), and
// the result is kept alive with DoNotOptimize.
// describe(state), after the loop, may add counters and a label (ctnn reports
// its kernels and alignments this way, benchmarks/inference.cpp).
struct NothingToDescribe {
    void operator()(benchmark::State&) const noexcept {}
};
template <class Shape, class Run, class Describe = NothingToDescribe>
void register_single(const char* library, Run run, Describe describe = {}) {
    const std::string name = std::string("BM_Infer_") + Shape::name + "/" + library;
    benchmark::RegisterBenchmark(name.c_str(), [run, describe](benchmark::State& state) {
        auto f = run;  // a local copy, so that its captures can live in registers
        std::size_t k = 0;
        for (auto _ : state) {
            auto y = f(k);
            benchmark::DoNotOptimize(y);
            k = (k + 1) % sample_count;
        }
        describe(state);
    });
}

// Registers BM_InferBatch_<shape>/<library>: run() computes the outputs of all
// `rows` inputs of a batch case and returns a pointer to them. Items are
// samples, so items_per_second is samples per second.
template <class Shape, class Run>
void register_batch(const char* library, std::size_t rows, Run run) {
    const std::string name = std::string("BM_InferBatch_") + Shape::name + "/" + library;
    benchmark::RegisterBenchmark(name.c_str(), [run, rows](benchmark::State& state) {
        auto f = run;
        for (auto _ : state) {
            auto* y = f();
            benchmark::DoNotOptimize(y);
            benchmark::ClobberMemory();
        }
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(rows));
    });
}

// Nothing more to register (run_inference_cases' default).
struct NothingMore {
    void operator()() const noexcept {}
};

// The main() of an inference program: Initialize, one Setup<Shape> per case
// (the program's wrapper of a Case, on the heap: 784-128-10 holds 400 KB of
// weights), register_single on the three shapes and register_batch on the
// batch case, register_more() (a program's other benchmarks), run. The setups
// live until the end: the benchmarks refer to them.
template <template <class> class Setup, class Single, class Batch, class More = NothingMore>
int run_inference_cases(int argc, char** argv, Single register_single, Batch register_batch,
                        More register_more = {}) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    const auto small = std::make_unique<Setup<Shape_33_4_4_1>>(sample_count);
    const auto medium = std::make_unique<Setup<Shape_16_64_64_1>>(sample_count);
    const auto large = std::make_unique<Setup<Shape_784_128_10>>(sample_count);
    const auto batch = std::make_unique<Setup<Shape_33_4_4_1>>(batch_rows);
    register_single(*small);
    register_single(*medium);
    register_single(*large);
    register_batch(*batch);
    register_more();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

// For the libraries that use OpenBLAS (dlib, LibTorch): one core, as everyone.
inline void warn_unless_one_blas_thread(const char* library) {
    const char* threads = std::getenv("OPENBLAS_NUM_THREADS");
    if (threads == nullptr || std::string(threads) != "1")
        std::fprintf(stderr, "%s benchmark: OPENBLAS_NUM_THREADS is not 1; BLAS may use more than one core\n", library);
}

}  // namespace bench

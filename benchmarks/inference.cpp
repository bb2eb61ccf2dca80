// Single-sample (and one batch) inference time of ctnn models against the loop
// a competent engineer writes by hand: the same weights in std::arrays in
// Keras' layout, a double loop per layer, the same activations, no intrinsics,
// compiled in this binary with the same flags.
//
// Benchmarks are registered by name, BM_Infer_<shape>/<implementation>, so a
// table can line up other libraries under the same names later.
//
// Single-sample timing is "one call after another on independent inputs":
// each iteration runs the model on the next of a fixed set of precomputed
// random inputs and keeps the output alive with DoNotOptimize. Successive calls
// are independent, so the out-of-order core may overlap them: this is
// throughput of back-to-back calls, not the latency of one isolated call.
//
// Before anything is timed, main() checks that the plain loop and ctnn agree
// within 1e-4 and aborts if they do not.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include <ctnn/core.hpp>

namespace {

// ---- the hand-written baseline ----------------------------------------------

enum class Act { relu, sigmoid, linear, softmax };

// One Dense layer: y = act(x W + b), W In x Out input-major (element i * Out + j
// links input i to output j), then b, exactly as ctnn and Keras store them.
template <std::size_t In, std::size_t Out, Act A>
struct PlainDense {
    static constexpr std::size_t input_size = In;
    static constexpr std::size_t output_size = Out;
    static constexpr std::size_t parameter_count = In * Out + Out;

    std::array<float, parameter_count> params{};

    std::array<float, Out> forward(const std::array<float, In>& x) const noexcept {
        std::array<float, Out> y{};
        for (std::size_t i = 0; i < In; ++i) {
            const float xi = x[i];
            for (std::size_t j = 0; j < Out; ++j) y[j] += xi * params[i * Out + j];
        }
        for (std::size_t j = 0; j < Out; ++j) y[j] += params[In * Out + j];

        if constexpr (A == Act::relu) {
            for (auto& v : y) v = v > 0.f ? v : 0.f;
        } else if constexpr (A == Act::sigmoid) {
            for (auto& v : y) v = 1.f / (1.f + std::exp(-v));
        } else if constexpr (A == Act::softmax) {
            float largest = y[0];
            for (std::size_t j = 1; j < Out; ++j) largest = std::max(largest, y[j]);
            float sum = 0.f;
            for (auto& v : y) {
                v = std::exp(v - largest);
                sum += v;
            }
            const float scale = 1.f / sum;
            for (auto& v : y) v *= scale;
        }
        return y;
    }
};

template <class... Layers>
struct PlainModel {
    using First = std::tuple_element_t<0, std::tuple<Layers...>>;
    using Last = std::tuple_element_t<sizeof...(Layers) - 1, std::tuple<Layers...>>;
    static constexpr std::size_t input_size = First::input_size;
    static constexpr std::size_t output_size = Last::output_size;
    static constexpr std::size_t parameter_count = (Layers::parameter_count + ...);

    std::tuple<Layers...> layers;

    // Copies a Keras-ordered parameter block (layer after layer).
    void load(std::span<const float, parameter_count> p) noexcept {
        std::size_t at = 0;
        std::apply(
            [&](auto&... layer) {
                ((std::copy_n(p.begin() + static_cast<std::ptrdiff_t>(at), layer.params.size(),
                              layer.params.begin()),
                  at += layer.params.size()),
                 ...);
            },
            layers);
    }

    std::array<float, output_size> operator()(const std::array<float, input_size>& x) const noexcept {
        return run<0>(x);
    }

private:
    template <std::size_t I, std::size_t N>
    std::array<float, output_size> run(const std::array<float, N>& x) const noexcept {
        if constexpr (I + 1 == sizeof...(Layers)) {
            return std::get<I>(layers).forward(x);
        } else {
            return run<I + 1>(std::get<I>(layers).forward(x));
        }
    }
};

// ---- the three shapes --------------------------------------------------------

struct Shape_33_4_4_1 {
    static constexpr const char* name = "33_4_4_1";
    using Model = ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<4, 4, ctnn::ReLU>,
                                   ctnn::Dense<4, 1, ctnn::Sigmoid>>;
    using Plain = PlainModel<PlainDense<33, 4, Act::relu>, PlainDense<4, 4, Act::relu>,
                             PlainDense<4, 1, Act::sigmoid>>;
};

struct Shape_16_64_64_1 {
    static constexpr const char* name = "16_64_64_1";
    using Model = ctnn::Sequential<ctnn::Dense<16, 64, ctnn::ReLU>, ctnn::Dense<64, 64, ctnn::ReLU>,
                                   ctnn::Dense<64, 1, ctnn::Linear>>;
    using Plain = PlainModel<PlainDense<16, 64, Act::relu>, PlainDense<64, 64, Act::relu>,
                             PlainDense<64, 1, Act::linear>>;
};

struct Shape_784_128_10 {
    static constexpr const char* name = "784_128_10";
    using Model = ctnn::Sequential<ctnn::Dense<784, 128, ctnn::ReLU>, ctnn::Dense<128, 10, ctnn::Softmax>>;
    using Plain = PlainModel<PlainDense<784, 128, Act::relu>, PlainDense<128, 10, Act::softmax>>;
};

constexpr std::size_t sample_count = 256;  // single-sample inputs, cycled through
constexpr std::size_t batch_rows = 1024;

// A model, the same weights in the plain loop, and fixed random inputs.
template <class Shape>
struct Case {
    using Model = typename Shape::Model;
    using Plain = typename Shape::Plain;
    using Input = std::array<float, Model::input_size>;
    using Output = std::array<float, Model::output_size>;
    static_assert(Plain::input_size == Model::input_size && Plain::output_size == Model::output_size &&
                  Plain::parameter_count == Model::parameter_count);

    Model model;
    Plain plain;
    std::vector<Input> inputs;

    explicit Case(std::size_t rows) : model(ctnn::Seed{42}), inputs(rows) {
        // Glorot kernels from seed 42; the biases are zero after initialization,
        // so give them small random values too, or a bias mistake would go unseen.
        ctnn::Rng rng(ctnn::Seed{7});
        auto p = model.parameters();
        std::size_t at = 0;
        ctnn::detail::static_for<Model::layer_count>([&](auto i) {
            using L = typename Model::template layer_type<i>;
            const std::size_t bias = at + L::input_size * L::output_size;
            for (std::size_t j = 0; j < L::output_size; ++j)
                p[bias + j] = static_cast<float>(rng.uniform(-0.1, 0.1));
            at += L::parameter_count;
        });
        plain.load(model.parameters());

        ctnn::Rng data(ctnn::Seed{1234});
        for (auto& x : inputs)
            for (auto& v : x) v = static_cast<float>(data.uniform(-1.0, 1.0));
    }

    // Not timed: the two implementations must agree before their times mean anything.
    void check() const {
        constexpr double tolerance = 1e-4;
        for (std::size_t k = 0; k < 16 && k < inputs.size(); ++k) {
            const Output a = model(inputs[k]);
            const Output b = plain(inputs[k]);
            for (std::size_t j = 0; j < a.size(); ++j) {
                if (!(std::abs(static_cast<double>(a[j]) - static_cast<double>(b[j])) <= tolerance)) {
                    std::fprintf(stderr,
                                 "inference benchmark: ctnn and the plain loop disagree on shape %s, "
                                 "input %zu, output %zu: ctnn %.9g, plain %.9g\n",
                                 Shape::name, k, j, static_cast<double>(a[j]), static_cast<double>(b[j]));
                    std::abort();
                }
            }
        }
    }
};

template <class Shape>
void check_batch(const Case<Shape>& c) {
    using C = Case<Shape>;
    std::vector<typename C::Output> ys(c.inputs.size());
    c.model.predict(std::span<const typename C::Input>(c.inputs), std::span<typename C::Output>(ys));
    for (std::size_t k = 0; k < ys.size(); ++k) {
        const auto b = c.plain(c.inputs[k]);
        for (std::size_t j = 0; j < b.size(); ++j) {
            if (!(std::abs(static_cast<double>(ys[k][j]) - static_cast<double>(b[j])) <= 1e-4)) {
                std::fprintf(stderr,
                             "inference benchmark: ctnn batch predict and the plain loop disagree on "
                             "shape %s, row %zu, output %zu: ctnn %.9g, plain %.9g\n",
                             Shape::name, k, j, static_cast<double>(ys[k][j]), static_cast<double>(b[j]));
                std::abort();
            }
        }
    }
}

// ---- benchmarks --------------------------------------------------------------

template <class Shape>
void register_single(const Case<Shape>& c) {
    const std::string base = std::string("BM_Infer_") + Shape::name;
    benchmark::RegisterBenchmark((base + "/ctnn").c_str(), [&c](benchmark::State& state) {
        const auto& model = c.model;
        const auto* inputs = c.inputs.data();
        std::size_t k = 0;
        for (auto _ : state) {
            auto y = model(inputs[k]);
            benchmark::DoNotOptimize(y);
            k = (k + 1) % sample_count;
        }
    });
    benchmark::RegisterBenchmark((base + "/plain_loop").c_str(), [&c](benchmark::State& state) {
        const auto& plain = c.plain;
        const auto* inputs = c.inputs.data();
        std::size_t k = 0;
        for (auto _ : state) {
            auto y = plain(inputs[k]);
            benchmark::DoNotOptimize(y);
            k = (k + 1) % sample_count;
        }
    });
}

template <class Shape>
void register_batch(const Case<Shape>& c) {
    using C = Case<Shape>;
    const std::string base = std::string("BM_InferBatch_") + Shape::name;
    benchmark::RegisterBenchmark((base + "/ctnn").c_str(), [&c](benchmark::State& state) {
        std::vector<typename C::Output> ys(c.inputs.size());
        const std::span<const typename C::Input> xs(c.inputs);
        for (auto _ : state) {
            c.model.predict(xs, std::span<typename C::Output>(ys));
            benchmark::DoNotOptimize(ys.data());
            benchmark::ClobberMemory();
        }
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                                static_cast<std::int64_t>(xs.size()));
    });
    benchmark::RegisterBenchmark((base + "/plain_loop").c_str(), [&c](benchmark::State& state) {
        std::vector<typename C::Output> ys(c.inputs.size());
        for (auto _ : state) {
            for (std::size_t k = 0; k < c.inputs.size(); ++k) ys[k] = c.plain(c.inputs[k]);
            benchmark::DoNotOptimize(ys.data());
            benchmark::ClobberMemory();
        }
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                                static_cast<std::int64_t>(c.inputs.size()));
    });
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

    // On the heap (784-128-10 holds 400 KB of weights twice), alive until the
    // end of main: the registered lambdas refer to them.
    const auto small = std::make_unique<const Case<Shape_33_4_4_1>>(sample_count);
    const auto medium = std::make_unique<const Case<Shape_16_64_64_1>>(sample_count);
    const auto large = std::make_unique<const Case<Shape_784_128_10>>(sample_count);
    const auto batch = std::make_unique<const Case<Shape_33_4_4_1>>(batch_rows);

    small->check();
    medium->check();
    large->check();
    batch->check();
    check_batch(*batch);

    register_single(*small);
    register_single(*medium);
    register_single(*large);
    register_batch(*batch);

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

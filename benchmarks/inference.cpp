// Single-sample (and one batch) inference time of ctnn on the cases of
// common/cases.hpp. The other libraries run the same cases under the same
// names in benchmarks/peers/ (one program each, e.g. plain_loop.cpp: the loop a
// competent engineer writes by hand), so a table lines them up:
// BM_Infer_<shape>/<library>, BM_InferBatch_<shape>/<library>.
//
// Single-sample timing is "one call after another on independent inputs":
// each iteration runs the model on the next of a fixed set of precomputed
// random inputs and keeps the output alive with DoNotOptimize. Successive calls
// are independent, so the out-of-order core may overlap them: this is
// throughput of back-to-back calls, not the latency of one isolated call.
//
// Before anything is timed, main() checks that batch predict gives the same
// outputs as single-sample calls, and aborts if it does not. Those are the
// outputs every peer is checked against; that they are right is the test
// suite's job (tests/reference.cpp compares ctnn with PyTorch).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <benchmark/benchmark.h>

#include "common/cases.hpp"

namespace {

// The kernel dense_forward chose for each layer (kernels::dense_plan; the
// single-sample cases are Dense layers only), e.g. "16x64 8x8 lanes 1 chain;
// 64x64 8x8 lanes 1 chain; 64x1 dot 8x8 lanes 4 chains" with AVX2.
template <class Model>
std::string kernel_label() {
    std::string label;
    ctnn::detail::static_for<Model::layer_count>([&](auto i) {
        using L = typename Model::template layer_type<i>;
        constexpr auto plan = ctnn::kernels::dense_plan<float, L::input_size, L::output_size>;
        char layer[96];  // snprintf: g++ 12 warns (-Wrestrict) on a chain of std::string operator+
        std::snprintf(layer, sizeof layer, "%s%zux%zu%s %zux%zu lanes %zu chain%s", i == 0 ? "" : "; ",
                      L::input_size, L::output_size, plan.dot ? " dot" : "", plan.vectors, plan.lanes, plan.chains,
                      plan.chains == 1 ? "" : "s");
        label += layer;
        if (plan.passes > 1) label += ", " + std::to_string(plan.passes) + " passes";
    });
    return label;
}

// Where a program's data and code sit relative to 64-byte lines: the same in
// every program is what makes their times comparable (issue 13, item 11).
inline double mod64(std::uintptr_t address) { return double(address % 64); }

template <class Shape>
void register_single(const bench::Case<Shape>& c) {
    using Model = typename Shape::Model;
    bench::register_single<Shape>(
        "ctnn", [&model = c.model, inputs = c.inputs.data()](std::size_t k) { return model(inputs[k]); },
        [&c](benchmark::State& state) {
            state.SetLabel(kernel_label<Model>());
            state.counters["params_mod64"] = mod64(reinterpret_cast<std::uintptr_t>(c.model.parameters().data()));
            state.counters["input_mod64"] = mod64(reinterpret_cast<std::uintptr_t>(c.inputs.data()));
            state.counters["code_mod64"] =
                mod64(reinterpret_cast<std::uintptr_t>(ctnn::detail::forward_pass_access::of<Model>()));
        });
}

template <class Shape>
void register_batch(const bench::Case<Shape>& c) {
    using C = bench::Case<Shape>;
    auto ys = std::make_shared<std::vector<typename C::Output>>(c.inputs.size());
    // Not timed: batch predict must agree with the single-sample outputs.
    c.model.predict(std::span<const typename C::Input>(c.inputs), std::span<typename C::Output>(*ys));
    for (std::size_t k = 0; k < ys->size(); ++k) c.check("ctnn batch", k, (*ys)[k]);

    bench::register_batch<Shape>("ctnn", c.inputs.size(), [&c, ys] {
        c.model.predict(std::span<const typename C::Input>(c.inputs), std::span<typename C::Output>(*ys));
        return ys->data();
    });
}

// Batch cases of ctnn alone for the layers that are not Dense: a model with
// Normalization and BatchNormalization, and one with a Softmax output, each
// beside the same model without them, to compare their items_per_second (the
// tile path should keep at least 80% of the plain model's throughput).
struct Shape_33_16_1 {
    static constexpr const char* name = "33_16_1";
    using Model = ctnn::Sequential<ctnn::Dense<33, 16, ctnn::ReLU>, ctnn::Dense<16, 1, ctnn::Sigmoid>>;
};
struct Shape_Normalization_33_16_BatchNormalization_1 {
    static constexpr const char* name = "Normalization_33_16_BatchNormalization_1";
    using Model = ctnn::Sequential<ctnn::Normalization, ctnn::Dense<33, 16, ctnn::ReLU>, ctnn::BatchNormalization,
                                   ctnn::Dense<16, 1, ctnn::Sigmoid>>;
};
struct Shape_Normalization_33_4_BatchNormalization_4_1 {
    static constexpr const char* name = "Normalization_33_4_BatchNormalization_4_1";
    using Model = ctnn::Sequential<ctnn::Normalization, ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::BatchNormalization,
                                   ctnn::Dense<4, 4, ctnn::ReLU>, ctnn::Dense<4, 1, ctnn::Sigmoid>>;
};
struct Shape_33_16_4_Linear {
    static constexpr const char* name = "33_16_4_Linear";
    using Model = ctnn::Sequential<ctnn::Dense<33, 16, ctnn::ReLU>, ctnn::Dense<16, 4, ctnn::Linear>>;
};
struct Shape_33_16_4_Softmax {
    static constexpr const char* name = "33_16_4_Softmax";
    using Model = ctnn::Sequential<ctnn::Dense<33, 16, ctnn::ReLU>, ctnn::Dense<16, 4, ctnn::Softmax>>;
};

// The model from fixed seeds with non-trivial statistics (Normalization adapted
// to raw features of different means and scales, random moving statistics,
// gammas and betas), batch_rows inputs, and predict checked against
// single-sample calls before anything is timed.
template <class Shape>
void register_layer_batch() {
    using Model = typename Shape::Model;
    struct Setup {
        Model model{ctnn::Seed{42}};
        std::vector<std::array<float, Model::input_size>> xs = std::vector<std::array<float, Model::input_size>>(bench::batch_rows);
        std::vector<std::array<float, Model::output_size>> ys = std::vector<std::array<float, Model::output_size>>(bench::batch_rows);
    };
    auto s = std::make_shared<Setup>();
    ctnn::Rng rng(ctnn::Seed{7});
    for (auto& x : s->xs)
        for (std::size_t j = 0; j < x.size(); ++j) x[j] = float(double(j) + double(j + 1) * rng.uniform(-1.0, 1.0));
    for (float& p : s->model.parameters()) p += float(rng.uniform(-0.1, 0.1));
    ctnn::detail::static_for<Model::layer_count>([&](auto i) {
        using L = typename Model::template layer_type<i>;
        if constexpr (std::is_same_v<L, ctnn::Normalization::bind<float, L::input_size>>) {
            s->model.template layer<i>().adapt(s->xs);
        } else if constexpr (std::is_same_v<L, ctnn::BatchNormalization::bind<float, L::input_size>>) {
            for (float& v : s->model.template layer<i>().moving_mean()) v = float(rng.uniform(-0.5, 0.5));
            for (float& v : s->model.template layer<i>().moving_variance()) v = float(rng.uniform(0.5, 2.0));
        }
    });
    s->model.predict(std::span<const std::array<float, Model::input_size>>(s->xs),
                     std::span<std::array<float, Model::output_size>>(s->ys));
    for (std::size_t k = 0; k < s->xs.size(); ++k) {
        const auto want = s->model(s->xs[k]);
        for (std::size_t j = 0; j < want.size(); ++j)
            if (!(std::abs(double(s->ys[k][j]) - double(want[j])) <= 1e-5 * std::max(1.0, std::abs(double(want[j]))))) {
                std::fprintf(stderr, "benchmark %s: batch predict disagrees with one sample on row %zu\n", Shape::name, k);
                std::abort();
            }
    }
    bench::register_batch<Shape>("ctnn", s->xs.size(), [s] {
        s->model.predict(std::span<const std::array<float, Model::input_size>>(s->xs),
                         std::span<std::array<float, Model::output_size>>(s->ys));
        return s->ys.data();
    });
}

void register_layer_batches() {
    register_layer_batch<Shape_33_16_1>();
    register_layer_batch<Shape_Normalization_33_16_BatchNormalization_1>();
    register_layer_batch<Shape_Normalization_33_4_BatchNormalization_4_1>();
    register_layer_batch<Shape_33_16_4_Linear>();
    register_layer_batch<Shape_33_16_4_Softmax>();
}

}  // namespace

template <class Shape>
using ConstCase = const bench::Case<Shape>;

int main(int argc, char** argv) {
    return bench::run_inference_cases<ConstCase>(
        argc, argv, [](auto& s) { register_single(s); }, [](auto& s) { register_batch(s); },
        [] { register_layer_batches(); });
}

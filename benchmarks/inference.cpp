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
#include <memory>
#include <span>
#include <vector>

#include <benchmark/benchmark.h>

#include "common/cases.hpp"

namespace {

template <class Shape>
void register_single(const bench::Case<Shape>& c) {
    bench::register_single<Shape>("ctnn", [&model = c.model, inputs = c.inputs.data()](std::size_t k) {
        return model(inputs[k]);
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

}  // namespace

template <class Shape>
using ConstCase = const bench::Case<Shape>;

int main(int argc, char** argv) {
    return bench::run_inference_cases<ConstCase>(
        argc, argv, [](auto& s) { register_single(s); }, [](auto& s) { register_batch(s); });
}

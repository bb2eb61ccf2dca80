// The machine's peak float FMA throughput on one core, the yardstick for the
// "fraction of peak" figures in the README: 12 independent chains of FMAs on
// the widest vectors (enough to cover the FMA latency on two FMA pipes), no
// memory traffic. Reports GFLOP/s (2 floating-point operations per FMA lane).
#include <cstddef>

#include <benchmark/benchmark.h>

#include <ctnn/core/detail/simd.hpp>
#include <ctnn/core/detail/static_for.hpp>

namespace {

void peak_fma(benchmark::State& state) {
    using V = ctnn::simd::widest<float>;
    constexpr std::size_t chains = 12, steps = 1000;
    V acc[chains];
    ctnn::detail::static_for<chains>([&](auto i) { acc[i] = V(float(i)); });
    V a(0.999f), b(0.001f);
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    for (auto _ : state) {
        for (std::size_t s = 0; s < steps; ++s)
            ctnn::detail::static_for<chains>([&](auto i) { acc[i] = ctnn::simd::fma(acc[i], a, b); });
        ctnn::detail::static_for<chains>([&](auto i) { benchmark::DoNotOptimize(acc[i]); });
    }
    const double flops = double(chains * steps * ctnn::simd::lanes<V> * 2);
    state.counters["GFLOP/s"] =
        benchmark::Counter(flops * double(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(peak_fma)->Name("BM_PeakFMA/float");

BENCHMARK_MAIN();

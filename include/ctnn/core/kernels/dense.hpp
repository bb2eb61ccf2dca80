// The Dense forward kernel, y = act(x W + b), for one sample, with all sizes
// known at compile time. W is In x Out in Keras' layout (row i holds the weights
// from input i), so for a fixed input the weights of consecutive outputs are
// contiguous, and the kernel vectorizes over outputs:
//
//   acc[outputs j..j+L) += broadcast(x[i]) * W[i, j..j+L)
//
// Choices made from the sizes:
// - lanes: the narrowest vector that covers all outputs, else the widest
//   (Dense<33, 4> uses 4-lane vectors, not 4 of 16 AVX-512 lanes);
// - independent accumulators: a single FMA chain runs at the FMA latency (4
//   cycles), so about 8 chains are kept in flight: several per output vector
//   when there are few (inputs split round-robin), one each when there are many;
// - Out == 1: a dot product vectorized over inputs instead;
// - no vectors at all (scalar build, Cortex-M): the weights in memory order.
// dense_plan<T, In, Out> holds these choices (the benchmarks print it).
//
// Memory contract (the model guarantees both): reads of W and b may run up to
// max_lanes - 1 elements past the end of the bias, into the rest of the
// parameter block and its padding (lanes beyond Out are computed and dropped);
// y must have room for padded_size<T>(Out) values. x is read only at [0, In).
// Without a bias (Bias false, b unused), the reads of W run up to max_lanes - 1
// elements past the end of W instead.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>

#include "../activation.hpp"
#include "../detail/simd.hpp"
#include "../detail/static_for.hpp"

// The attributes of a model's single-sample forward pass (BasicSequential::
// forward_sample): every layer inlined into one function (flatten), which is
// never inlined into its caller and starts on a 64-byte boundary. Otherwise
// g++ inlines some layers into the caller and calls others, depending on the
// caller's translation unit, so the same model ran different machine code at
// different code alignments in different programs (issue 13, item 11); this
// way the code of a model's forward pass depends only on the model, the
// compiler and its flags. Host (SIMD) builds only: a microcontroller build
// keeps the compiler's own size-minded choices.
#if CTNN_SIMD
#define CTNN_FORWARD_PASS [[gnu::noinline, gnu::flatten, gnu::aligned(64)]]
#else
#define CTNN_FORWARD_PASS
#endif

namespace ctnn::kernels {

// The room an activation buffer needs for `n` values: whole widest vectors.
template <class T>
constexpr std::size_t padded_size(std::size_t n) noexcept {
    constexpr std::size_t L = simd::max_lanes<T>;
    return (n + L - 1) / L * L;
}

// How many FMA chains to keep in flight (latency 4 x 2 FMA units).
inline constexpr std::size_t fma_chains = 8;

// How dense_forward computes a Dense<In, Out> of T on this target: decided
// from the sizes and the target's vectors alone, and the very values the
// kernel uses, so that a benchmark can print which kernel ran and a test can
// check it (16-64-64-1 with AVX2: 8 vectors of 8 lanes, 1 chain each).
struct DensePlan {
    std::size_t lanes;     // lanes of the vectors (1: scalar)
    std::size_t vectors;   // output vectors (the last may run past Out); dot: whole input vectors (the rest is scalar)
    std::size_t chains;    // independent FMA accumulators per output vector of the first pass; dot: in all
    std::size_t passes;    // passes over the inputs (at most outputs_per_pass vectors held in registers)
    bool dot;              // Out == 1: a dot product vectorized over the inputs
};

// Output vectors held in registers during one pass over the inputs.
inline constexpr std::size_t outputs_per_pass = 8;

// FMA chains per output vector when `count` output vectors share a pass:
// several per vector when there are few (inputs split round-robin), never
// more than there are inputs.
constexpr std::size_t chains_per_vector(std::size_t count, std::size_t in) noexcept {
    return std::clamp<std::size_t>(fma_chains / count, 1, in);
}

template <class T, std::size_t In, std::size_t Out>
inline constexpr DensePlan dense_plan = [] {
    if constexpr (Out == 1) {
        constexpr std::size_t L = simd::lanes_within<T>(In);
        return DensePlan{L, In / L, std::clamp<std::size_t>(In / L, 1, 4), 1, true};
    } else if constexpr (simd::max_lanes<T> == 1) {
        return DensePlan{1, Out, 1, 1, false};  // one accumulator per output, one pass
    } else {
        constexpr std::size_t L = simd::lanes_covering<T>(Out);
        constexpr std::size_t vectors = (Out + L - 1) / L;
        return DensePlan{L, vectors, chains_per_vector(std::min(outputs_per_pass, vectors), In),
                         (vectors + outputs_per_pass - 1) / outputs_per_pass, false};
    }
}();

namespace detail {

// The sum of K accumulators, at(0) + ... + at(K - 1), added pairwise so that
// the chains join in log2(K) dependent additions. Indices are compile-time
// constants (a runtime loop here made g++ keep the accumulators in memory).
template <std::size_t K, class At>
inline auto pairwise_sum(At at) noexcept {
    using ctnn::detail::static_for;
    static_for<std::bit_width(K - 1)>([&](auto level) {
        constexpr std::size_t step = std::size_t{1} << level;
        static_for<(K + 2 * step - 1) / (2 * step)>([&](auto pair) {
            constexpr std::size_t k = pair * 2 * step;
            using first = std::integral_constant<std::size_t, k>;
            using second = std::integral_constant<std::size_t, k + step>;
            if constexpr (k + step < K) at(first{}) += at(second{});
        });
    });
    return at(std::integral_constant<std::size_t, 0>{});
}

// Outputs [First * L, (First + Count) * L) of a Dense layer.
template <class V, std::size_t In, std::size_t Out, std::size_t First, std::size_t Count,
          class Act, bool Bias, class T>
inline void dense_output_block(const T* __restrict w, const T* __restrict b,
                               const T* __restrict x, T* __restrict y) noexcept {
    constexpr std::size_t L = simd::lanes<V>;
    constexpr std::size_t K = chains_per_vector(Count, In);
    using ctnn::detail::static_for;
    V acc[K][Count];
    static_for<Count>([&](auto v) {  // chain 0 starts at the bias
        if constexpr (Bias) acc[0][v] = simd::load<V>(b + (First + v) * L);
        else acc[0][v] = V(T(0));
    });
    static_for<K - 1>([&](auto k) { static_for<Count>([&](auto v) { acc[k + 1][v] = V(T(0)); }); });

    std::size_t i = 0;
    for (; i + K <= In; i += K) {
        static_for<K>([&](auto k) {
            const V xi(x[i + k]);
            const T* row = w + (i + k) * Out + First * L;
            static_for<Count>([&](auto v) {
                acc[k][v] = simd::fma(xi, simd::load<V>(row + v * L), acc[k][v]);
            });
        });
    }
    if constexpr (In % K != 0) {  // the inputs left over (a dead loop here draws g++ warnings once inlined)
        for (; i < In; ++i) {
            const V xi(x[i]);
            const T* row = w + i * Out + First * L;
            static_for<Count>([&](auto v) { acc[0][v] = simd::fma(xi, simd::load<V>(row + v * L), acc[0][v]); });
        }
    }

    static_for<Count>([&](auto v) {
        V sum = pairwise_sum<K>([&](auto k) -> V& { return acc[k][v]; });
        if constexpr (ElementwiseActivation<Act>) sum = Act::apply(sum);
        simd::store(y + (First + v) * L, sum);
    });
}

// Out == 1: y = act(dot(x, w) + b), vectorized over the inputs.
template <std::size_t In, class Act, bool Bias, class T>
inline void dense_dot(const T* __restrict w, const T* __restrict b, const T* __restrict x,
                      T* __restrict y) noexcept {
    constexpr DensePlan plan = dense_plan<T, In, 1>;
    constexpr std::size_t L = plan.lanes;
    using V = simd::with_lanes<T, L>;
    constexpr std::size_t chunks = plan.vectors;
    constexpr std::size_t K = plan.chains;
    using ctnn::detail::static_for;

    V acc[K];
    static_for<K>([&](auto k) { acc[k] = V(T(0)); });
    std::size_t c = 0;
    for (; c + K <= chunks; c += K) {
        static_for<K>([&](auto k) {
            const std::size_t at = (c + k) * L;
            acc[k] = simd::fma(simd::load<V>(x + at), simd::load<V>(w + at), acc[k]);
        });
    }
    if constexpr (chunks % K != 0)
        for (; c < chunks; ++c) acc[0] = simd::fma(simd::load<V>(x + c * L), simd::load<V>(w + c * L), acc[0]);
    T sum = simd::sum_lanes(pairwise_sum<K>([&](auto k) -> V& { return acc[k]; }));
    if constexpr (In % L != 0)
        for (std::size_t i = chunks * L; i < In; ++i) sum += x[i] * w[i];
    if constexpr (Bias) sum += b[0];
    if constexpr (ElementwiseActivation<Act>) sum = Act::apply(sum);
    y[0] = sum;
}

// Without vectors: the weights in memory order (inputs outside, all outputs
// inside), which streams them once, sequentially, as a microcontroller wants.
template <std::size_t In, std::size_t Out, class Act, bool Bias, class T>
inline void dense_scalar(const T* __restrict w, const T* __restrict b, const T* __restrict x,
                         T* __restrict y) noexcept {
    // Unrolled over the outputs so the accumulators stay in registers: at -Os
    // g++ keeps acc[] in memory otherwise (7 instructions per multiply-add on a
    // Cortex-M4 instead of 2).
    T acc[Out];
#pragma GCC unroll 16
    for (std::size_t j = 0; j < Out; ++j) acc[j] = Bias ? b[j] : T(0);
    for (std::size_t i = 0; i < In; ++i) {
        const T xi = x[i];
        const T* row = w + i * Out;
#pragma GCC unroll 16
        for (std::size_t j = 0; j < Out; ++j) acc[j] = simd::fma(xi, row[j], acc[j]);
    }
#pragma GCC unroll 16
    for (std::size_t j = 0; j < Out; ++j) {
        if constexpr (ElementwiseActivation<Act>) y[j] = Act::apply(acc[j]);
        else y[j] = acc[j];
    }
}

}  // namespace detail

// Bias false: y = act(x W), b unused (Dense with use_bias = false).
template <class T, std::size_t In, std::size_t Out, class Act, bool Bias = true>
inline void dense_forward(const T* __restrict w, const T* __restrict b, const T* __restrict x,
                          T* __restrict y) noexcept {
    if constexpr (Out == 1) {
        detail::dense_dot<In, Act, Bias>(w, b, x, y);
    } else if constexpr (simd::max_lanes<T> == 1) {
        detail::dense_scalar<In, Out, Act, Bias>(w, b, x, y);
    } else {
        constexpr DensePlan plan = dense_plan<T, In, Out>;
        using V = simd::with_lanes<T, plan.lanes>;
        ctnn::detail::static_for<plan.passes>([&](auto pass) {
            constexpr std::size_t first = pass * outputs_per_pass;
            detail::dense_output_block<V, In, Out, first, std::min(outputs_per_pass, plan.vectors - first), Act, Bias>(
                w, b, x, y);
        });
    }
    if constexpr (!ElementwiseActivation<Act>) Act::template apply_vector<T, Out>(y);
}

}  // namespace ctnn::kernels

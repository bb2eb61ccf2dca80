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
//
// Memory contract (the model guarantees both): reads of W and b may run up to
// max_lanes - 1 elements past the end of the bias, into the rest of the
// parameter block and its padding (lanes beyond Out are computed and dropped);
// y must have room for padded_size<T>(Out) values. x is read only at [0, In).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>

#include "../activation.hpp"
#include "../detail/simd.hpp"
#include "../detail/static_for.hpp"

namespace ctnn::kernels {

// The room an activation buffer needs for `n` values: whole widest vectors.
template <class T>
constexpr std::size_t padded_size(std::size_t n) noexcept {
    constexpr std::size_t L = simd::max_lanes<T>;
    return (n + L - 1) / L * L;
}

// How many FMA chains to keep in flight (latency 4 x 2 FMA units).
inline constexpr std::size_t fma_chains = 8;

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
          class Act, class T>
inline void dense_output_block(const T* __restrict w, const T* __restrict b,
                               const T* __restrict x, T* __restrict y) noexcept {
    constexpr std::size_t L = simd::lanes<V>;
    constexpr std::size_t K = std::clamp<std::size_t>(fma_chains / Count, 1, In);
    using ctnn::detail::static_for;
    V acc[K][Count];
    static_for<Count>([&](auto v) { acc[0][v] = simd::load<V>(b + (First + v) * L); });  // chain 0 starts at the bias
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
    for (; i < In; ++i) {  // the In % K inputs left over
        const V xi(x[i]);
        const T* row = w + i * Out + First * L;
        static_for<Count>([&](auto v) { acc[0][v] = simd::fma(xi, simd::load<V>(row + v * L), acc[0][v]); });
    }

    static_for<Count>([&](auto v) {
        V sum = pairwise_sum<K>([&](auto k) -> V& { return acc[k][v]; });
        if constexpr (ElementwiseActivation<Act>) sum = Act::apply(sum);
        simd::store(y + (First + v) * L, sum);
    });
}

// Out == 1: y = act(dot(x, w) + b), vectorized over the inputs.
template <std::size_t In, class Act, class T>
inline void dense_dot(const T* __restrict w, const T* __restrict b, const T* __restrict x,
                      T* __restrict y) noexcept {
    constexpr std::size_t L = simd::lanes_within<T>(In);
    using V = simd::with_lanes<T, L>;
    constexpr std::size_t chunks = In / L;
    constexpr std::size_t K = std::clamp<std::size_t>(chunks, 1, 4);
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
    for (; c < chunks; ++c) acc[0] = simd::fma(simd::load<V>(x + c * L), simd::load<V>(w + c * L), acc[0]);
    T sum = simd::sum_lanes(pairwise_sum<K>([&](auto k) -> V& { return acc[k]; }));
    for (std::size_t i = chunks * L; i < In; ++i) sum += x[i] * w[i];
    sum += b[0];
    if constexpr (ElementwiseActivation<Act>) sum = Act::apply(sum);
    y[0] = sum;
}

// Without vectors: the weights in memory order (inputs outside, all outputs
// inside), which streams them once, sequentially, as a microcontroller wants.
template <std::size_t In, std::size_t Out, class Act, class T>
inline void dense_scalar(const T* __restrict w, const T* __restrict b, const T* __restrict x,
                         T* __restrict y) noexcept {
    // Unrolled over the outputs so the accumulators stay in registers: at -Os
    // g++ keeps acc[] in memory otherwise (7 instructions per multiply-add on a
    // Cortex-M4 instead of 2).
    T acc[Out];
#pragma GCC unroll 16
    for (std::size_t j = 0; j < Out; ++j) acc[j] = b[j];
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

template <class T, std::size_t In, std::size_t Out, class Act>
inline void dense_forward(const T* __restrict w, const T* __restrict b, const T* __restrict x,
                          T* __restrict y) noexcept {
    if constexpr (Out == 1) {
        detail::dense_dot<In, Act>(w, b, x, y);
    } else if constexpr (simd::max_lanes<T> == 1) {
        detail::dense_scalar<In, Out, Act>(w, b, x, y);
    } else {
        constexpr std::size_t L = simd::lanes_covering<T>(Out);
        using V = simd::with_lanes<T, L>;
        constexpr std::size_t vectors = (Out + L - 1) / L;
        constexpr std::size_t per_pass = 8;  // output vectors held in registers at once
        ctnn::detail::static_for<(vectors + per_pass - 1) / per_pass>([&](auto pass) {
            constexpr std::size_t first = pass * per_pass;
            detail::dense_output_block<V, In, Out, first, std::min(per_pass, vectors - first), Act>(
                w, b, x, y);
        });
    }
    if constexpr (!ElementwiseActivation<Act>) Act::template apply_vector<T, Out>(y);
}

}  // namespace ctnn::kernels

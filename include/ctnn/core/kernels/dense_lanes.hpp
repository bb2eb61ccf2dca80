// The Dense forward kernel for a tile of L = simd::max_lanes<T> samples side
// by side across the lanes of a vector (batch inference).
//
// One sample at a time (core/kernels/dense.hpp) vectorizes over outputs, which
// leaves most lanes idle when a layer is narrow: Dense<33, 4> uses 4 of the 16
// AVX-512 lanes. Here every vector holds one feature of L samples (lane order,
// core/detail/transpose.hpp), so every lane does useful work whatever the width:
//
//   acc[output j][samples] += x[input i][samples] * broadcast(W[i, j])
//
// and the broadcast weight is a memory operand of the FMA. As in the
// single-sample kernel, about 8 independent accumulators are kept in flight:
// for a narrow layer several per output (inputs split round-robin).
#pragma once

#include <algorithm>
#include <cstddef>

#include "../activation.hpp"
#include "../detail/static_for.hpp"
#include "../detail/simd.hpp"
#include "dense.hpp"

namespace ctnn::kernels {

// An activation that runs on N features of a tile in lane order: elementwise,
// or with apply_lanes<V, N> over N vectors (Softmax).
template <class Act, class T, std::size_t N>
concept LanesActivation =
    ElementwiseActivation<Act> || requires(T* x) { Act::template apply_lanes<simd::widest<T>, N>(x); };

namespace detail {

// Outputs [First, First + Count) for the tile.
template <class T, std::size_t In, std::size_t Out, std::size_t First, std::size_t Count, class Act, bool Bias>
inline void dense_lanes_block(const T* __restrict w, const T* __restrict b, const T* __restrict x,
                              T* __restrict y) noexcept {
    using V = simd::widest<T>;
    constexpr std::size_t L = simd::lanes<V>;
    constexpr std::size_t K = std::clamp<std::size_t>(fma_chains / Count, 1, In);
    using ctnn::detail::static_for;
    V acc[K][Count];
    static_for<Count>([&](auto j) {
        if constexpr (Bias) acc[0][j] = V(b[First + j]);
        else acc[0][j] = V(T(0));
    });
    static_for<K - 1>([&](auto k) { static_for<Count>([&](auto j) { acc[k + 1][j] = V(T(0)); }); });

    std::size_t i = 0;
    for (; i + K <= In; i += K) {
        static_for<K>([&](auto k) {
            const V xi = simd::load<V>(x + (i + k) * L);
            const T* row = w + (i + k) * Out + First;
            static_for<Count>([&](auto j) { acc[k][j] = simd::fma(xi, V(row[j]), acc[k][j]); });
        });
    }
    for (; i < In; ++i) {  // the In % K inputs left over
        const V xi = simd::load<V>(x + i * L);
        const T* row = w + i * Out + First;
        static_for<Count>([&](auto j) { acc[0][j] = simd::fma(xi, V(row[j]), acc[0][j]); });
    }
    static_for<Count>([&](auto j) {
        V sum = pairwise_sum<K>([&](auto k) -> V& { return acc[k][j]; });
        simd::store(y + (First + j) * L, Act::apply(sum));
    });
}

}  // namespace detail

// y = act(x W + b) for L samples in lane order: x holds In vectors, y Out.
// Bias false: y = act(x W), b unused.
template <class T, std::size_t In, std::size_t Out, ElementwiseActivation Act, bool Bias = true>
inline void dense_forward_lanes(const T* __restrict w, const T* __restrict b, const T* __restrict x,
                                T* __restrict y) noexcept {
    constexpr std::size_t per_pass = fma_chains;  // outputs held in registers at once
    ctnn::detail::static_for<(Out + per_pass - 1) / per_pass>([&](auto pass) {
        constexpr std::size_t first = pass * per_pass;
        detail::dense_lanes_block<T, In, Out, first, std::min(per_pass, Out - first), Act, Bias>(w, b, x, y);
    });
}

}  // namespace ctnn::kernels

// The storage of a model's parameter or state block: N values of T aligned to
// a cache line on hosts with vectors (alignof(T) on scalar targets, see
// model_block_alignment below), followed by Padding
// values that kernels may read but never use (the over-read of a layer whose
// width is not a multiple of the vector width stays inside the object, see
// core/kernels/dense.hpp). An empty block is an empty type and, as a
// [[no_unique_address]] member, takes no space.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>

#include "simd.hpp"

namespace ctnn::detail {

// Where a model's blocks start: on a 64-byte cache line when the target has
// vectors (a multiple of the register width: 16 bytes with SSE, 32 with AVX,
// 64 with AVX-512), so that where each weight row falls relative to cache
// lines, and so which vector loads straddle two lines, is the same wherever the
// model lives. With only the register width (32 bytes with AVX2), the heap put
// one program's 16-64-64-1 parameters at 0 mod 64 and another's at 32 (issue
// 13, item 11). Scalar targets (Cortex-M) use alignof(T) and spend nothing.
template <class T>
inline constexpr std::size_t model_block_alignment =
    simd::max_lanes<T> > 1 ? std::max<std::size_t>(simd::block_alignment<T>, 64) : alignof(T);

struct NoPadding {};  // std::array<T, 0> is not an empty type in libstdc++

template <class T, std::size_t N, std::size_t Align, std::size_t Padding>
struct Block {
    alignas(Align) std::array<T, N> values;
    [[no_unique_address]] std::conditional_t<Padding == 0, NoPadding, std::array<T, Padding>> padding{};

    constexpr T* data() noexcept { return values.data(); }
    constexpr const T* data() const noexcept { return values.data(); }
};

template <class T, std::size_t Align, std::size_t Padding>
struct Block<T, 0, Align, Padding> {
    constexpr Block() noexcept = default;
    constexpr Block(const std::array<T, 0>&) noexcept {}
    constexpr T* data() noexcept { return nullptr; }
    constexpr const T* data() const noexcept { return nullptr; }
};

}  // namespace ctnn::detail

// The storage of a model's parameter or state block: N values of T aligned to
// the SIMD register width (alignof(T) on scalar targets), followed by Padding
// values that kernels may read but never use (the over-read of a layer whose
// width is not a multiple of the vector width stays inside the object, see
// kernels/dense.hpp). An empty block is an empty type and, as a
// [[no_unique_address]] member, takes no space.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctnn::detail {

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

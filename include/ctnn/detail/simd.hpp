// The one header that talks to xsimd. Everything else in ctnn is written once,
// against the small vocabulary below, for a "vector" V that is either a plain
// scalar (T) or an xsimd batch of T:
//
//   lanes<V>, scalar_t<V>, splat<V>(c), load<V>(p), store(p, v), fma(a, b, c),
//   exp, expm1, tanh, select, sum_lanes
//
// The scalar overloads are always compiled (Cortex-M, -Dsimd=disabled, and the
// scalar test build use only them). The xsimd ones exist when CTNN_SIMD is 1.
// Differences between xsimd versions stay in this file: xsimd 8.1 (Debian
// bookworm) spells the horizontal sum `hadd`, later versions `reduce_add`.
#pragma once

#include <cmath>
#include <cstddef>
#include <type_traits>

#include "../config.hpp"

#if CTNN_SIMD
#include <xsimd/xsimd.hpp>
#endif

namespace ctnn::simd {

// ---- scalars ---------------------------------------------------------------

template <class V>
struct vector_traits {
    using scalar = V;
    static constexpr std::size_t lanes = 1;
};

template <class V>
inline constexpr std::size_t lanes = vector_traits<V>::lanes;
template <class V>
using scalar_t = typename vector_traits<V>::scalar;

template <class V>
constexpr V splat(double c) noexcept {
    return V(static_cast<scalar_t<V>>(c));
}

template <class V>
    requires std::is_floating_point_v<V>
inline V load(const V* p) noexcept {
    return *p;
}
template <class T>
    requires std::is_floating_point_v<T>
inline void store(T* p, T v) noexcept {
    *p = v;
}
// a * b + c. Plain arithmetic, not std::fma: without hardware FMA std::fma is a
// slow library call, and -ffp-contract decides what the compiler may fuse.
template <class T>
    requires std::is_floating_point_v<T>
inline T fma(T a, T b, T c) noexcept {
    return a * b + c;
}
template <class T>
    requires std::is_floating_point_v<T>
inline T select(bool condition, T if_true, T if_false) noexcept {
    return condition ? if_true : if_false;
}
template <class T>
    requires std::is_floating_point_v<T>
inline T sum_lanes(T v) noexcept {
    return v;
}
using std::exp;
using std::expm1;
using std::tanh;

// ---- xsimd batches ----------------------------------------------------------
#if CTNN_SIMD

template <class T, class A>
struct vector_traits<xsimd::batch<T, A>> {
    using scalar = T;
    static constexpr std::size_t lanes = xsimd::batch<T, A>::size;
};

template <class V>
    requires(!std::is_floating_point_v<V>)
inline V load(const scalar_t<V>* p) noexcept {
    return V::load_unaligned(p);
}
template <class T, class A>
inline void store(T* p, const xsimd::batch<T, A>& v) noexcept {
    v.store_unaligned(p);
}
using xsimd::exp;
using xsimd::expm1;
using xsimd::fma;
using xsimd::select;
using xsimd::tanh;

template <class T, class A>
inline T sum_lanes(const xsimd::batch<T, A>& v) noexcept {
#if XSIMD_VERSION_MAJOR < 9
    return xsimd::hadd(v);
#else
    return xsimd::reduce_add(v);
#endif
}

namespace detail {
// The first architecture of `List` (best first) whose batch of T has `Lanes` lanes.
template <class T, std::size_t Lanes, class List>
struct first_with_lanes {
    using type = void;
};
template <class T, std::size_t Lanes, class A, class... Rest>
struct first_with_lanes<T, Lanes, xsimd::arch_list<A, Rest...>> {
    using type = std::conditional_t<
        xsimd::batch<T, A>::size == Lanes, xsimd::batch<T, A>,
        typename first_with_lanes<T, Lanes, xsimd::arch_list<Rest...>>::type>;
};
}  // namespace detail

// The widest batch the target has for T.
template <class T>
using widest = xsimd::batch<T>;

// The batch of T with exactly `Lanes` lanes on the best supported architecture
// that has one (void if none): a Dense layer with 4 outputs uses 4 lanes of a
// 128-bit register rather than 4 of 16 lanes of an AVX-512 one.
template <class T, std::size_t Lanes>
using with_lanes =
    typename detail::first_with_lanes<T, Lanes, xsimd::supported_architectures>::type;

#else

template <class T>
using widest = T;
template <class T, std::size_t Lanes>
using with_lanes = std::conditional_t<Lanes == 1, T, void>;

#endif

// Lane counts the target offers for T, widest first (1 = scalar).
template <class T>
inline constexpr std::size_t max_lanes = lanes<widest<T>>;

// The byte alignment of the parameter blocks: one SIMD register on the host,
// alignof(T) on scalar targets, so a microcontroller spends no flash on padding.
template <class T>
inline constexpr std::size_t block_alignment = max_lanes<T> * sizeof(T);

}  // namespace ctnn::simd

// The one header that talks to xsimd. Everything else in ctnn is written once,
// against the small vocabulary below, for a "vector" V that is either a plain
// scalar (T) or an xsimd batch of T:
//
//   lanes<V>, scalar_t<V>, splat<V>(c), load<V>(p), store(p, v), fma(a, b, c),
//   sqrt, select, sum_lanes, and for writing elementary functions bits_t<V>,
//   to_bits(v), from_bits<V>(b) (integer + - << >> work on bits_t<V>)
//
// exp, expm1 and tanh are ctnn's own, written once with this vocabulary in
// core/detail/exp.hpp (included at the end), for every V, float and double.
//
// and tells which vectors the target has (with_lanes, lanes_covering, ...).
//
// The scalar overloads are always compiled (Cortex-M, -Dsimd=disabled, and the
// scalar test build use only them). The vector ones exist when CTNN_SIMD is 1.
//
// Which vectors: on x86 (SSE2, SSE3, SSE4.1, AVX, AVX2, AVX-512F, with or
// without FMA) ctnn's own, simd_x86.hpp's x86::vec over the intrinsics, with
// the same instructions xsimd 8.1 emits, so that a translation unit does not
// parse the whole of xsimd (0.6-0.9 s: <xsimd/xsimd.hpp> pulls in <complex>,
// <sstream>, ...). Everywhere else (FMA4, NEON, any other xsimd
// architecture) xsimd::batch through <xsimd/xsimd.hpp>; defining
// CTNN_XSIMD_BATCH takes that path on x86 too (to compare the two, or as a
// fallback). CTNN_SIMD_X86 tells which path this build took.
// Differences between xsimd versions stay in this file: xsimd 8.1 (Debian
// bookworm) spells the horizontal sum `hadd`, later versions `reduce_add`.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <cstdint>

#include "../config.hpp"

#if defined(__SSE2__) && !defined(__NO_MATH_ERRNO__)
#include <emmintrin.h>  // sqrtss and sqrtsd for simd::sqrt of a scalar
#endif

#if CTNN_SIMD && !defined(CTNN_XSIMD_BATCH) && defined(__SSE2__) && !defined(__FMA4__) && (defined(__x86_64__) || defined(__i386__))
#define CTNN_SIMD_X86 1
#else
#define CTNN_SIMD_X86 0
#endif

#if CTNN_SIMD
// GCC 12 reports false "used uninitialized" warnings inside its own AVX-512
// intrinsic headers when they are inlined (GCC bug 105593, fixed in GCC 13),
// and false "partly outside array bounds" ones for vector loads in loops that
// a constant size proves never run (Adam's step on 3 values in the tests).
// The warnings are attributed to lines of those headers, so they are silenced
// for the lines included here and nowhere else; ASan checks real bounds.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif
#if CTNN_SIMD_X86
#include "simd_x86.hpp"
#else
#include <xsimd/xsimd.hpp>
#endif
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

namespace ctnn::simd {

// ---- what a vector is -------------------------------------------------------

template <class V>
struct vector_traits {
    using scalar = V;
    static constexpr std::size_t lanes = 1;
};
#if CTNN_SIMD_X86
template <class T, std::size_t Bytes>
struct vector_traits<x86::vec<T, Bytes>> {
    using scalar = T;
    static constexpr std::size_t lanes = x86::vec<T, Bytes>::size;
};
#elif CTNN_SIMD
template <class T, class A>
struct vector_traits<xsimd::batch<T, A>> {
    using scalar = T;
    static constexpr std::size_t lanes = xsimd::batch<T, A>::size;
};
#endif

template <class V>
inline constexpr std::size_t lanes = vector_traits<V>::lanes;
template <class V>
using scalar_t = typename vector_traits<V>::scalar;
template <class V>
inline constexpr bool is_scalar = std::is_floating_point_v<V>;

// ---- the vocabulary ---------------------------------------------------------
// One template per operation, dispatching on scalar or batch, rather than
// overload sets: xsimd declares scalar overloads of its own (fma, select, ...)
// that would make unqualified calls ambiguous.

template <class V>
constexpr V splat(double c) noexcept {
    return V(static_cast<scalar_t<V>>(c));
}

template <class V>
inline V load(const scalar_t<V>* p) noexcept {
    if constexpr (is_scalar<V>) return *p;
#if CTNN_SIMD
    else return V::load_unaligned(p);
#endif
}

template <class V>
inline void store(scalar_t<V>* p, const V& v) noexcept {
    if constexpr (is_scalar<V>) *p = v;
#if CTNN_SIMD
    else v.store_unaligned(p);
#endif
}

// Whether the target fuses a * b + c of T in one instruction (x86 with FMA;
// Arm with an FPU for T that has vfma/fmadd: the Cortex-M4F only for float).
template <class T>
inline constexpr bool has_hardware_fma =
#if defined(__FMA__)
    true;
#elif defined(__ARM_FEATURE_FMA) && defined(__ARM_FP)
    (sizeof(T) == 4 && (__ARM_FP & 4) != 0) || (sizeof(T) == 8 && (__ARM_FP & 8) != 0);
#else
    false;
#endif

// a * b + c. For scalars fused (one rounding) exactly where the target has the
// instruction, and there always, so -ffp-contract and the optimizer do not
// decide: the host's scalar build with -mfma and a Cortex-M4F compute the same
// bits. Elsewhere plain arithmetic, not std::fma (a slow library call). The
// two may differ in the last bits; shared/DESIGN.md allows it. Always inlined:
// at -Os g++ otherwise calls it for every multiply-add (576 -> 1545
// instructions per inference of the card's model on the Cortex-M4F).
template <class V>
[[gnu::always_inline]] inline V fma(const V& a, const V& b, const V& c) noexcept {
    if constexpr (is_scalar<V>) {
        if constexpr (has_hardware_fma<V> && std::is_same_v<V, float>) return __builtin_fmaf(a, b, c);
        else if constexpr (has_hardware_fma<V>) return __builtin_fma(a, b, c);
        else return a * b + c;
    }
#if CTNN_SIMD
#if defined(__FMA__)
    // xsimd 8.1 gives 128- and 256-bit batches to its SSE/AVX architectures when
    // AVX-512 is the default, and their fma, like its AVX-512 one, is a multiply
    // then an add in separate functions, which clang does not fuse (g++ does, by
    // -ffp-contract=fast). The FMA instruction is there: use it.
    else if constexpr (sizeof(V) == 16 && std::is_same_v<scalar_t<V>, float>) {
        return V(_mm_fmadd_ps(a, b, c));
    } else if constexpr (sizeof(V) == 16 && std::is_same_v<scalar_t<V>, double>) {
        return V(_mm_fmadd_pd(a, b, c));
    } else if constexpr (sizeof(V) == 32 && std::is_same_v<scalar_t<V>, float>) {
        return V(_mm256_fmadd_ps(a, b, c));
    } else if constexpr (sizeof(V) == 32 && std::is_same_v<scalar_t<V>, double>) {
        return V(_mm256_fmadd_pd(a, b, c));
    }
#if defined(__AVX512F__)
    else if constexpr (sizeof(V) == 64 && std::is_same_v<scalar_t<V>, float>) {
        return V(_mm512_fmadd_ps(a, b, c));
    } else if constexpr (sizeof(V) == 64 && std::is_same_v<scalar_t<V>, double>) {
        return V(_mm512_fmadd_pd(a, b, c));
    }
#endif
#endif
    else {
#if CTNN_SIMD_X86
        return a * b + c;  // xsimd's fma without FMA: a multiply, then an add
#else
        return xsimd::fma(a, b, c);
#endif
    }
#endif
}

template <class V, class Condition>
inline V select(const Condition& condition, const V& if_true, const V& if_false) noexcept {
    if constexpr (is_scalar<V>) return condition ? if_true : if_false;
#if CTNN_SIMD_X86
    else return x86::blend(condition, if_true, if_false);
#elif CTNN_SIMD
    else return xsimd::select(condition, if_true, if_false);
#endif
}

// The square root, correctly rounded (IEEE 754), by the instruction and
// without libm: std::sqrt must set errno for a negative argument, so g++ and
// clang emit sqrtss or vsqrt.f32 plus a test and a call of sqrtf for that case
// (which links sqrtf and __errno into a firmware, and keeps g++ from
// vectorizing a loop). A negative argument gives NaN, as the instruction does.
template <class V>
inline V sqrt(const V& x) noexcept {
    if constexpr (is_scalar<V>) {
#if defined(__NO_MATH_ERRNO__)
        // -fno-math-errno (or -ffast-math): the builtin is the bare instruction.
        if constexpr (std::is_same_v<V, float>) return __builtin_sqrtf(x);
        else return __builtin_sqrt(x);
#elif defined(__SSE2__)
        if constexpr (std::is_same_v<V, float>) return _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(x)));
        else return _mm_cvtsd_f64(_mm_sqrt_sd(_mm_set_sd(x), _mm_set_sd(x)));
#elif defined(__arm__) && defined(__ARM_FP) && defined(__GNUC__)
        if constexpr (std::is_same_v<V, float> && (__ARM_FP & 4) != 0) {
            V root;
            asm("vsqrt.f32 %0, %1" : "=t"(root) : "t"(x));
            return root;
        } else {
            return std::sqrt(x);  // no instruction for doubles on a single-precision FPU
        }
#else
        return std::sqrt(x);
#endif
    }
#if CTNN_SIMD_X86
    else return x86::square_root(x);
#elif CTNN_SIMD
    else return xsimd::sqrt(x);
#endif
}

// ---- bits, for writing elementary functions (core/detail/exp.hpp) ----------------
// bits_t<V>: the unsigned integers of V's width, lane for lane; to_bits and
// from_bits reinterpret (std::bit_cast, lane for lane). Shifts are logical.

template <class V>
struct bits_traits {
    static_assert(sizeof(V) == 4 || sizeof(V) == 8, "bits_t is for float and double");
    using type = std::conditional_t<sizeof(V) == 4, std::uint32_t, std::uint64_t>;
};
#if CTNN_SIMD_X86
template <class T, std::size_t Bytes>
struct bits_traits<x86::vec<T, Bytes>> {
    using type = x86::vec<typename bits_traits<T>::type, Bytes>;
};
#elif CTNN_SIMD
template <class T, class A>
struct bits_traits<xsimd::batch<T, A>> {
    using type = xsimd::batch<typename bits_traits<T>::type, A>;
};
#endif
template <class V>
using bits_t = typename bits_traits<V>::type;

template <class V>
inline bits_t<V> to_bits(const V& v) noexcept {
    if constexpr (is_scalar<V>) return std::bit_cast<bits_t<V>>(v);
#if CTNN_SIMD_X86
    else return x86::to_bits(v);
#elif CTNN_SIMD
#if XSIMD_VERSION_MAJOR < 9
    else return xsimd::bitwise_cast<bits_t<V>>(v);
#else
    else return xsimd::bitwise_cast<scalar_t<bits_t<V>>>(v);
#endif
#endif
}

template <class V>
inline V from_bits(const bits_t<V>& b) noexcept {
    if constexpr (is_scalar<V>) return std::bit_cast<V>(b);
#if CTNN_SIMD_X86
    else return x86::from_bits<scalar_t<V>>(b);
#elif CTNN_SIMD
#if XSIMD_VERSION_MAJOR < 9
    else return xsimd::bitwise_cast<V>(b);
#else
    else return xsimd::bitwise_cast<scalar_t<V>>(b);
#endif
#endif
}

// The sum of a vector's lanes.
template <class V>
inline scalar_t<V> sum_lanes(const V& v) noexcept {
    if constexpr (is_scalar<V>) return v;
#if CTNN_SIMD_X86
    else return x86::lane_sum(v);
#elif CTNN_SIMD
#if XSIMD_VERSION_MAJOR < 9
    else return xsimd::hadd(v);
#else
    else return xsimd::reduce_add(v);
#endif
#endif
}

// ---- which vectors the target has -------------------------------------------
#if CTNN_SIMD_X86

// The widest vector the target has for T (xsimd::batch<T>'s width).
template <class T>
using widest = x86::vec<T, x86::widest_bytes>;

// The vector of T with exactly `Lanes` lanes (T itself for one lane; void if
// the target has none): 128-bit registers, and 256-bit ones with AVX.
template <class T, std::size_t Lanes>
using with_lanes = std::conditional_t<
    Lanes == 1, T,
    std::conditional_t<Lanes * sizeof(T) == 16 || (Lanes * sizeof(T) == 32 && x86::widest_bytes >= 32) ||
                           (Lanes * sizeof(T) == 64 && x86::widest_bytes == 64),
                       x86::vec<T, Lanes * sizeof(T)>, void>>;

#elif CTNN_SIMD

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

// The widest vector the target has for T.
template <class T>
using widest = xsimd::batch<T>;

// The vector of T with exactly `Lanes` lanes (T itself for one lane; void if
// the target has none): a Dense layer with 4 outputs uses 4 lanes of a 128-bit
// register rather than 4 of the 16 lanes of an AVX-512 one.
template <class T, std::size_t Lanes>
using with_lanes = std::conditional_t<
    Lanes == 1, T, typename detail::first_with_lanes<T, Lanes, xsimd::supported_architectures>::type>;

#else

template <class T>
using widest = T;
template <class T, std::size_t Lanes>
using with_lanes = std::conditional_t<Lanes == 1, T, void>;

#endif

template <class T>
inline constexpr std::size_t max_lanes = lanes<widest<T>>;

template <class T, std::size_t Lanes>
inline constexpr bool has_lanes = !std::is_void_v<with_lanes<T, Lanes>>;

// The lane counts 1, 2, 4, ..., max_lanes<T> that the target has a vector for.
template <class T>
inline constexpr auto available_lanes = [] {
    constexpr auto check = []<std::size_t... E>(std::index_sequence<E...>) {
        return std::array<bool, sizeof...(E)>{has_lanes<T, (std::size_t{1} << E)>...};
    };
    return check(std::make_index_sequence<std::bit_width(max_lanes<T>)>{});
}();

// The narrowest available vector with at least `n` lanes, else the widest.
template <class T>
constexpr std::size_t lanes_covering(std::size_t n) noexcept {
    for (std::size_t e = 0; e < available_lanes<T>.size(); ++e)
        if (available_lanes<T>[e] && (std::size_t{1} << e) >= n) return std::size_t{1} << e;
    return max_lanes<T>;
}

// The widest available vector with at most `n` lanes (at least 1).
template <class T>
constexpr std::size_t lanes_within(std::size_t n) noexcept {
    std::size_t best = 1;
    for (std::size_t e = 0; e < available_lanes<T>.size(); ++e)
        if (available_lanes<T>[e] && (std::size_t{1} << e) <= n) best = std::size_t{1} << e;
    return best;
}

// The byte alignment of the parameter blocks: one SIMD register on the host,
// alignof(T) on scalar targets, so a microcontroller spends no flash on padding.
template <class T>
inline constexpr std::size_t block_alignment = max_lanes<T> * sizeof(T);

}  // namespace ctnn::simd

#include "exp.hpp"  // exp, expm1, tanh: written with the vocabulary above

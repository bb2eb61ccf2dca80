// ctnn's own SIMD vectors for x86 from SSE2 to AVX-512F with FMA, included by
// core/detail/simd.hpp only (the one SIMD header) when CTNN_SIMD is on, the
// target is x86 (without AMD's FMA4), and CTNN_XSIMD_BATCH is not defined.
// Everything else uses xsimd::batch.
//
// Why: the full <xsimd/xsimd.hpp> costs 0.5-0.7 s of parsing in every
// translation unit (its batch header pulls in <complex>, <sstream>, ...), for
// the dozen operations ctnn uses. These are those operations, nothing more:
// splat (the constructor from T), load_unaligned, store_unaligned, + - * /,
// unary -, < > <= >=, select, sqrt, the sum of the lanes, and on the unsigned
// integers of the lanes' width (bits_t, for core/detail/exp.hpp) splat, + -
// and logical shifts by a constant.
//
// Each operation is the intrinsic xsimd 8.1 uses for it on the same target
// (the one its best architecture with that register width dispatches to:
// select is blendv from SSE4.1 on, the lane sum uses haddps from SSE3 on,
// integers on 256-bit registers without AVX2 work in two 128-bit halves, > is
// < with the operands swapped on AVX, ...), so the results are the same bits
// and the code the compiler emits is the same: compare
// `-S -DCTNN_XSIMD_BATCH` with this path. With AVX-512F the 64-byte vectors
// are xsimd's avx512f ones: comparisons give a mask register (__mmask16 or
// __mmask8) and select is a masked blend. Two operations differ on purpose:
// unary minus flips the sign bit, as on the narrower vectors and the scalars
// (xsimd's avx512 neg is 0 - x, +0 for 0), and the lane sum takes the two
// 256-bit halves with AVX512F's extract (xsimd's with AVX512DQ's), the same
// values added in the same order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#if defined(__AVX__) && defined(__GNUC__) && !defined(__clang__) && __has_include(<avx2intrin.h>)
// GCC's <immintrin.h> includes the header of every x86 extension it knows
// (AVX-512 in all its parts, AMX, ...), enabled or not: 0.7-0.9 s of parsing
// in every translation unit, more than the rest of the core. The headers of
// SSE4.1, AVX, AVX2 and FMA, which are all this file uses, refuse to be
// included except through <immintrin.h>, by testing its include guard, so
// the guard is set around them (and restored: a later <immintrin.h> still
// includes everything). clang's <immintrin.h> includes only enabled ones.
#include <smmintrin.h>
#pragma push_macro("_IMMINTRIN_H_INCLUDED")
#ifndef _IMMINTRIN_H_INCLUDED
#define _IMMINTRIN_H_INCLUDED
#endif
#include <avxintrin.h>
#if defined(__AVX2__)
#include <avx2intrin.h>
#endif
#if defined(__AVX512F__)
#include <avx512fintrin.h>
#endif
#if defined(__FMA__)
#include <fmaintrin.h>
#endif
#pragma pop_macro("_IMMINTRIN_H_INCLUDED")
#elif defined(__AVX__)
#include <immintrin.h>
#else
#include <emmintrin.h>
#if defined(__SSE3__)
#include <pmmintrin.h>
#endif
#if defined(__SSE4_1__)
#include <smmintrin.h>
#endif
#endif

namespace ctnn::simd::x86 {

// The widest register: 64 bytes with AVX-512F, 32 with AVX, 16 with SSE2.
#if defined(__AVX512F__)
inline constexpr std::size_t widest_bytes = 64;
#elif defined(__AVX__)
inline constexpr std::size_t widest_bytes = 32;
#else
inline constexpr std::size_t widest_bytes = 16;
#endif

template <class T, std::size_t Bytes>
struct register_of;
template <>
struct register_of<float, 16> {
    using type = __m128;
};
template <>
struct register_of<double, 16> {
    using type = __m128d;
};
template <class T>
    requires std::is_integral_v<T>
struct register_of<T, 16> {
    using type = __m128i;
};
#if defined(__AVX__)
template <>
struct register_of<float, 32> {
    using type = __m256;
};
template <>
struct register_of<double, 32> {
    using type = __m256d;
};
template <class T>
    requires std::is_integral_v<T>
struct register_of<T, 32> {
    using type = __m256i;
};
#endif
#if defined(__AVX512F__)
template <>
struct register_of<float, 64> {
    using type = __m512;
};
template <>
struct register_of<double, 64> {
    using type = __m512d;
};
template <class T>
    requires std::is_integral_v<T>
struct register_of<T, 64> {
    using type = __m512i;
};
#endif

// The result of a comparison of two vecs (as xsimd's batch_bool): all ones or
// all zeros per lane in the register of the compared type, and with AVX-512
// one bit per lane in a mask register.
template <class T, std::size_t Bytes>
struct mask_register_of {
    using type = typename register_of<T, Bytes>::type;
};
#if defined(__AVX512F__)
template <class T>
struct mask_register_of<T, 64> {
    using type = std::conditional_t<sizeof(T) == 4, __mmask16, __mmask8>;
};
#endif
template <class T, std::size_t Bytes>
struct mask {
    using register_type = typename mask_register_of<T, Bytes>::type;
    register_type data;
};

// `Bytes / sizeof(T)` lanes of T (float, double, std::uint32_t or std::uint64_t).
template <class T, std::size_t Bytes>
class vec {
    static constexpr bool is_float = std::is_same_v<T, float>;
    static constexpr bool is_double = std::is_same_v<T, double>;
    static constexpr bool wide = Bytes == 32;
    static constexpr bool wider = Bytes == 64;
    static_assert(is_float || is_double || std::is_same_v<T, std::uint32_t> || std::is_same_v<T, std::uint64_t>);

public:
    using value_type = T;
    using register_type = typename register_of<T, Bytes>::type;
    static constexpr std::size_t size = Bytes / sizeof(T);

    register_type data;

    vec() = default;
    vec(T value) noexcept : data(broadcast(value)) {}  // NOLINT: implicit, as xsimd::batch
    vec(register_type r) noexcept : data(r) {}         // NOLINT
    operator register_type() const noexcept { return data; }

    static vec load_unaligned(const T* p) noexcept {
#if defined(__AVX512F__)
        if constexpr (is_float && wider) return _mm512_loadu_ps(p);
        else if constexpr (is_double && wider) return _mm512_loadu_pd(p);
        else if constexpr (wider) return _mm512_loadu_si512(p);
        else
#endif
#if defined(__AVX__)
        if constexpr (is_float && wide) return _mm256_loadu_ps(p);
        else if constexpr (is_double && wide) return _mm256_loadu_pd(p);
        else if constexpr (wide) return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        else
#endif
        if constexpr (is_float) return _mm_loadu_ps(p);
        else if constexpr (is_double) return _mm_loadu_pd(p);
        else return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    }

    void store_unaligned(T* p) const noexcept {
#if defined(__AVX512F__)
        if constexpr (is_float && wider) _mm512_storeu_ps(p, data);
        else if constexpr (is_double && wider) _mm512_storeu_pd(p, data);
        else if constexpr (wider) _mm512_storeu_si512(p, data);
        else
#endif
#if defined(__AVX__)
        if constexpr (is_float && wide) _mm256_storeu_ps(p, data);
        else if constexpr (is_double && wide) _mm256_storeu_pd(p, data);
        else if constexpr (wide) _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), data);
        else
#endif
        if constexpr (is_float) _mm_storeu_ps(p, data);
        else if constexpr (is_double) _mm_storeu_pd(p, data);
        else _mm_storeu_si128(reinterpret_cast<__m128i*>(p), data);
    }

    friend vec operator+(const vec& a, const vec& b) noexcept {
#if defined(__AVX512F__)
        if constexpr (is_float && wider) return _mm512_add_ps(a, b);
        else if constexpr (is_double && wider) return _mm512_add_pd(a, b);
        else if constexpr (wider) return integer_op<op::add>(a, b);
        else
#endif
#if defined(__AVX__)
        if constexpr (is_float && wide) return _mm256_add_ps(a, b);
        else if constexpr (is_double && wide) return _mm256_add_pd(a, b);
        else
#endif
        if constexpr (is_float) return _mm_add_ps(a, b);
        else if constexpr (is_double) return _mm_add_pd(a, b);
        else return integer_op<op::add>(a, b);
    }
    friend vec operator-(const vec& a, const vec& b) noexcept {
#if defined(__AVX512F__)
        if constexpr (is_float && wider) return _mm512_sub_ps(a, b);
        else if constexpr (is_double && wider) return _mm512_sub_pd(a, b);
        else if constexpr (wider) return integer_op<op::sub>(a, b);
        else
#endif
#if defined(__AVX__)
        if constexpr (is_float && wide) return _mm256_sub_ps(a, b);
        else if constexpr (is_double && wide) return _mm256_sub_pd(a, b);
        else
#endif
        if constexpr (is_float) return _mm_sub_ps(a, b);
        else if constexpr (is_double) return _mm_sub_pd(a, b);
        else return integer_op<op::sub>(a, b);
    }
    friend vec operator*(const vec& a, const vec& b) noexcept
        requires(!std::is_integral_v<T>)
    {
#if defined(__AVX512F__)
        if constexpr (is_float && wider) return _mm512_mul_ps(a, b);
        else if constexpr (is_double && wider) return _mm512_mul_pd(a, b);
        else
#endif
#if defined(__AVX__)
        if constexpr (is_float && wide) return _mm256_mul_ps(a, b);
        else if constexpr (is_double && wide) return _mm256_mul_pd(a, b);
        else
#endif
        if constexpr (is_float) return _mm_mul_ps(a, b);
        else return _mm_mul_pd(a, b);
    }
    friend vec operator/(const vec& a, const vec& b) noexcept
        requires(!std::is_integral_v<T>)
    {
#if defined(__AVX512F__)
        if constexpr (is_float && wider) return _mm512_div_ps(a, b);
        else if constexpr (is_double && wider) return _mm512_div_pd(a, b);
        else
#endif
#if defined(__AVX__)
        if constexpr (is_float && wide) return _mm256_div_ps(a, b);
        else if constexpr (is_double && wide) return _mm256_div_pd(a, b);
        else
#endif
        if constexpr (is_float) return _mm_div_ps(a, b);
        else return _mm_div_pd(a, b);
    }
    // xsimd's neg: the sign bit flipped (exact, -0 for 0, NaN stays NaN).
    friend vec operator-(const vec& a) noexcept
        requires(!std::is_integral_v<T>)
    {
#if defined(__AVX512F__)
        if constexpr (is_float && wider)
            return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a), _mm512_set1_epi32(INT32_MIN)));
        else if constexpr (is_double && wider)
            return _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(a), _mm512_set1_epi64(INT64_MIN)));
        else
#endif
#if defined(__AVX__)
        if constexpr (is_float && wide) return _mm256_xor_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(INT32_MIN)));
        else if constexpr (is_double && wide) return _mm256_xor_pd(a, _mm256_castsi256_pd(_mm256_set1_epi64x(INT64_MIN)));
        else
#endif
        if constexpr (is_float) return _mm_xor_ps(a, _mm_castsi128_ps(_mm_set1_epi32(INT32_MIN)));
        else return _mm_xor_pd(a, _mm_castsi128_pd(_mm_setr_epi32(0, INT32_MIN, 0, INT32_MIN)));
    }
    vec& operator+=(const vec& b) noexcept { return *this = *this + b; }
    vec& operator-=(const vec& b) noexcept { return *this = *this - b; }
    vec& operator*=(const vec& b) noexcept
        requires(!std::is_integral_v<T>)
    {
        return *this = *this * b;
    }
    vec& operator/=(const vec& b) noexcept
        requires(!std::is_integral_v<T>)
    {
        return *this = *this / b;
    }

    // Logical shifts of the unsigned lanes.
    friend vec operator<<(const vec& a, std::int32_t n) noexcept
        requires std::is_integral_v<T>
    {
        return integer_shift<op::shift_left>(a, n);
    }
    friend vec operator>>(const vec& a, std::int32_t n) noexcept
        requires std::is_integral_v<T>
    {
        return integer_shift<op::shift_right>(a, n);
    }

    // Ordered comparisons, false for NaN (xsimd's: cmpltps, or vcmpps with
    // _CMP_LT_OQ / _CMP_LE_OQ on AVX registers, where > and >= swap the operands).
    friend mask<T, Bytes> operator<(const vec& a, const vec& b) noexcept
        requires(!std::is_integral_v<T>)
    {
#if defined(__AVX512F__)
        if constexpr (is_float && wider) return {_mm512_cmp_ps_mask(a, b, _CMP_LT_OQ)};
        else if constexpr (is_double && wider) return {_mm512_cmp_pd_mask(a, b, _CMP_LT_OQ)};
        else
#endif
#if defined(__AVX__)
        if constexpr (is_float && wide) return {_mm256_cmp_ps(a, b, _CMP_LT_OQ)};
        else if constexpr (is_double && wide) return {_mm256_cmp_pd(a, b, _CMP_LT_OQ)};
        else
#endif
        if constexpr (is_float) return {_mm_cmplt_ps(a, b)};
        else return {_mm_cmplt_pd(a, b)};
    }
    friend mask<T, Bytes> operator>(const vec& a, const vec& b) noexcept
        requires(!std::is_integral_v<T>)
    {
#if defined(__AVX512F__)
        if constexpr (is_float && wider) return {_mm512_cmp_ps_mask(a, b, _CMP_GT_OQ)};
        else if constexpr (wider) return {_mm512_cmp_pd_mask(a, b, _CMP_GT_OQ)};
        else
#endif
        if constexpr (wide) return b < a;
        else if constexpr (is_float) return {_mm_cmpgt_ps(a, b)};
        else return {_mm_cmpgt_pd(a, b)};
    }
    friend mask<T, Bytes> operator<=(const vec& a, const vec& b) noexcept
        requires(!std::is_integral_v<T>)
    {
#if defined(__AVX512F__)
        if constexpr (is_float && wider) return {_mm512_cmp_ps_mask(a, b, _CMP_LE_OQ)};
        else if constexpr (is_double && wider) return {_mm512_cmp_pd_mask(a, b, _CMP_LE_OQ)};
        else
#endif
#if defined(__AVX__)
        if constexpr (is_float && wide) return {_mm256_cmp_ps(a, b, _CMP_LE_OQ)};
        else if constexpr (is_double && wide) return {_mm256_cmp_pd(a, b, _CMP_LE_OQ)};
        else
#endif
        if constexpr (is_float) return {_mm_cmple_ps(a, b)};
        else return {_mm_cmple_pd(a, b)};
    }
    friend mask<T, Bytes> operator>=(const vec& a, const vec& b) noexcept
        requires(!std::is_integral_v<T>)
    {
#if defined(__AVX512F__)
        if constexpr (is_float && wider) return {_mm512_cmp_ps_mask(a, b, _CMP_GE_OQ)};
        else if constexpr (wider) return {_mm512_cmp_pd_mask(a, b, _CMP_GE_OQ)};
        else
#endif
        if constexpr (wide) return b <= a;
        else if constexpr (is_float) return {_mm_cmpge_ps(a, b)};
        else return {_mm_cmpge_pd(a, b)};
    }

private:
    static register_type broadcast(T value) noexcept {
#if defined(__AVX512F__)
        if constexpr (is_float && wider) return _mm512_set1_ps(value);
        else if constexpr (is_double && wider) return _mm512_set1_pd(value);
        else if constexpr (wider && sizeof(T) == 4) return _mm512_set1_epi32(static_cast<int>(value));
        else if constexpr (wider) return _mm512_set1_epi64(static_cast<long long>(value));
        else
#endif
#if defined(__AVX__)
        if constexpr (is_float && wide) return _mm256_set1_ps(value);
        else if constexpr (is_double && wide) return _mm256_set1_pd(value);
        else
#endif
        if constexpr (is_float) return _mm_set1_ps(value);
        else if constexpr (is_double) return _mm_set1_pd(value);
#if defined(__AVX__)
        else if constexpr (wide && sizeof(T) == 4) return _mm256_set1_epi32(static_cast<int>(value));
        else if constexpr (wide) return _mm256_set1_epi64x(static_cast<long long>(value));
#endif
        else if constexpr (sizeof(T) == 4) return _mm_set1_epi32(static_cast<int>(value));
        else return _mm_set1_epi64x(static_cast<long long>(value));
    }

    enum class op { add, sub, shift_left, shift_right };

    template <op O>
    static __m128i integer_half(__m128i a, __m128i b) noexcept {
        if constexpr (O == op::add && sizeof(T) == 4) return _mm_add_epi32(a, b);
        else if constexpr (O == op::add) return _mm_add_epi64(a, b);
        else if constexpr (sizeof(T) == 4) return _mm_sub_epi32(a, b);
        else return _mm_sub_epi64(a, b);
    }
    template <op O>
    static __m128i shift_half(__m128i a, std::int32_t n) noexcept {
        if constexpr (O == op::shift_left && sizeof(T) == 4) return _mm_slli_epi32(a, n);
        else if constexpr (O == op::shift_left) return _mm_slli_epi64(a, n);
        else if constexpr (sizeof(T) == 4) return _mm_srli_epi32(a, n);
        else return _mm_srli_epi64(a, n);
    }

    template <op O>
    static vec integer_op(const vec& a, const vec& b) noexcept {
        if constexpr (wider) {
#if defined(__AVX512F__)
            if constexpr (O == op::add && sizeof(T) == 4) return _mm512_add_epi32(a, b);
            else if constexpr (O == op::add) return _mm512_add_epi64(a, b);
            else if constexpr (sizeof(T) == 4) return _mm512_sub_epi32(a, b);
            else return _mm512_sub_epi64(a, b);
#endif
        } else if constexpr (!wide) {
            return integer_half<O>(a, b);
        } else {
#if defined(__AVX2__)
            if constexpr (O == op::add && sizeof(T) == 4) return _mm256_add_epi32(a, b);
            else if constexpr (O == op::add) return _mm256_add_epi64(a, b);
            else if constexpr (sizeof(T) == 4) return _mm256_sub_epi32(a, b);
            else return _mm256_sub_epi64(a, b);
#elif defined(__AVX__)
            // AVX has no 256-bit integer arithmetic: two halves (xsimd's fwd_to_sse).
            const __m128i low = integer_half<O>(_mm256_castsi256_si128(a), _mm256_castsi256_si128(b));
            const __m128i high = integer_half<O>(_mm256_extractf128_si256(a, 1), _mm256_extractf128_si256(b, 1));
            return _mm256_insertf128_si256(_mm256_castsi128_si256(low), high, 1);
#endif
        }
    }
    template <op O>
    static vec integer_shift(const vec& a, std::int32_t n) noexcept {
        if constexpr (wider) {
#if defined(__AVX512F__)
            // By a count in a register (vpslld zmm, xmm): the count need not be an immediate at -O0.
            const __m128i count = _mm_cvtsi32_si128(n);
            if constexpr (O == op::shift_left && sizeof(T) == 4) return _mm512_sll_epi32(a, count);
            else if constexpr (O == op::shift_left) return _mm512_sll_epi64(a, count);
            else if constexpr (sizeof(T) == 4) return _mm512_srl_epi32(a, count);
            else return _mm512_srl_epi64(a, count);
#endif
        } else if constexpr (!wide) {
            return shift_half<O>(a, n);
        } else {
#if defined(__AVX2__)
            if constexpr (O == op::shift_left && sizeof(T) == 4) return _mm256_slli_epi32(a, n);
            else if constexpr (O == op::shift_left) return _mm256_slli_epi64(a, n);
            else if constexpr (sizeof(T) == 4) return _mm256_srli_epi32(a, n);
            else return _mm256_srli_epi64(a, n);
#elif defined(__AVX__)
            const __m128i low = shift_half<O>(_mm256_castsi256_si128(a), n);
            const __m128i high = shift_half<O>(_mm256_extractf128_si256(a, 1), n);
            return _mm256_insertf128_si256(_mm256_castsi128_si256(low), high, 1);
#endif
        }
    }
};

// Lane by lane, condition ? if_true : if_false.
template <class T, std::size_t Bytes>
inline vec<T, Bytes> blend(const mask<T, Bytes>& condition, const vec<T, Bytes>& if_true,
                           const vec<T, Bytes>& if_false) noexcept {
    constexpr bool is_float = std::is_same_v<T, float>;
#if defined(__AVX512F__)
    if constexpr (Bytes == 64 && is_float) return _mm512_mask_blend_ps(condition.data, if_false, if_true);
    else if constexpr (Bytes == 64) return _mm512_mask_blend_pd(condition.data, if_false, if_true);
    else
#endif
#if defined(__AVX__)
    if constexpr (Bytes == 32 && is_float) return _mm256_blendv_ps(if_false, if_true, condition.data);
    else if constexpr (Bytes == 32) return _mm256_blendv_pd(if_false, if_true, condition.data);
    else
#endif
#if defined(__SSE4_1__)
    if constexpr (is_float) return _mm_blendv_ps(if_false, if_true, condition.data);
    else return _mm_blendv_pd(if_false, if_true, condition.data);
#else
    if constexpr (is_float)
        return _mm_or_ps(_mm_and_ps(condition.data, if_true), _mm_andnot_ps(condition.data, if_false));
    else return _mm_or_pd(_mm_and_pd(condition.data, if_true), _mm_andnot_pd(condition.data, if_false));
#endif
}

// The square root, correctly rounded (sqrtps).
template <class T, std::size_t Bytes>
inline vec<T, Bytes> square_root(const vec<T, Bytes>& x) noexcept {
    constexpr bool is_float = std::is_same_v<T, float>;
#if defined(__AVX512F__)
    if constexpr (Bytes == 64 && is_float) return _mm512_sqrt_ps(x);
    else if constexpr (Bytes == 64) return _mm512_sqrt_pd(x);
    else
#endif
#if defined(__AVX__)
    if constexpr (Bytes == 32 && is_float) return _mm256_sqrt_ps(x);
    else if constexpr (Bytes == 32) return _mm256_sqrt_pd(x);
    else
#endif
    if constexpr (is_float) return _mm_sqrt_ps(x);
    else return _mm_sqrt_pd(x);
}

// The sum of the lanes, in xsimd's order of additions.
template <class T, std::size_t Bytes>
inline T lane_sum(const vec<T, Bytes>& v) noexcept {
    constexpr bool is_float = std::is_same_v<T, float>;
#if defined(__AVX512F__)
    // The high 256-bit half plus the low one, then the sum of that (xsimd's avx512f hadd).
    if constexpr (Bytes == 64 && is_float) {
        const __m256 high = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
        return lane_sum(vec<float, 32>(_mm256_add_ps(high, _mm512_castps512_ps256(v))));
    } else if constexpr (Bytes == 64) {
        return lane_sum(vec<double, 32>(_mm256_add_pd(_mm512_extractf64x4_pd(v, 1), _mm512_castpd512_pd256(v))));
    } else
#endif
#if defined(__AVX__)
    if constexpr (Bytes == 32 && is_float) {
        __m256 tmp = _mm256_permute2f128_ps(v, v, 1);
        tmp = _mm256_add_ps(v, tmp);
        tmp = _mm256_hadd_ps(tmp, tmp);
        tmp = _mm256_hadd_ps(tmp, tmp);
        return _mm_cvtss_f32(_mm256_extractf128_ps(tmp, 0));
    } else if constexpr (Bytes == 32) {
        __m256d tmp = _mm256_permute2f128_pd(v, v, 1);
        tmp = _mm256_add_pd(v, tmp);
        tmp = _mm256_hadd_pd(tmp, tmp);
        return _mm_cvtsd_f64(_mm256_extractf128_pd(tmp, 0));
    } else
#endif
#if defined(__SSE3__)
    if constexpr (is_float) {
        const __m128 tmp0 = _mm_hadd_ps(v, v);
        const __m128 tmp1 = _mm_hadd_ps(tmp0, tmp0);
        return _mm_cvtss_f32(tmp1);
    } else {
        return _mm_cvtsd_f64(_mm_hadd_pd(v, v));
    }
#else
    if constexpr (is_float) {
        const __m128 tmp0 = _mm_add_ps(v, _mm_movehl_ps(v, v));
        const __m128 tmp1 = _mm_add_ss(tmp0, _mm_shuffle_ps(tmp0, tmp0, 1));
        return _mm_cvtss_f32(tmp1);
    } else {
        return _mm_cvtsd_f64(_mm_add_sd(v, _mm_unpackhi_pd(v, v)));
    }
#endif
}

template <class T>
using bits_of = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

// Reinterpretation of the lanes as unsigned integers of the same width, and back.
template <class T, std::size_t Bytes>
inline vec<bits_of<T>, Bytes> to_bits(const vec<T, Bytes>& v) noexcept {
    constexpr bool is_float = std::is_same_v<T, float>;
#if defined(__AVX512F__)
    if constexpr (Bytes == 64 && is_float) return _mm512_castps_si512(v);
    else if constexpr (Bytes == 64) return _mm512_castpd_si512(v);
    else
#endif
#if defined(__AVX__)
    if constexpr (Bytes == 32 && is_float) return _mm256_castps_si256(v);
    else if constexpr (Bytes == 32) return _mm256_castpd_si256(v);
    else
#endif
    if constexpr (is_float) return _mm_castps_si128(v);
    else return _mm_castpd_si128(v);
}
template <class T, std::size_t Bytes>
inline vec<T, Bytes> from_bits(const vec<bits_of<T>, Bytes>& b) noexcept {
    constexpr bool is_float = std::is_same_v<T, float>;
#if defined(__AVX512F__)
    if constexpr (Bytes == 64 && is_float) return _mm512_castsi512_ps(b);
    else if constexpr (Bytes == 64) return _mm512_castsi512_pd(b);
    else
#endif
#if defined(__AVX__)
    if constexpr (Bytes == 32 && is_float) return _mm256_castsi256_ps(b);
    else if constexpr (Bytes == 32) return _mm256_castsi256_pd(b);
    else
#endif
    if constexpr (is_float) return _mm_castsi128_ps(b);
    else return _mm_castsi128_pd(b);
}

}  // namespace ctnn::simd::x86

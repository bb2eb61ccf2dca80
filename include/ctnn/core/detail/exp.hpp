// exp, expm1 and tanh: ctnn's own, written once for every vector V of
// core/detail/simd.hpp (a scalar or an xsimd batch), float and double, so that the
// scalar kernels (Cortex-M, the scalar build) and the SIMD ones compute the
// same function with the same operations, and a firmware links no libm (newlib's
// expf, expm1f and tanhf set errno, which pulls __errno and 1 KB of reentrancy
// data into RAM; with sqrtf they cost about 2.8 KB of flash; these three are
// 364 bytes at -Os on the Cortex-M4F).
//
// The algorithm (Cephes' range reduction, then a polynomial):
//   k = nearbyint(x / ln 2), by adding and subtracting 1.5 * 2^(mantissa bits),
//       which also leaves k in the low bits of the sum's representation;
//   r = x - k ln 2, ln 2 in two parts (the first with trailing zeros, so that
//       k * ln2_hi is exact with or without FMA), |r| <= ln 2 / 2;
//   expm1(r) = r + r^2 (1/2 + r/3! + ... ), Taylor's coefficients (float: to
//       r^7, double: to r^13; the truncation is below 0.2 ulp);
//   exp(x)   = (expm1(r) + 1) * 2^k, 2^k as two factors 2^floor(k/2) *
//       2^ceil(k/2), so that results near the overflow threshold and the
//       denormal ones come out right (one rounding, in the last product);
//   expm1(x) = 2 * (2^(k-1) expm1(r) + (2^(k-1) - 1/2)), which is expm1(r)
//       exactly when k = 0 (no cancellation near 0) and stays finite for k = 128;
//   tanh(x)  = sign(x) * e / (e + 2) with e = expm1(2|x|), 1 from |x| > 40
//       (float: from 9.01 it rounds to 1), x itself for |x| < 2^-13 (float) or
//       2^-27 (double), where tanh(x) rounds to x (this keeps tanh(-0) = -0).
// Accuracy against long double over the whole range (tests/activations.cpp,
// "ctnn's exp, expm1 and tanh ..."): worst 0.95 ulp (exp), 1.9 (expm1), 2.4
// (tanh) in float and double, scalar and SIMD bit-identical; denormal results
// of exp within one denormal step.
// Overflow gives +inf, underflow 0 (exp, through the denormals) or -1 (expm1),
// NaN gives NaN. The fused steps are simd::fma: one rounding where the target
// has FMA (x86 with FMA, the Cortex-M4F for float), two elsewhere, so results
// can differ in the last bit between those targets (shared/DESIGN.md allows it)
// but not between the host's scalar build with -mfma and a Cortex-M4F.
// Requires rounding to nearest (the default) and no -ffast-math
// (-fassociative-math would remove the rounding trick).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "simd.hpp"

namespace ctnn::simd {

// Calls are qualified (simd::expm1, simd::fma, ...): unqualified, a batch
// argument would find xsimd's functions of the same names by ADL, and they
// are better matches than these templates.

namespace detail {

template <class T>
struct exp_constants;

template <>
struct exp_constants<float> {
    static constexpr float log2e = 1.44269504088896340736f;
    static constexpr float ln2_hi = 0x1.63p-1f;                     // 0.693359375: 9 bits
    static constexpr float ln2_lo = -2.12194440054690583e-4f;       // ln 2 - ln2_hi
    static constexpr float round = 0x1.8p23f;                       // x + round - round: nearest integer
    static constexpr std::uint32_t exponent_bias = 127;
    static constexpr int mantissa_bits = 23;
    static constexpr float exp_overflow = 0x1.62e42ep6f;            // 88.72283: the last x with exp(x) finite
    static constexpr float exp_underflow = -104.f;                  // exp(x) < 2^-150 (rounds to 0) below
    static constexpr float expm1_minus_one = -20.f;                 // expm1(x) rounds to -1 below -17.33
    static constexpr float tanh_one = 40.f;                         // tanh(x) rounds to 1 above 9.01
    static constexpr float tanh_identity = 0x1p-13f;                // tanh(x) rounds to x below 2.99e-4
    // 1/2!, 1/3!, ... 1/7!: expm1(r) = r + r^2 (c[0] + c[1] r + ...).
    static constexpr std::array<float, 6> taylor = {1.f / 2, 1.f / 6, 1.f / 24, 1.f / 120, 1.f / 720, 1.f / 5040};
};

template <>
struct exp_constants<double> {
    static constexpr double log2e = 1.44269504088896340736;
    static constexpr double ln2_hi = 0x1.62e42feep-1;               // fdlibm's: 32 trailing zero bits
    static constexpr double ln2_lo = 0x1.a39ef35793c76p-33;         // ln 2 - ln2_hi
    static constexpr double round = 0x1.8p52;
    static constexpr std::uint64_t exponent_bias = 1023;
    static constexpr int mantissa_bits = 52;
    static constexpr double exp_overflow = 0x1.62e42fefa39efp9;     // 709.78271289338397
    static constexpr double exp_underflow = -746.;                  // exp(x) < 2^-1075 below
    static constexpr double expm1_minus_one = -40.;                 // expm1(x) rounds to -1 below -37.43
    static constexpr double tanh_one = 40.;                         // tanh(x) rounds to 1 above 19.06
    static constexpr double tanh_identity = 0x1p-27;                // tanh(x) rounds to x below 1.29e-8
    static constexpr std::array<double, 12> taylor = {1. / 2,          1. / 6,          1. / 24,          1. / 120,
                                        1. / 720,        1. / 5040,       1. / 40320,       1. / 362880,
                                        1. / 3628800,    1. / 39916800,   1. / 479001600,   1. / 6227020800};
};

// x = k ln 2 + r: r, and k's bits (k is in the low bits of the representation
// of k + round: valid modulo 2^(width - mantissa bits), which is all the
// exponent field needs).
template <class V>
struct reduced {
    V r;
    bits_t<V> k_bits;
};

template <class V>
inline reduced<V> reduce(const V& x) noexcept {
    using C = exp_constants<scalar_t<V>>;
    const V shifted = simd::fma(x, simd::splat<V>(C::log2e), simd::splat<V>(C::round));
    const V minus_k = simd::splat<V>(C::round) - shifted;
    V r = simd::fma(minus_k, simd::splat<V>(C::ln2_hi), x);
    r = simd::fma(minus_k, simd::splat<V>(C::ln2_lo), r);
    return {r, simd::to_bits(shifted)};
}

// expm1(r) for |r| <= ln 2 / 2.
template <class V>
inline V expm1_reduced(const V& r) noexcept {
    using C = exp_constants<scalar_t<V>>;
    constexpr std::size_t n = C::taylor.size();
    V p = simd::splat<V>(C::taylor[n - 1]);
    for (std::size_t i = n - 1; i-- > 0;) p = simd::fma(p, r, simd::splat<V>(C::taylor[i]));
    return simd::fma(r * r, p, r);
}

// 2^(k + offset) from k's bits: the exponent field is k + offset + bias
// (shifting left drops the bits of `round` above it).
template <class V>
inline V power_of_two(const bits_t<V>& k_bits, std::int64_t offset) noexcept {
    using C = exp_constants<scalar_t<V>>;
    using B = bits_t<V>;
    using U = scalar_t<B>;
    return simd::from_bits<V>((k_bits + B(static_cast<U>(static_cast<std::int64_t>(C::exponent_bias) + offset)))
                        << C::mantissa_bits);
}

}  // namespace detail

template <class V>
inline V exp(const V& x) noexcept {
    using C = detail::exp_constants<scalar_t<V>>;
    const auto [r, k_bits] = detail::reduce(x);
    const V y = detail::expm1_reduced(r) + simd::splat<V>(1);
    // 2^k = 2^floor(k/2) * 2^ceil(k/2): both factors normal for every k from
    // -150 (the smallest denormal) to 128 (float; double -1075 to 1024).
    const bits_t<V> half = k_bits >> 1;
    const V result = y * detail::power_of_two<V>(half, 0) * detail::power_of_two<V>(k_bits - half, 0);
    // NaN fails both tests and stays NaN through the arithmetic.
    return simd::select(x > simd::splat<V>(C::exp_overflow), simd::splat<V>(__builtin_inf()),
                  simd::select(x < simd::splat<V>(C::exp_underflow), simd::splat<V>(0), result));
}

namespace detail {
// expm1(x) for x from -86 to 88.72 (float; double -1020 to 709.78), NaN for NaN.
template <class V>
inline V expm1_in_range(const V& x) noexcept {
    const auto [r, k_bits] = detail::reduce(x);
    const V half_scale = detail::power_of_two<V>(k_bits, -1);  // 2^(k-1), exact minus 1/2 while k <= mantissa + 1
    return simd::splat<V>(2) * simd::fma(half_scale, detail::expm1_reduced(r), half_scale - simd::splat<V>(0.5));
}
}  // namespace detail

template <class V>
inline V expm1(const V& x) noexcept {
    using C = detail::exp_constants<scalar_t<V>>;
    return simd::select(x > simd::splat<V>(C::exp_overflow), simd::splat<V>(__builtin_inf()),
                        simd::select(x < simd::splat<V>(C::expm1_minus_one), simd::splat<V>(-1),
                                     detail::expm1_in_range(x)));
}

template <class V>
inline V tanh(const V& x) noexcept {
    using C = detail::exp_constants<scalar_t<V>>;
    const V a = simd::select(x < simd::splat<V>(0), -x, x);
    const V e = detail::expm1_in_range(a + a);  // garbage above 44, where t is 1
    const V t = simd::select(a > simd::splat<V>(C::tanh_one), simd::splat<V>(1), e / (e + simd::splat<V>(2)));
    return simd::select(a < simd::splat<V>(C::tanh_identity), x, simd::select(x < simd::splat<V>(0), -t, t));
}

}  // namespace ctnn::simd

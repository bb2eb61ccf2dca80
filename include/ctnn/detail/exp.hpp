// exp for one float, computed as xsimd computes it for a batch (Cephes' range
// reduction and degree-5 polynomial), so that the scalar kernels (Cortex-M)
// and the SIMD ones agree bit for bit where the compiler does not contract
// a * b + c on its own (g++/clang++ in ISO C++ mode). And it sets no errno:
// newlib's expf pulls in errno and 1 KB of reentrancy data into a firmware's
// RAM, and without the fdlibm wrapper it still costs 1.7 KB of flash; this is
// about 200 bytes. Within 2 ulp of glibc's expf where the result is a normal
// float; like xsimd it returns infinity from 88.3763 on and 0 below about
// -87.34 (glibc: subnormals). The fused steps are explicit fmaf calls, which
// need hardware FMA to be fast: simd.hpp uses this only where the target has
// FMA (Cortex-M4F, x86 with FMA), std::exp elsewhere. Requires rounding to
// nearest (the default).
#pragma once

#include <bit>
#include <cstdint>

namespace ctnn::detail {

inline float exp_float(float a) noexcept {
    constexpr float invlog_2 = 1.442695040888963407359924681001892137f;
    constexpr float log_2hi = std::bit_cast<float>(0x3f318000u);
    constexpr float log_2lo = std::bit_cast<float>(0xb95e8083u);
    constexpr float maxlog = 88.3762626647949f, minlog = -88.3762626647949f;
    constexpr float round = 0x1.8p23f;  // adding then subtracting it rounds to the nearest integer, ties to even
    if (!(a < maxlog)) return a != a ? a : __builtin_inff();
    if (a <= minlog) return 0.f;
    const float scaled = invlog_2 * a;
    const float k = (scaled + round) - round;  // nearbyint(a / ln 2), |k| <= 128
    float x = __builtin_fmaf(-k, log_2hi, a);  // a - k ln 2, in two parts
    x = __builtin_fmaf(-k, log_2lo, x);
    float y = __builtin_fmaf(x, std::bit_cast<float>(0x3ab778cfu), std::bit_cast<float>(0x3c098d8bu));
    y = __builtin_fmaf(x, y, std::bit_cast<float>(0x3d2aa957u));
    y = __builtin_fmaf(x, y, std::bit_cast<float>(0x3e2aa9a5u));
    y = __builtin_fmaf(x, y, 0.5f);
    const float x2 = x * x;
    y = __builtin_fmaf(y, x2, x) + 1.f;
    // ldexp(y, k) as xsimd does it: y times the float whose exponent field is k + 127.
    const std::uint32_t scale = static_cast<std::uint32_t>(static_cast<std::int32_t>(k) + 127) << 23;
    return y * std::bit_cast<float>(scale);
}

}  // namespace ctnn::detail

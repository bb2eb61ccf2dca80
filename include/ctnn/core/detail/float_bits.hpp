// FloatBits: a number as a template argument. Clang 14 has no floating-point
// template arguments, so a layer option that is a number (Dropout's rate,
// BatchNorm's momentum, ELU's alpha) is this small structural class, which
// keeps the bits of a float: Dropout<0.3f> and Dropout<0.3> are one type.
//
// Two values come out of it:
// - value(): the float itself;
// - decimal(): the double nearest to the shortest decimal that reads back as
//   that float, i.e. what the user wrote (0.99, not 0.99000000953674316), so a
//   double model computes with the option as written and a default such as
//   BatchNorm's momentum 0.99 stays the very double it was before it became an
//   option. (Outside 1e-22..1e22 or so, decimal() is the float's own value.)
//   as<T>() gives value() for float and decimal() otherwise.
// And one spelling: spell_float<F>() is that shortest decimal as a C++ float
// literal, "0.3f", "1e-05f", "-2.5f" (fixed notation from 1e-4 to 1e16, as
// Python's repr, by default), which a compiler reads back to exactly the same bits: the
// spellings go into the file format's architecture string and exported
// headers. All of it is constant evaluation, without libm.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "fixed_string.hpp"

namespace ctnn {

struct FloatBits {
    std::uint32_t bits;  // of the value as a float

    constexpr FloatBits(float value) noexcept : bits(std::bit_cast<std::uint32_t>(value)) {}
    constexpr FloatBits(double value) noexcept : FloatBits(static_cast<float>(value)) {}
    constexpr float value() const noexcept { return std::bit_cast<float>(bits); }
    constexpr bool finite() const noexcept { return (bits & 0x7f800000u) != 0x7f800000u; }
    constexpr double decimal() const noexcept;
    template <class T>
    constexpr T as() const noexcept {
        if constexpr (sizeof(T) == sizeof(float)) return static_cast<T>(value());
        else return static_cast<T>(decimal());
    }
    friend constexpr bool operator==(FloatBits, FloatBits) noexcept = default;
};

namespace detail {

// An unsigned integer of up to 320 bits, for exact comparisons of a decimal
// c * 10^k with the bounds of a float's rounding interval.
struct BigUint {
    static constexpr std::size_t limbs = 10;
    std::uint32_t limb[limbs]{};

    constexpr explicit BigUint(std::uint64_t v) noexcept {
        limb[0] = static_cast<std::uint32_t>(v);
        limb[1] = static_cast<std::uint32_t>(v >> 32);
    }
    constexpr BigUint& times(std::uint32_t k, int count = 1) noexcept {
        for (; count > 0; --count) {
            std::uint64_t carry = 0;
            for (std::uint32_t& l : limb) {
                const std::uint64_t p = std::uint64_t{l} * k + carry;
                l = static_cast<std::uint32_t>(p);
                carry = p >> 32;
            }
        }
        return *this;
    }
    friend constexpr int compare(const BigUint& a, const BigUint& b) noexcept {
        for (std::size_t i = limbs; i-- > 0;)
            if (a.limb[i] != b.limb[i]) return a.limb[i] < b.limb[i] ? -1 : 1;
        return 0;
    }
};

// sign(c * 10^k - n * 2^p), exactly.
constexpr int compare_decimal(std::uint64_t c, int k, std::uint64_t n, int p) noexcept {
    BigUint left(c), right(n);
    if (k >= 0) left.times(10, k);
    else right.times(10, -k);
    if (p >= 0) right.times(2, p);
    else left.times(2, -p);
    return compare(left, right);
}

// Whether c * 10^k reads back (rounds to nearest, ties to even) as the
// positive finite float with these bits.
constexpr bool reads_back(std::uint64_t c, int k, std::uint32_t bits) noexcept {
    const std::uint32_t exponent = bits >> 23, fraction = bits & 0x7fffffu;
    const std::uint64_t m = exponent == 0 ? fraction : fraction | 0x800000u;  // the float is m * 2^q
    const int q = exponent == 0 ? -149 : int(exponent) - 150;
    const bool even = m % 2 == 0;
    const int above = compare_decimal(c, k, 2 * m + 1, q - 1);  // against the midpoint above
    if (above > 0 || (above == 0 && !even)) return false;
    // Below a power of two (other than the smallest normal) the neighbour is half as far.
    const int below = fraction == 0 && exponent > 1 ? compare_decimal(c, k, 4 * m - 1, q - 2)
                                                    : compare_decimal(c, k, 2 * m - 1, q - 1);
    return below > 0 || (below == 0 && even);
}

// The shortest decimal digits c * 10^k (c without trailing zeros) that read
// back as a positive finite float.
struct Decimal {
    std::uint64_t digits;
    int exponent;
};

constexpr double power_of_ten(int k) noexcept {  // k >= 0; exact up to 10^22
    double p = 1;
    for (int i = 0; i < k; ++i) p *= 10;
    return p;
}

constexpr Decimal shortest_decimal(std::uint32_t bits) noexcept {
    const double a = std::bit_cast<float>(bits);
    int e = 0;  // about floor(log10(a)); a candidate that misses is caught below
    for (double d = a; d >= 10; d /= 10) ++e;
    for (double d = a; d < 1; d *= 10) --e;
    Decimal found{0, 0};
    for (int n = 1; n <= 12 && found.digits == 0; ++n) {
        const int s = n - 1 - e;  // a * 10^s has n digits before the point
        const double scaled = s >= 0 ? a * power_of_ten(s) : a / power_of_ten(-s);
        const auto nearest = static_cast<std::uint64_t>(scaled + 0.5);
        for (const std::uint64_t c : {nearest, nearest + 1, nearest - 1})  // nearest - 1 may wrap: 0 - 1
            if (c != 0 && c <= scaled + 2 && found.digits == 0 && reads_back(c, -s, bits)) found = {c, -s};
    }
    while (found.digits % 10 == 0) found.digits /= 10, ++found.exponent;
    return found;
}

// The text of a float as a C++ literal, at most 1 + 9 + 2 + 4 + 1 characters
// in scientific notation, 1 + 17 + 1 + 1 + 1 in fixed.
struct FloatText {
    char chars[32]{};
    std::size_t size = 0;
    constexpr void put(char c) noexcept { chars[size++] = c; }
};

constexpr FloatText float_text(std::uint32_t bits, int lowest_fixed = -4) noexcept {
    FloatText text;
    if (bits >> 31) text.put('-');
    bits &= 0x7fffffffu;
    if (bits == 0) {
        for (char c : {'0', '.', '0', 'f'}) text.put(c);
        return text;
    }
    const Decimal d = shortest_decimal(bits);
    char digits[20]{};
    int count = 0;
    for (std::uint64_t v = d.digits; v != 0; v /= 10) digits[count++] = static_cast<char>('0' + v % 10);
    for (int i = 0; i < count / 2; ++i) {
        const char t = digits[i];
        digits[i] = digits[count - 1 - i], digits[count - 1 - i] = t;
    }
    const int x = count - 1 + d.exponent;  // the value is digits[0].digits[1...] * 10^x
    if (x >= lowest_fixed && x < 16) {
        if (x < 0) {
            text.put('0'), text.put('.');
            for (int i = 0; i < -x - 1; ++i) text.put('0');
            for (int i = 0; i < count; ++i) text.put(digits[i]);
        } else {
            for (int i = 0; i <= x; ++i) text.put(i < count ? digits[i] : '0');
            text.put('.');
            if (count <= x + 1) text.put('0');
            for (int i = x + 1; i < count; ++i) text.put(digits[i]);
        }
    } else {
        text.put(digits[0]);
        if (count > 1) text.put('.');
        for (int i = 1; i < count; ++i) text.put(digits[i]);
        text.put('e'), text.put(x < 0 ? '-' : '+');
        const int magnitude = x < 0 ? -x : x;
        if (magnitude >= 10) text.put(static_cast<char>('0' + magnitude / 10));
        else text.put('0');
        text.put(static_cast<char>('0' + magnitude % 10));
    }
    text.put('f');
    return text;
}

// The C++ spelling of F, e.g. spell_float<0.3f>() == "0.3f"; in fixed
// notation down to 10^LowestFixed (Dropout keeps its spellings of before,
// "0.00001f", with -9).
template <FloatBits F, int LowestFixed = -4>
constexpr auto spell_float() noexcept {
    static_assert(F.finite(), "ctnn: a numeric option must be finite (not infinity or NaN).");
    constexpr FloatText text = float_text(F.bits, LowestFixed);
    fixed_string<text.size> out;
    for (std::size_t i = 0; i < text.size; ++i) out.chars[i] = text.chars[i];
    return out;
}

}  // namespace detail

constexpr double FloatBits::decimal() const noexcept {
    const std::uint32_t magnitude = bits & 0x7fffffffu;
    if (!finite() || magnitude == 0) return static_cast<double>(value());
    const detail::Decimal d = detail::shortest_decimal(magnitude);
    if (d.digits >= (std::uint64_t{1} << 53) || d.exponent > 22 || d.exponent < -22)
        return static_cast<double>(value());
    // One correctly rounded operation on exact operands (Clinger's fast path).
    const double v = d.exponent >= 0 ? double(d.digits) * detail::power_of_ten(d.exponent)
                                     : double(d.digits) / detail::power_of_ten(-d.exponent);
    return bits >> 31 ? -v : v;
}

}  // namespace ctnn

// Text helpers shared by the data loaders: reading a number exactly as
// std::from_chars does, faster for the usual short numbers (and, for a whole
// field, with a leading '+' and underflow read as zero the way strtod and
// pandas do), ASCII case-insensitive comparison, and quoting text
// or lists of names for error messages (escaped, and cut short so that a
// binary file or a 1 MB field does not flood the message). Host only.
#pragma once

#include <cfloat>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../../io/detail/linkage.hpp"
#include "../../io/detail/number_text.hpp"

namespace ctnn::detail {

enum class NumberStatus { ok, not_a_number, out_of_range };

// True if the decimal number in [first, last) (which from_chars found out of
// range) is tiny rather than huge. Out of range means beyond about 1e308 or
// below about 1e-324, so the sign of the decimal exponent of the leading
// digit tells which, and a rough count is enough.
bool is_underflow(const char* first, const char* last) noexcept;

// std::from_chars(first, last, value) for doubles, with a shortcut for the
// numbers data files are made of (up to 19 digits, a decimal exponent within
// +-22 of them): Clinger's fast path. A significand w <= 2^53 and a power of
// ten 10^k with |k| <= 22 are both exact doubles, so one IEEE multiplication
// or division gives the correctly rounded value, the same bits as from_chars.
// Everything else (more digits, a larger exponent, inf, nan, malformed text)
// goes to from_chars itself. This makes loading about twice as fast as
// from_chars alone. It needs arithmetic in double precision, not x87's
// extended one (FLT_EVAL_METHOD 0); elsewhere it always defers. Inline in both
// modes (io/detail/linkage.hpp): the loaders' inner loop calls it per value.
inline std::from_chars_result parse_double(const char* first, const char* last, double& value) noexcept {
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    static constexpr double powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char* p = first;
    const bool negative = p != last && *p == '-';
    if (negative) ++p;
    std::uint64_t w = 0;  // wraps past 19 digits, but is then not used
    std::int64_t digits = 0, exponent = 0;
    for (; p != last && *p >= '0' && *p <= '9'; ++p, ++digits) w = w * 10 + std::uint64_t(*p - '0');
    if (p != last && *p == '.') {
        ++p;
        for (; p != last && *p >= '0' && *p <= '9'; ++p, ++digits, --exponent) w = w * 10 + std::uint64_t(*p - '0');
    }
    if (p != last && (*p == 'e' || *p == 'E')) {
        const char* q = p + 1;
        const bool negative_exponent = q != last && *q == '-';
        if (q != last && (*q == '-' || *q == '+')) ++q;
        if (q != last && *q >= '0' && *q <= '9') {
            std::int64_t e = 0;
            for (; q != last && *q >= '0' && *q <= '9'; ++q)
                if (e < 10000) e = e * 10 + (*q - '0');
            exponent += negative_exponent ? -e : e;
            p = q;
        }  // else the 'e' is not part of the number, as from_chars reads it
    }
    if (digits > 0 && digits <= 19 && w <= (std::uint64_t(1) << 53) && exponent >= -22 && exponent <= 22) {
        double v = double(w);
        v = exponent < 0 ? v / powers[-exponent] : v * powers[exponent];
        value = negative ? -v : v;
        return {p, std::errc{}};
    }
#endif
    return std::from_chars(first, last, value);
}

// Reads all of `text` as one double. Accepts what std::from_chars accepts in
// its general format (including "inf" and "nan") and a leading '+'. A value
// too small for a double reads as zero with its sign; a value too large is
// out_of_range.
NumberStatus parse_number(std::string_view text, double& value) noexcept;

char ascii_lower(char c) noexcept;
bool iequals(std::string_view a, std::string_view b) noexcept;

// "text" in double quotes, with quotes, backslashes and control or non-ASCII
// bytes escaped, cut after `limit` characters ("abcdef..." (1000 characters)).
std::string quote_text(std::string_view text, std::size_t limit = 40);

// "a", "b", "c" -- at most `limit` names, then "and N more".
template <class Names>
std::string quote_list(const Names& names, std::size_t limit = 30) {
    std::string out;
    std::size_t count = 0;
    for (const auto& name : names) {
        if (count == limit) {
            out += ", and " + std::to_string(names.size() - limit) + " more";
            break;
        }
        if (count++ > 0) out += ", ";
        out += quote_text(std::string_view(name));
    }
    return out;
}

// "1 row", "2 rows".
std::string count_of(std::size_t n, const char* singular, const char* plural);

}  // namespace ctnn::detail

#ifndef CTNN_COMPILED_LIB
#include "impl/text.ipp"
#endif

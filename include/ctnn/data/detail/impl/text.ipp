// Definitions of data/detail/text.hpp (see io/detail/linkage.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "../text.hpp"

namespace ctnn::detail {

CTNN_HOST_INLINE bool is_underflow(const char* first, const char* last) noexcept {
    const char* p = first;
    if (p != last && (*p == '-' || *p == '+')) ++p;
    std::int64_t leading = 0;  // decimal exponent of the first nonzero digit, before the 'e' part
    bool seen_nonzero = false, seen_point = false;
    for (; p != last && ((*p >= '0' && *p <= '9') || *p == '.'); ++p) {
        if (*p == '.') {
            seen_point = true;
        } else if (!seen_nonzero) {
            if (*p != '0') {
                seen_nonzero = true;
                leading = seen_point ? leading - 1 : 0;
            } else if (seen_point) {
                --leading;
            }
        } else if (!seen_point) {
            ++leading;
        }
    }
    std::int64_t exponent = 0;
    if (p != last && (*p == 'e' || *p == 'E')) {
        ++p;
        const bool negative = p != last && *p == '-';
        if (p != last && (*p == '-' || *p == '+')) ++p;
        for (; p != last && *p >= '0' && *p <= '9'; ++p)
            if (exponent < 1'000'000'000) exponent = exponent * 10 + (*p - '0');  // saturates, no overflow
        if (negative) exponent = -exponent;
    }
    return leading + exponent < 0;
}

CTNN_HOST_INLINE NumberStatus parse_number(std::string_view text, double& value) noexcept {
    const char* first = text.data();
    const char* last = first + text.size();
    if (first != last && *first == '+' && last - first > 1 && (first[1] == '.' || (first[1] >= '0' && first[1] <= '9')))
        ++first;
    const auto [end, error] = parse_double(first, last, value);
    if (end != last || first == last) return NumberStatus::not_a_number;
    if (error == std::errc::result_out_of_range) {
        if (!is_underflow(first, last)) return NumberStatus::out_of_range;
        value = *first == '-' ? -0.0 : 0.0;
        return NumberStatus::ok;
    }
    return error == std::errc{} ? NumberStatus::ok : NumberStatus::not_a_number;
}

CTNN_HOST_INLINE char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

CTNN_HOST_INLINE bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

CTNN_HOST_INLINE std::string quote_text(std::string_view text, std::size_t limit) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c < 0x20 || c >= 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += char(c);
        }
    }
    out += '"';
    if (text.size() > limit) out += "... (" + std::to_string(text.size()) + " characters)";
    return out;
}

CTNN_HOST_INLINE std::string count_of(std::size_t n, const char* singular, const char* plural) {
    return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

}  // namespace ctnn::detail

// Compile-time strings: how layers, activations and models spell themselves as
// C++ text ("ctnn::Dense<33, 4, ctnn::ReLU>") for summary(), the file format's
// architecture string and export_header(). Built by concatenation in constant
// expressions, so a spelling costs no code and no memory at run time.
#pragma once

#include <cstddef>
#include <string_view>

namespace ctnn::detail {

template <std::size_t N>
struct fixed_string {
    char chars[N + 1]{};  // NUL-terminated, so c_str() works

    constexpr fixed_string() = default;
    constexpr fixed_string(const char (&text)[N + 1]) noexcept {
        for (std::size_t i = 0; i < N; ++i) chars[i] = text[i];
    }
    static constexpr std::size_t size() noexcept { return N; }
    constexpr std::string_view view() const noexcept { return {chars, N}; }
    constexpr const char* c_str() const noexcept { return chars; }
};

template <std::size_t N>
fixed_string(const char (&)[N]) -> fixed_string<N - 1>;

template <std::size_t A, std::size_t B>
constexpr fixed_string<A + B> operator+(const fixed_string<A>& a,
                                        const fixed_string<B>& b) noexcept {
    fixed_string<A + B> out;
    for (std::size_t i = 0; i < A; ++i) out.chars[i] = a.chars[i];
    for (std::size_t i = 0; i < B; ++i) out.chars[A + i] = b.chars[i];
    return out;
}

template <std::size_t A, std::size_t B>
constexpr fixed_string<A + B - 1> operator+(const fixed_string<A>& a,
                                            const char (&b)[B]) noexcept {
    return a + fixed_string<B - 1>(b);
}

template <std::size_t A, std::size_t B>
constexpr fixed_string<A - 1 + B> operator+(const char (&a)[A],
                                            const fixed_string<B>& b) noexcept {
    return fixed_string<A - 1>(a) + b;
}

constexpr std::size_t decimal_digits(std::size_t value) noexcept {
    std::size_t digits = 1;
    while (value >= 10) {
        value /= 10;
        ++digits;
    }
    return digits;
}

// The decimal spelling of an unsigned number, e.g. to_fixed_string<33>() == "33".
template <std::size_t Value>
constexpr auto to_fixed_string() noexcept {
    fixed_string<decimal_digits(Value)> out;
    std::size_t value = Value;
    for (std::size_t i = decimal_digits(Value); i-- > 0;) {
        out.chars[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return out;
}

// "a, b, c": the spellings of a template argument list.
template <auto First, auto... Rest>
constexpr auto join_with_commas() noexcept {
    return (First + ... + (fixed_string(", ") + Rest));
}

}  // namespace ctnn::detail

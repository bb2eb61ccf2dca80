// number_text(value): the shortest text that reads back as `value` in its own
// type ("2", "-0.5", "1e+39", "inf", "nan"; a float 0.1f gives "0.1"), for
// error messages that quote a number. Host only.
#pragma once

#include <charconv>
#include <string>

namespace ctnn::detail {

template <class T>
std::string number_text(T value) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

}  // namespace ctnn::detail

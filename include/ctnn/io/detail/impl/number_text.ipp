// Definitions of io/detail/number_text.hpp (see io/detail/linkage.hpp).
#pragma once

#include <charconv>
#include <string>

#include "../number_text.hpp"

namespace ctnn::detail {

namespace number_text_impl {
template <class T>
std::string shortest(T value) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}
}  // namespace number_text_impl

CTNN_HOST_INLINE std::string number_text(float value) { return number_text_impl::shortest(value); }
CTNN_HOST_INLINE std::string number_text(double value) { return number_text_impl::shortest(value); }

}  // namespace ctnn::detail

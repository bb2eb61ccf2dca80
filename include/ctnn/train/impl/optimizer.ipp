// Definitions of train/optimizer.hpp (see io/detail/linkage.hpp).
#pragma once

#include <cmath>
#include <string>

#include "../../io/detail/number_text.hpp"
#include "../../io/error.hpp"
#include "../optimizer.hpp"

namespace ctnn::detail {

CTNN_HOST_INLINE void check_option(const char* optimizer, const char* option, double value, bool ok,
                                   const char* expected) {
    if (ok && std::isfinite(value)) return;
    throw Error(std::string("compile: ") + optimizer + "'s " + option + " is " + number_text(value) + "; expected " +
                expected);
}

}  // namespace ctnn::detail

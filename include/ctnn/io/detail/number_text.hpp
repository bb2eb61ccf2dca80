// number_text(value): the shortest text that reads back as `value` in its own
// type ("2", "-0.5", "1e+39", "inf", "nan"; a float 0.1f gives "0.1"), for
// error messages that quote a number. Host only.
#pragma once

#include <string>

#include "linkage.hpp"

namespace ctnn::detail {

std::string number_text(float value);
std::string number_text(double value);

}  // namespace ctnn::detail

#ifndef CTNN_COMPILED_LIB
#include "impl/number_text.ipp"
#endif

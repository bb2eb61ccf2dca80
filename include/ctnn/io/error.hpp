// ctnn::Error: how host-only code (files, data, training set-up) reports bad
// input. Its message says what went wrong, where (file, line, column, layer)
// and what was expected. The core never throws.
#pragma once

#include <stdexcept>
#include <string>

namespace ctnn {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error("ctnn: " + message) {}
};

}  // namespace ctnn

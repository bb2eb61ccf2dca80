// Dataset<T, In, Out>: a training or validation set, two equal-length vectors
// of fixed-width rows, as Keras' (x, y). check_dataset() reports the problems
// that would otherwise give a silently wrong model.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "../io/error.hpp"

namespace ctnn {

template <class T, std::size_t In, std::size_t Out>
struct Dataset {
    std::vector<std::array<T, In>> x;
    std::vector<std::array<T, Out>> y;

    [[nodiscard]] std::size_t size() const noexcept { return x.size(); }
};

// Throws Error naming `what` ("the training data") unless x and y have the
// same, non-zero number of rows and every value is finite.
template <class T, std::size_t In, std::size_t Out>
void check_dataset(const Dataset<T, In, Out>& data, const std::string& what) {
    if (data.x.size() != data.y.size())
        throw Error(what + " has " + std::to_string(data.x.size()) + " rows of features but " +
                    std::to_string(data.y.size()) + " rows of targets; expected the same number");
    if (data.x.empty()) throw Error(what + " is empty; expected at least one row");
    auto check_rows = [&](const auto& rows, const char* part) {
        for (std::size_t r = 0; r < rows.size(); ++r)
            for (std::size_t c = 0; c < rows[r].size(); ++c)
                if (!std::isfinite(rows[r][c]))
                    throw Error(what + ": " + part + " row " + std::to_string(r) + ", column " + std::to_string(c) +
                                " is " + std::to_string(rows[r][c]) + "; expected a finite number");
    };
    check_rows(data.x, "feature");
    check_rows(data.y, "target");
}

}  // namespace ctnn

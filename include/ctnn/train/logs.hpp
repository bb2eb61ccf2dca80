// Logs: named values in a fixed order, such as one epoch's "loss",
// "binary_accuracy", "val_loss", ..., or trainer.evaluate()'s scores. Asking
// for a name that is not there is an Error listing the names there are.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../io/detail/linkage.hpp"

namespace ctnn {

namespace detail {
template <class Names>
std::string list_names(const Names& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + std::string(name);
    return out.empty() ? "(none)" : out;
}
}  // namespace detail

class Logs {
public:
    void set(std::string_view name, double value);
    [[nodiscard]] bool contains(std::string_view name) const noexcept {
        for (const auto& entry : entries_)
            if (entry.first == name) return true;
        return false;
    }
    [[nodiscard]] double operator[](std::string_view name) const;
    [[nodiscard]] std::vector<std::string> names() const;
    [[nodiscard]] const std::vector<std::pair<std::string, double>>& entries() const noexcept { return entries_; }
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

private:
    std::vector<std::pair<std::string, double>> entries_;
};

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/logs.ipp"
#endif

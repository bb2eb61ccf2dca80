// Definitions of train/logs.hpp (see io/detail/linkage.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "../../io/error.hpp"
#include "../logs.hpp"

namespace ctnn {

CTNN_HOST_INLINE void Logs::set(std::string_view name, double value) {
    for (auto& entry : entries_)
        if (entry.first == name) {
            entry.second = value;
            return;
        }
    entries_.emplace_back(std::string(name), value);
}

CTNN_HOST_INLINE double Logs::operator[](std::string_view name) const {
    for (const auto& entry : entries_)
        if (entry.first == name) return entry.second;
    throw Error("no value named \"" + std::string(name) + "\"; there are: " + detail::list_names(names()));
}

CTNN_HOST_INLINE std::vector<std::string> Logs::names() const {
    std::vector<std::string> out;
    for (const auto& entry : entries_) out.push_back(entry.first);
    return out;
}

}  // namespace ctnn

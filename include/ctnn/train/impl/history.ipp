// Definitions of train/history.hpp (see io/detail/linkage.hpp).
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "../../io/detail/atomic_write.hpp"
#include "../../io/error.hpp"
#include "../history.hpp"

namespace ctnn {

CTNN_HOST_INLINE const std::vector<double>& History::operator[](std::string_view key) const {
    for (const auto& [name, values] : series_)
        if (name == key) return values;
    throw Error("History has no key \"" + std::string(key) + "\"; the keys are: " + detail::list_names(keys()));
}

CTNN_HOST_INLINE std::vector<std::string> History::keys() const {
    std::vector<std::string> out;
    for (const auto& entry : series_) out.push_back(entry.first);
    return out;
}

CTNN_HOST_INLINE void History::append(const Logs& logs) {
    for (const auto& [name, value] : logs.entries()) {
        bool found = false;
        for (auto& entry : series_)
            if (entry.first == name) {
                entry.second.push_back(value);
                found = true;
            }
        if (!found) series_.emplace_back(name, std::vector<double>{value});
    }
}

CTNN_HOST_INLINE void History::to_csv(const std::string& path) const {
    std::string text = "epoch";
    for (const auto& entry : series_) text += ',' + entry.first;
    text += '\n';
    char number[32];
    for (std::size_t e = 0; e < epochs(); ++e) {
        text += std::to_string(e + 1);
        for (const auto& entry : series_) {
            std::snprintf(number, sizeof number, "%.17g", entry.second[e]);
            text += ',';
            text += number;
        }
        text += '\n';
    }
    detail::write_file_atomically(path, text, "History::to_csv");
}

}  // namespace ctnn

// History: what fit() returns, as Keras' History: one value per epoch run for
// "loss", each metric by its Keras name, and the "val_" ones; best_epoch and
// stopped_epoch (0-based, -1 when not applicable) for EarlyStopping; why
// training stopped early, if it did; to_csv() for plotting.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../io/detail/atomic_write.hpp"
#include "../io/error.hpp"
#include "logs.hpp"

namespace ctnn {

class History {
public:
    int best_epoch = -1;
    int stopped_epoch = -1;
    // Empty unless training ended before its last epoch for a reason other than
    // a callback's decision: e.g. a loss that became NaN or infinite.
    std::string stop_reason;

    // The values of one key, one per epoch run.
    [[nodiscard]] const std::vector<double>& operator[](std::string_view key) const {
        for (const auto& [name, values] : series_)
            if (name == key) return values;
        throw Error("History has no key \"" + std::string(key) + "\"; the keys are: " + detail::list_names(keys()));
    }
    [[nodiscard]] bool contains(std::string_view key) const noexcept {
        for (const auto& entry : series_)
            if (entry.first == key) return true;
        return false;
    }
    [[nodiscard]] std::vector<std::string> keys() const {
        std::vector<std::string> out;
        for (const auto& entry : series_) out.push_back(entry.first);
        return out;
    }
    // The number of epochs recorded.
    [[nodiscard]] std::size_t epochs() const noexcept { return series_.empty() ? 0 : series_.front().second.size(); }

    void append(const Logs& logs) {
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

    // Writes "epoch,<key>,..." and one row per epoch (1-based epochs, as a
    // plot's x axis), with all the digits needed to read the doubles back.
    // Written atomically: a failed write keeps the old file.
    void to_csv(const std::string& path) const {
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

private:
    std::vector<std::pair<std::string, std::vector<double>>> series_;
};

}  // namespace ctnn

// History: what fit() returns, as Keras' History: one value per epoch run for
// "loss", each metric by its Keras name, and the "val_" ones; best_epoch and
// stopped_epoch (0-based, -1 when not applicable) for EarlyStopping; why
// training stopped early, if it did; to_csv() for plotting.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../io/detail/linkage.hpp"
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
    [[nodiscard]] const std::vector<double>& operator[](std::string_view key) const;
    [[nodiscard]] bool contains(std::string_view key) const noexcept {
        for (const auto& entry : series_)
            if (entry.first == key) return true;
        return false;
    }
    [[nodiscard]] std::vector<std::string> keys() const;
    // The number of epochs recorded.
    [[nodiscard]] std::size_t epochs() const noexcept { return series_.empty() ? 0 : series_.front().second.size(); }

    void append(const Logs& logs);

    // Writes "epoch,<key>,..." and one row per epoch (1-based epochs, as a
    // plot's x axis), with all the digits needed to read the doubles back.
    // Written atomically: a failed write keeps the old file.
    void to_csv(const std::string& path) const;

private:
    std::vector<std::pair<std::string, std::vector<double>>> series_;
};

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/history.ipp"
#endif

// Definitions of train/trainer.hpp (see io/detail/linkage.hpp).
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>

#include "../../io/detail/number_text.hpp"
#include "../../io/error.hpp"
#include "../history.hpp"
#include "../progress.hpp"
#include "../trainer.hpp"

namespace ctnn::detail {

CTNN_HOST_INLINE void check_fit_options(std::size_t batch_size, double validation_split) {
    if (batch_size == 0) throw Error("fit: batch_size is 0; expected at least 1");
    if (!(validation_split >= 0.0 && validation_split < 1.0))
        throw Error("fit: validation_split is " + std::to_string(validation_split) + "; expected a fraction in [0, 1)");
}

CTNN_HOST_INLINE std::size_t validation_split_at(std::size_t rows, double validation_split) {
    const auto split_at = static_cast<std::size_t>(std::floor(double(rows) * (1.0 - validation_split)));
    if (split_at == 0 || split_at == rows)
        throw Error("fit: validation_split = " + std::to_string(validation_split) + " of " + std::to_string(rows) +
                    " rows leaves " + (split_at == 0 ? "no training rows" : "no validation rows") +
                    "; expected both parts non-empty");
    return split_at;
}

CTNN_HOST_INLINE void record_stop(History& history, Progress& progress, std::size_t epoch, std::size_t epochs,
                                  std::size_t step, std::size_t steps, const std::string& what) {
    history.stop_reason = "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs) + ", step " +
                          std::to_string(step + 1) + "/" + std::to_string(steps) + ": " + what;
    progress.message("ctnn: " + history.stop_reason);
}

CTNN_HOST_INLINE void target_out_of_range(const std::string& what, std::size_t row, std::size_t column,
                                          const std::string& value, std::string_view loss, double low, double high) {
    throw Error(what + ": target row " + std::to_string(row) + ", column " + std::to_string(column) + " is " + value +
                "; " + std::string(loss) + " expects targets in [" + number_text(low) + ", " + number_text(high) +
                "]");
}

CTNN_HOST_INLINE void check_predict_sizes(std::size_t inputs, std::size_t outputs) {
    if (inputs != outputs)
        throw Error("predict: " + std::to_string(inputs) + " inputs but room for " + std::to_string(outputs) +
                    " outputs; expected the same number");
}

}  // namespace ctnn::detail

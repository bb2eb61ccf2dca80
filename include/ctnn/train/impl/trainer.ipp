// Definitions of train/trainer.hpp (see io/detail/linkage.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../../io/detail/number_text.hpp"
#include "../../io/error.hpp"
#include "../../core/random.hpp"
#include "../../data/detail/shuffle.hpp"
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

CTNN_HOST_INLINE Logs mean_logs(double loss_sum, std::span<const double> metric_sums,
                                std::span<const std::string_view> names, std::size_t seen) {
    Logs logs;
    logs.set("loss", seen ? loss_sum / double(seen) : 0.0);
    for (std::size_t i = 0; i < names.size(); ++i) logs.set(names[i], seen ? metric_sums[i] / double(seen) : 0.0);
    return logs;
}

CTNN_HOST_INLINE void run_fit(FitSteps& steps, const FitPlan& plan, History& history) {
    const std::size_t steps_per_epoch = (plan.rows + plan.batch_size - 1) / plan.batch_size;
    Rng shuffle_rng(Seed{plan.seed});
    std::vector<std::size_t> order(plan.rows);
    for (std::size_t r = 0; r < plan.rows; ++r) order[r] = r;
    std::vector<double> metric_sums(plan.metric_names.size());
    const bool live = plan.progress == &standard_error() && Progress::stderr_is_terminal();
    Progress progress(*plan.progress, plan.verbose, live);
    Logs logs;
    steps.train_begin();
    for (std::size_t epoch = 0; epoch < plan.epochs; ++epoch) {
        const int e = static_cast<int>(epoch);
        steps.epoch_begin(e);
        if (plan.shuffle) shuffle(order, shuffle_rng);
        progress.begin_epoch(e, static_cast<int>(plan.epochs), steps_per_epoch);

        double loss_sum = 0;
        std::fill(metric_sums.begin(), metric_sums.end(), 0.0);
        std::size_t seen = 0;
        steps.snapshot();
        // The rows of a step, and how many.
        const auto rows_of = [&](std::size_t step) {
            const std::size_t begin = step * plan.batch_size;
            return std::pair(order.data() + begin, std::min(plan.batch_size, plan.rows - begin));
        };
        for (std::size_t step = 0; step < steps_per_epoch; ++step) {
            const auto [rows, n] = rows_of(step);
            const auto stop = [&](const std::string& what) {
                record_stop(history, progress, epoch, plan.epochs, step, steps_per_epoch, what);
            };
            const double loss = steps.run(rows, n);
            // reject() undoes the step's state first: nothing below may leave it behind.
            if (const char* failed = steps.reject(loss)) {
                stop(std::string("the ") + failed +
                     "; training stopped, the model keeps its weights from before this step");
                break;
            }
            // A finite gradient can still overflow the weights (learning rate x
            // gradient beyond T's range). Undone by going back to the start of
            // the epoch and replaying its completed steps, which reproduces
            // them bit for bit (training is deterministic): copying the
            // weights and moments before every step would cost about as much
            // as Adam's update on every step of every fit, for a rare failure.
            if (!steps.update()) {
                steps.restore_snapshot();
                for (std::size_t done = 0; done < step; ++done) {
                    const auto [done_rows, m] = rows_of(done);
                    (void)steps.run(done_rows, m);
                    (void)steps.update();
                }
                stop("the optimizer's update made the weights non-finite (is the learning rate too large for the "
                     "gradient?); training stopped, the model keeps its weights from before this step");
                break;
            }
            loss_sum += loss * double(n);
            steps.add_metrics(n, metric_sums.data());
            seen += n;
            progress.step(step + 1, mean_logs(loss_sum, metric_sums, plan.metric_names, seen));
        }
        if (!history.stop_reason.empty()) break;

        logs = mean_logs(loss_sum, metric_sums, plan.metric_names, seen);
        steps.validate(logs);
        history.append(logs);
        progress.end_epoch(logs);
        if (steps.epoch_end(e, logs)) break;
    }
    steps.train_end(logs);
}

}  // namespace ctnn::detail

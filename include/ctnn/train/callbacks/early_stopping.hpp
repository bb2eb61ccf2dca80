// EarlyStopping: Keras 3's callback. Its fields are Keras' arguments in
// Keras' order; the run-time counters follow them.
//
// Each epoch from start_from_epoch on: wait += 1; if the monitored value
// improved (min mode: current < best - min_delta; max mode: current > best +
// min_delta) it becomes the best (its weights are kept when restoring) and
// wait = 0 (only if the baseline, when given, is beaten too); otherwise, when
// wait >= patience and the epoch is not the first, training stops after it.
// With restore_best_weights, the best epoch's parameters and state are put
// back at the end of training, also when every epoch ran (Keras 3).
// Messages (its own verbose > 0), with 1-based epochs as Keras:
//   "Epoch N: early stopping"
//   "Restoring model weights from the end of the best epoch: K."
#pragma once

#include <cstddef>
#include <iosfwd>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "../../io/detail/linkage.hpp"
#include "../callback.hpp"
#include "../logs.hpp"
#include "../progress.hpp"

namespace ctnn {

enum class Mode { automatic, min, max };

struct EarlyStopping {
    std::string monitor = "val_loss";
    double min_delta = 0.0;
    int patience = 0;
    int verbose = 0;
    Mode mode = Mode::automatic;
    std::optional<double> baseline = std::nullopt;
    bool restore_best_weights = false;
    int start_from_epoch = 0;

    // ---- run-time state (reset by on_train_begin) ----
    int wait = 0;
    int stopped_epoch = -1;  // 0-based; -1: training was not stopped early
    int best_epoch = -1;     // 0-based; -1: no epoch was considered
    double best = 0.0;
    std::vector<double> best_parameters{}, best_state{};  // the snapshot, in double (exact for float too)
    std::ostream* out = &detail::standard_error();    // where the messages go (std::cerr)

    // Whether a larger value is better: max mode, or automatic for accuracies.
    bool maximizes() const noexcept {
        if (mode != Mode::automatic) return mode == Mode::max;
        return monitor.find("acc") != std::string::npos || monitor.find("auc") != std::string::npos;
    }

    template <class T>
    void on_train_begin(TrainingContext<T>&) {
        wait = 0;
        stopped_epoch = -1;
        best_epoch = -1;
        best = maximizes() ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        best_parameters.clear();
        best_state.clear();
    }

    template <class T>
    void on_epoch_end(int epoch, const Logs& logs, TrainingContext<T>& context) {
        if (epoch < start_from_epoch) return;
        const double current = monitored(logs);
        if (restore_best_weights && best_parameters.empty()) snapshot(context);  // Keras: the first epoch considered
        ++wait;
        if (improves(current, best)) {
            best = current;
            best_epoch = epoch;
            if (restore_best_weights) snapshot(context);
            if (!baseline || improves(current, *baseline)) wait = 0;
            return;
        }
        if (wait >= patience && epoch > 0) {
            stopped_epoch = epoch;
            context.stop_training = true;
        }
    }

    template <class T>
    void on_train_end(const Logs&, TrainingContext<T>& context) {
        context.history.best_epoch = best_epoch;
        context.history.stopped_epoch = stopped_epoch;
        print_end_messages();
        if (restore_best_weights && !best_parameters.empty()) {
            for (std::size_t k = 0; k < context.parameters.size(); ++k) context.parameters[k] = T(best_parameters[k]);
            for (std::size_t k = 0; k < context.state.size(); ++k) context.state[k] = T(best_state[k]);
        }
    }

    // The monitored value in these logs; an Error naming the keys there are
    // when it is not logged.
    double monitored(const Logs& logs) const;
    // At the end of training (verbose > 0): "Epoch N: early stopping" when it
    // stopped training, and "Restoring model weights ..." when it restores them.
    void print_end_messages() const;

    bool improves(double current, double reference) const noexcept {
        return maximizes() ? current - min_delta > reference : current + min_delta < reference;
    }

    template <class T>
    void snapshot(const TrainingContext<T>& context) {
        best_parameters.assign(context.parameters.begin(), context.parameters.end());
        best_state.assign(context.state.begin(), context.state.end());
    }
};

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/early_stopping.ipp"
#endif

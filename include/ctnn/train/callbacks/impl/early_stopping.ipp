// Definitions of train/callbacks/early_stopping.hpp (see io/detail/linkage.hpp).
#pragma once

#include <ostream>
#include <string>

#include "../../../io/error.hpp"
#include "../early_stopping.hpp"

namespace ctnn {

CTNN_HOST_INLINE double EarlyStopping::monitored(const Logs& logs) const {
    if (!logs.contains(monitor))
        throw Error("EarlyStopping monitors \"" + monitor + "\", which this training does not log; the keys are: " +
                    detail::list_names(logs.names()));
    return logs[monitor];
}

CTNN_HOST_INLINE void EarlyStopping::print_end_messages() const {
    if (stopped_epoch >= 0 && verbose > 0) *out << "Epoch " << stopped_epoch + 1 << ": early stopping\n";
    if (restore_best_weights && !best_parameters.empty() && verbose > 0)
        *out << "Restoring model weights from the end of the best epoch: " << best_epoch + 1 << ".\n";
}

}  // namespace ctnn

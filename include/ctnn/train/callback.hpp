// What a callback is: any type with some of these hooks (no virtual base).
// fit() calls each hook a callback has, in the order the callbacks were given:
//
//   on_train_begin(TrainingContext<T>& context)
//   on_epoch_begin(int epoch, TrainingContext<T>& context)
//   on_epoch_end(int epoch, const Logs& logs, TrainingContext<T>& context)
//   on_train_end(const Logs& last_epoch_logs, TrainingContext<T>& context)
//
// Epochs are 0-based. The context gives the model's parameter and state blocks
// (to snapshot or restore weights), the History being built, and
// `stop_training`, which a callback sets to end training after this epoch.
//
// A hook may throw: fit lets the exception through unchanged, and since hooks
// run only between optimizer steps the model then holds the weights, state
// and optimizer moments of the last completed step. on_train_end is not
// called, so EarlyStopping does not restore its best weights (Keras neither).
// The same holds for an exception from anywhere else in fit (the progress
// stream, say), and on_train_end after a stop on a non-finite loss, gradient
// or state sees the model as it was before the failed step: fit undoes that
// step's state update before anything that could throw (train/trainer.hpp).
// A callback passed as const must have const hooks (fit checks).
#pragma once

#include <span>

#include "history.hpp"
#include "logs.hpp"

namespace ctnn {

template <class T>
struct TrainingContext {
    std::span<T> parameters;
    std::span<T> state;
    History& history;
    bool stop_training = false;
    int verbose = 0;  // fit's verbose option
};

template <class C, class T>
concept Callback = requires(C& callback, TrainingContext<T>& context) { callback.on_train_begin(context); } ||
                   requires(C& callback, TrainingContext<T>& context) { callback.on_epoch_begin(0, context); } ||
                   requires(C& callback, const Logs& logs, TrainingContext<T>& context) {
                       callback.on_epoch_end(0, logs, context);
                   } ||
                   requires(C& callback, const Logs& logs, TrainingContext<T>& context) {
                       callback.on_train_end(logs, context);
                   };

namespace detail {
template <class C, class T>
void call_train_begin(C& c, TrainingContext<T>& context) {
    if constexpr (requires { c.on_train_begin(context); }) c.on_train_begin(context);
}
template <class C, class T>
void call_epoch_begin(C& c, int epoch, TrainingContext<T>& context) {
    if constexpr (requires { c.on_epoch_begin(epoch, context); }) c.on_epoch_begin(epoch, context);
}
template <class C, class T>
void call_epoch_end(C& c, int epoch, const Logs& logs, TrainingContext<T>& context) {
    if constexpr (requires { c.on_epoch_end(epoch, logs, context); }) c.on_epoch_end(epoch, logs, context);
}
template <class C, class T>
void call_train_end(C& c, const Logs& logs, TrainingContext<T>& context) {
    if constexpr (requires { c.on_train_end(logs, context); }) c.on_train_end(logs, context);
}
}  // namespace detail

}  // namespace ctnn

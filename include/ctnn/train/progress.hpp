// Keras-style progress output for fit(verbose = 1), on stderr:
//
//   Epoch 3/10
//   12/12 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - binary_accuracy: 0.8125 - loss: 0.4387 - val_binary_accuracy: ...
//
// A live bar (redrawn with \r after each step) on a terminal, one line per
// epoch when redirected. Metrics in alphabetical order, then the val_ ones;
// values as %.4f, or %.4e when their magnitude is at most 1e-3 (Keras 3).
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>

#include "../io/detail/linkage.hpp"
#include "logs.hpp"

namespace ctnn {

namespace detail {

// std::cerr, where progress and callbacks' messages go by default.
std::ostream& standard_error() noexcept;

std::string format_value(double value);

// "loss: 0.6931 - val_loss: 0.6910": plain names sorted, then the val_ ones sorted.
std::string format_logs(const Logs& logs);

std::string format_step_time(double seconds_per_step);

}  // namespace detail

class Progress {
public:
    // verbose 0: silent. live: redraw the bar at each step (a terminal).
    Progress(std::ostream& out, int verbose, bool live) : out_(out), verbose_(verbose), live_(live) {}

    static bool stderr_is_terminal() noexcept;

    void begin_epoch(int epoch, int epochs, std::size_t steps);
    void step(std::size_t done, const Logs& running);
    void end_epoch(const Logs& logs);
    void message(const std::string& text);

private:
    std::string line(std::size_t done, const Logs& logs) const;

    std::ostream& out_;
    int verbose_;
    bool live_;
    std::size_t steps_ = 0;
    long long start_ = 0;  // when the epoch began: std::chrono::steady_clock's ticks since its epoch
};

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/progress.ipp"
#endif

// Keras-style progress output for fit(verbose = 1), on stderr:
//
//   Epoch 3/10
//   12/12 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - binary_accuracy: 0.8125 - loss: 0.4387 - val_binary_accuracy: ...
//
// A live bar (redrawn with \r after each step) on a terminal, one line per
// epoch when redirected. Metrics in alphabetical order, then the val_ ones;
// values as %.4f, or %.4e when their magnitude is at most 1e-3 (Keras 3).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include <unistd.h>

#include "logs.hpp"

namespace ctnn {

namespace detail {

inline std::string format_value(double value) {
    char text[32];
    std::snprintf(text, sizeof text, std::abs(value) > 1e-3 ? "%.4f" : "%.4e", value);
    return text;
}

// "loss: 0.6931 - val_loss: 0.6910": plain names sorted, then the val_ ones sorted.
inline std::string format_logs(const Logs& logs) {
    std::vector<std::string> plain, validation;
    for (const auto& name : logs.names()) (name.rfind("val_", 0) == 0 ? validation : plain).push_back(name);
    std::sort(plain.begin(), plain.end());
    std::sort(validation.begin(), validation.end());
    std::string out;
    for (const auto* group : {&plain, &validation})
        for (const auto& name : *group) out += " - " + name + ": " + format_value(logs[name]);
    return out;
}

inline std::string format_step_time(double seconds_per_step) {
    char text[32];
    if (seconds_per_step >= 1)
        std::snprintf(text, sizeof text, "%.0fs/step", seconds_per_step);
    else if (seconds_per_step >= 1e-3)
        std::snprintf(text, sizeof text, "%.0fms/step", seconds_per_step * 1e3);
    else
        std::snprintf(text, sizeof text, "%.0fus/step", seconds_per_step * 1e6);
    return text;
}

}  // namespace detail

class Progress {
public:
    // verbose 0: silent. live: redraw the bar at each step (a terminal).
    Progress(std::ostream& out, int verbose, bool live) : out_(out), verbose_(verbose), live_(live) {}

    static bool stderr_is_terminal() noexcept { return ::isatty(STDERR_FILENO) == 1; }

    void begin_epoch(int epoch, int epochs, std::size_t steps) {
        if (verbose_ <= 0) return;
        steps_ = steps;
        start_ = std::chrono::steady_clock::now();
        out_ << "Epoch " << epoch + 1 << '/' << epochs << '\n' << std::flush;
    }
    void step(std::size_t done, const Logs& running) {
        if (verbose_ <= 0 || !live_) return;
        out_ << '\r' << line(done, running) << "\x1b[K" << std::flush;
    }
    void end_epoch(const Logs& logs) {
        if (verbose_ <= 0) return;
        out_ << (live_ ? "\r" : "") << line(steps_, logs) << (live_ ? "\x1b[K" : "") << '\n' << std::flush;
    }
    void message(const std::string& text) {
        if (verbose_ > 0) out_ << text << '\n' << std::flush;
    }

private:
    std::string line(std::size_t done, const Logs& logs) const {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        const std::size_t width = 20, filled = steps_ ? done * width / steps_ : width;
        std::string bar;
        for (std::size_t k = 0; k < width; ++k) bar += k < filled ? "\u2501" : " ";
        return std::to_string(done) + '/' + std::to_string(steps_) + ' ' + bar + ' ' +
               std::to_string(static_cast<long>(elapsed)) + "s " +
               detail::format_step_time(done ? elapsed / double(done) : 0.0) + detail::format_logs(logs);
    }

    std::ostream& out_;
    int verbose_;
    bool live_;
    std::size_t steps_ = 0;
    std::chrono::steady_clock::time_point start_{};
};

}  // namespace ctnn

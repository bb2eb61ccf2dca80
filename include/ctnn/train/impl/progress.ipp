// Definitions of train/progress.hpp (see io/detail/linkage.hpp).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <ostream>
#include <string>
#include <vector>

#include <unistd.h>

#include "../progress.hpp"

namespace ctnn {

namespace detail {

CTNN_HOST_INLINE std::ostream& standard_error() noexcept { return std::cerr; }

CTNN_HOST_INLINE std::string format_value(double value) {
    char text[32];
    std::snprintf(text, sizeof text, std::abs(value) > 1e-3 ? "%.4f" : "%.4e", value);
    return text;
}

CTNN_HOST_INLINE std::string format_logs(const Logs& logs) {
    std::vector<std::string> plain, validation;
    for (const auto& name : logs.names()) (name.rfind("val_", 0) == 0 ? validation : plain).push_back(name);
    std::sort(plain.begin(), plain.end());
    std::sort(validation.begin(), validation.end());
    std::string out;
    for (const auto* group : {&plain, &validation})
        for (const auto& name : *group) out += " - " + name + ": " + format_value(logs[name]);
    return out;
}

CTNN_HOST_INLINE std::string format_step_time(double seconds_per_step) {
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

CTNN_HOST_INLINE bool Progress::stderr_is_terminal() noexcept { return ::isatty(STDERR_FILENO) == 1; }

CTNN_HOST_INLINE void Progress::begin_epoch(int epoch, int epochs, std::size_t steps) {
    if (verbose_ <= 0) return;
    steps_ = steps;
    start_ = std::chrono::steady_clock::now().time_since_epoch().count();
    out_ << "Epoch " << epoch + 1 << '/' << epochs << '\n' << std::flush;
}

CTNN_HOST_INLINE void Progress::step(std::size_t done, const Logs& running) {
    if (verbose_ <= 0 || !live_) return;
    out_ << '\r' << line(done, running) << "\x1b[K" << std::flush;
}

CTNN_HOST_INLINE void Progress::end_epoch(const Logs& logs) {
    if (verbose_ <= 0) return;
    out_ << (live_ ? "\r" : "") << line(steps_, logs) << (live_ ? "\x1b[K" : "") << '\n' << std::flush;
}

CTNN_HOST_INLINE void Progress::message(const std::string& text) {
    if (verbose_ > 0) out_ << text << '\n' << std::flush;
}

CTNN_HOST_INLINE std::string Progress::line(std::size_t done, const Logs& logs) const {
    using clock = std::chrono::steady_clock;
    const clock::time_point start{clock::duration(static_cast<clock::rep>(start_))};
    const double elapsed = std::chrono::duration<double>(clock::now() - start).count();
    const std::size_t width = 20, filled = steps_ ? done * width / steps_ : width;
    std::string bar;
    for (std::size_t k = 0; k < width; ++k) bar += k < filled ? "\u2501" : " ";
    return std::to_string(done) + '/' + std::to_string(steps_) + ' ' + bar + ' ' +
           std::to_string(static_cast<long>(elapsed)) + "s " +
           detail::format_step_time(done ? elapsed / double(done) : 0.0) + detail::format_logs(logs);
}

}  // namespace ctnn

// Definitions of io/summary.hpp (see io/detail/linkage.hpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../summary.hpp"

namespace ctnn::detail {

// Keras' readable_memory_size: bytes in B, KB, MB, GB with two decimals.
CTNN_HOST_INLINE std::string readable_bytes(double bytes) {
    const char* units[] = {"B", "KB", "MB", "GB"};
    int unit = 0;
    while (bytes >= 1024.0 && unit < 3) {
        bytes /= 1024.0;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.2f %s", bytes, units[unit]);
    return text;
}

CTNN_HOST_INLINE void print_summary(std::ostream& os, std::string_view model_name, std::span<const SummaryRow> rows,
                                    std::size_t parameter_count, std::size_t state_count, std::size_t bytes) {
    std::size_t w0 = std::string("Layer (type)").size(), w1 = std::string("Output Shape").size(),
                w2 = std::string("Param #").size();
    for (const SummaryRow& r : rows) {
        w0 = std::max(w0, r.layer.size());
        w1 = std::max(w1, r.shape.size());
        w2 = std::max(w2, r.params.size());
    }
    w0 += 2, w1 += 2, w2 += 2;
    auto pad = [](const std::string& s, std::size_t w, bool right) {
        const std::string fill(w - s.size(), ' ');
        return right ? fill + s : s + fill;
    };
    auto line = [&](char c) {
        os << std::string(w0 + w1 + w2 + 2, c) << '\n';
    };
    auto row = [&](const std::string& a, const std::string& b, const std::string& c) {
        os << pad(a, w0, false) << ' ' << pad(b, w1, false) << ' ' << pad(c, w2, true) << '\n';
    };
    os << "Model: \"" << model_name << "\"\n";
    line('_');
    row("Layer (type)", "Output Shape", "Param #");
    line('=');
    for (std::size_t k = 0; k < rows.size(); ++k) {
        row(rows[k].layer, rows[k].shape, rows[k].params);
        line(k + 1 == rows.size() ? '=' : '_');
    }
    const std::size_t total = parameter_count + state_count;
    os << "Total params: " << total << " (" << readable_bytes(double(total * bytes)) << ")\n"
       << "Trainable params: " << parameter_count << " ("
       << readable_bytes(double(parameter_count * bytes)) << ")\n"
       << "Non-trainable params: " << state_count << " ("
       << readable_bytes(double(state_count * bytes)) << ")\n";
    line('_');
}

CTNN_HOST_INLINE std::ostream& standard_output() noexcept { return std::cout; }

}  // namespace ctnn::detail

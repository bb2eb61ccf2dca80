// summary(model, os): a Keras-style table of a model's layers, output shapes
// and parameter counts, with the totals. Host only (iostream).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "detail/static_for.hpp"

namespace ctnn {

namespace detail {

// Keras' readable_memory_size: bytes in B, KB, MB, GB with two decimals.
inline std::string readable_bytes(double bytes) {
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

// Keras' automatic layer names: "dense", "dense_1", "activation", ...
inline std::string snake_case(std::string_view kind) {
    std::string out;
    for (std::size_t i = 0; i < kind.size(); ++i) {
        const char c = kind[i];
        if (c >= 'A' && c <= 'Z') {
            if (i > 0 && !(kind[i - 1] >= 'A' && kind[i - 1] <= 'Z')) out += '_';
            out += static_cast<char>(c - 'A' + 'a');
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace detail

template <class Model>
void summary(const Model& model, std::ostream& os) {
    (void)model;
    struct Row {
        std::string layer, shape, params;
    };
    std::vector<Row> rows;
    std::map<std::string, int> seen;
    detail::static_for<Model::layer_count>([&](auto i) {
        using L = typename Model::template layer_type<i>;
        const std::string kind(L::kind.view());
        const std::string base = detail::snake_case(kind);
        const int n = seen[base]++;
        rows.push_back({(n == 0 ? base : base + "_" + std::to_string(n)) + " (" + kind + ")",
                        "(None, " + std::to_string(L::output_size) + ")",
                        std::to_string(L::parameter_count + L::state_count)});
    });
    std::size_t w0 = std::string("Layer (type)").size(), w1 = std::string("Output Shape").size(),
                w2 = std::string("Param #").size();
    for (const Row& r : rows) {
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
    const std::size_t bytes = sizeof(typename Model::value_type);
    os << "Model: \"" << Model::name.view() << "\"\n";
    line('_');
    row("Layer (type)", "Output Shape", "Param #");
    line('=');
    for (std::size_t k = 0; k < rows.size(); ++k) {
        row(rows[k].layer, rows[k].shape, rows[k].params);
        line(k + 1 == rows.size() ? '=' : '_');
    }
    const std::size_t total = Model::parameter_count + Model::state_count;
    os << "Total params: " << total << " (" << detail::readable_bytes(double(total * bytes)) << ")\n"
       << "Trainable params: " << Model::parameter_count << " ("
       << detail::readable_bytes(double(Model::parameter_count * bytes)) << ")\n"
       << "Non-trainable params: " << Model::state_count << " ("
       << detail::readable_bytes(double(Model::state_count * bytes)) << ")\n";
    line('_');
}

}  // namespace ctnn

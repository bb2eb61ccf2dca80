// summary(model, os): a Keras-style table of a model's layers, output shapes
// (Keras' "(None, 8, 4)") and parameter counts, with the totals. Host only (iostream).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "../core/detail/static_for.hpp"
#include "weight_names.hpp"

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

}  // namespace detail

template <class Model>
void summary(const Model& model, std::ostream& os) {
    (void)model;
    struct Row {
        std::string layer, shape, params;
    };
    std::vector<Row> rows;
    const std::vector<std::string> names = layer_names<Model>();
    detail::static_for<Model::layer_count>([&](auto i) {
        using L = typename Model::template layer_type<i>;
        rows.push_back({names[i] + " (" + std::string(L::kind.view()) + ")",
                        std::string(Model::template layer_output_shape<i>::keras_spelling.view()),
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

// Definitions of io/weight_names.hpp (see io/detail/linkage.hpp).
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../weight_names.hpp"

namespace ctnn::detail {

// Keras' automatic layer names: "dense", "dense_1", "batch_normalization",
// "conv1d", "max_pooling2d", "re_lu". Keras' to_snake_case puts "_" before a
// capital that follows a lowercase letter or starts a capitalized word
// ("Pooling"), so a digit and a capital stay together ("Conv1D": "conv1d").
CTNN_HOST_INLINE std::string snake_case(std::string_view kind) {
    const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
    std::string out;
    for (std::size_t i = 0; i < kind.size(); ++i) {
        const char c = kind[i];
        if (c >= 'A' && c <= 'Z') {
            if (i > 0 && (lower(kind[i - 1]) || (i + 1 < kind.size() && lower(kind[i + 1])))) out += '_';
            out += static_cast<char>(c - 'A' + 'a');
        } else {
            out += c;
        }
    }
    return out;
}

CTNN_HOST_INLINE std::vector<std::string> keras_layer_names(std::span<const std::string_view> kinds) {
    std::vector<std::string> names;
    std::map<std::string, int> seen;
    for (const std::string_view kind : kinds) {
        const std::string base = snake_case(kind);
        const int n = seen[base]++;
        names.push_back(n == 0 ? base : base + "_" + std::to_string(n));
    }
    return names;
}

CTNN_HOST_INLINE std::string keras_weight_name(const std::string& layer, const WeightTensor& weight) {
    std::string shape;
    for (std::size_t d = 0; d < weight.rank; ++d) shape += (d ? ", " : "") + std::to_string(weight.shape[d]);
    return layer + "/" + std::string(weight.name) + " (" + shape + ")";
}

}  // namespace ctnn::detail

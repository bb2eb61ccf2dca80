// Keras' names for a model's layers ("dense", "dense_1") and weight tensors
// ("dense/kernel (33, 4)"), from the layers' kinds and manifests
// (core/weights.hpp): what summary prints and load's messages list. Host only.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "../core/detail/static_for.hpp"
#include "../core/weights.hpp"

namespace ctnn {

namespace detail {

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

// Keras' layer names of a model's layers, in order: "dense", "dense_1", ...
template <class Model>
std::vector<std::string> layer_names() {
    std::vector<std::string> names;
    std::map<std::string, int> seen;
    detail::static_for<Model::layer_count>([&](auto i) {
        const std::string base = detail::snake_case(Model::template layer_type<i>::kind.view());
        const int n = seen[base]++;
        names.push_back(n == 0 ? base : base + "_" + std::to_string(n));
    });
    return names;
}

// Every weight tensor of a model, from the layers' manifests (core/weights.hpp),
// in Keras' model.weights order, named as Keras names them:
// "dense/kernel (33, 4)", "batch_normalization/moving_mean (4)", ...
template <class Model>
std::vector<std::string> weight_names() {
    const std::vector<std::string> layers = layer_names<Model>();
    std::vector<std::string> names;
    detail::static_for<Model::layer_count>([&](auto i) {
        for (const WeightTensor& w : detail::weights_of<typename Model::template layer_type<i>>()) {
            std::string shape;
            for (std::size_t d = 0; d < w.rank; ++d) shape += (d ? ", " : "") + std::to_string(w.shape[d]);
            names.push_back(layers[i] + "/" + std::string(w.name) + " (" + shape + ")");
        }
    });
    return names;
}

}  // namespace ctnn

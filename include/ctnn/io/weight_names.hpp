// Keras' names for a model's layers ("dense", "dense_1") and weight tensors
// ("dense/kernel (33, 4)"), from the layers' kinds and manifests
// (core/weights.hpp): what summary prints and load's messages list. Host only.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../core/detail/static_for.hpp"
#include "../core/weights.hpp"
#include "detail/linkage.hpp"

namespace ctnn {

namespace detail {

// Keras' automatic layer names: "dense", "dense_1", "activation", ...
std::string snake_case(std::string_view kind);

// The layer names of layers of these kinds ("Dense", "Dense", ...), in order:
// "dense", "dense_1", ...
std::vector<std::string> keras_layer_names(std::span<const std::string_view> kinds);

// A weight tensor's name as Keras gives it: "dense/kernel (33, 4)".
std::string keras_weight_name(const std::string& layer, const WeightTensor& weight);

}  // namespace detail

// Keras' layer names of a model's layers, in order: "dense", "dense_1", ...
template <class Model>
std::vector<std::string> layer_names() {
    std::array<std::string_view, Model::layer_count> kinds{};
    detail::static_for<Model::layer_count>([&](auto i) { kinds[i] = Model::template layer_type<i>::kind.view(); });
    return detail::keras_layer_names(kinds);
}

// Every weight tensor of a model, from the layers' manifests (core/weights.hpp),
// in Keras' model.weights order, named as Keras names them:
// "dense/kernel (33, 4)", "batch_normalization/moving_mean (4)", ...
template <class Model>
std::vector<std::string> weight_names() {
    const std::vector<std::string> layers = layer_names<Model>();
    std::vector<std::string> names;
    detail::static_for<Model::layer_count>([&](auto i) {
        for (const WeightTensor& w : detail::weights_of<typename Model::template layer_type<i>>())
            names.push_back(detail::keras_weight_name(layers[i], w));
    });
    return names;
}

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/weight_names.ipp"
#endif

// summary(model, os) and summary(model) (to standard output): a Keras-style
// table of a model's layers, output shapes (Keras' "(None, 8, 4)") and
// parameter counts, with the totals. Host only.
#pragma once

#include <array>
#include <cstddef>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../core/detail/static_for.hpp"
#include "detail/linkage.hpp"
#include "weight_names.hpp"

namespace ctnn {

namespace detail {

// Keras' readable_memory_size: bytes in B, KB, MB, GB with two decimals.
std::string readable_bytes(double bytes);

// One row of summary's table.
struct SummaryRow {
    std::string layer, shape, params;
};

// summary's table of a model named `model_name` with these rows, its
// parameter and state counts and `bytes` per number.
void print_summary(std::ostream& os, std::string_view model_name, std::span<const SummaryRow> rows,
                   std::size_t parameter_count, std::size_t state_count, std::size_t bytes);

// std::cout, from the .ipp, so that this header needs no <iostream>.
std::ostream& standard_output() noexcept;

}  // namespace detail

template <class Model>
void summary(const Model& model, std::ostream& os) {
    (void)model;
    std::array<detail::SummaryRow, Model::layer_count> rows;
    const std::vector<std::string> names = layer_names<Model>();
    detail::static_for<Model::layer_count>([&](auto i) {
        using L = typename Model::template layer_type<i>;
        rows[i] = {names[i] + " (" + std::string(L::kind.view()) + ")",
                   std::string(Model::template layer_output_shape<i>::keras_spelling.view()),
                   std::to_string(L::parameter_count + L::state_count)};
    });
    detail::print_summary(os, Model::name.view(), rows, Model::parameter_count, Model::state_count,
                          sizeof(typename Model::value_type));
}

// To standard output, as Keras' model.summary() prints.
template <class Model>
void summary(const Model& model) {
    summary(model, detail::standard_output());
}

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/summary.ipp"
#endif

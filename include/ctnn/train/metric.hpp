// What a metric is: an aggregate of its options with a Keras `name` (the
// History key: "binary_accuracy") and `value(p, y, n)`, its per-sample value
// in double; an epoch's metric is the sample-weighted mean (total / count), as
// Keras'. Every loss is a metric too (Loss::value is its per-sample loss).
#pragma once

#include <concepts>
#include <cstddef>

namespace ctnn {

template <class M>
concept Metric = requires(const M& metric, const float* pf, const double* pd) {
    M::name;
    { metric.value(pf, pf, std::size_t{1}) } -> std::same_as<double>;
    { metric.value(pd, pd, std::size_t{1}) } -> std::same_as<double>;
};

}  // namespace ctnn

// What a loss is (Keras' semantics, shared/KERAS.md). A loss is an aggregate
// of its options with:
// - `name`: its Keras name ("binary_crossentropy"), the History key when it
//   serves as a metric;
// - `value(p, y, n)`: the per-sample loss of n outputs p against targets y, in
//   double; the batch loss is the mean of the per-sample losses;
// - `gradient(p, y, g, n, scale)`: g = scale * d value / d p (the trainer
//   passes scale = 1 / batch size);
// - optionally `fused_gradient<Act>(p, y, g, n, scale)` with
//   `fuses_with<Act> == true`: g = scale * d value / d z where p = Act(z),
//   simpler and better conditioned than going through p (sigmoid + binary
//   cross-entropy: p - y). The trainer uses it when the model ends in Act.
// - optionally `target_range`, a TargetRange: the targets the loss is defined
//   for. fit and evaluate reject any other target with an Error, since the
//   loss would silently train toward a meaningless optimum (the
//   cross-entropies: labels and probabilities in [0, 1]; Keras does not check).
// Every loss can also serve as a metric (see train/metric.hpp).
#pragma once

#include <concepts>
#include <cstddef>

namespace ctnn {

template <class L>
concept Loss = requires(const L& loss, const float* pf, float* gf, const double* pd, double* gd) {
    L::name;
    { loss.value(pf, pf, std::size_t{1}) } -> std::same_as<double>;
    { loss.value(pd, pd, std::size_t{1}) } -> std::same_as<double>;
    loss.gradient(pf, pf, gf, std::size_t{1}, 1.0f);
    loss.gradient(pd, pd, gd, std::size_t{1}, 1.0);
};

struct TargetRange {
    double low, high;
};

// Whether loss L declares the targets it is defined for.
template <class L>
concept BoundedTargets = requires {
    { L::target_range } -> std::convertible_to<TargetRange>;
};

// Whether loss L has a fused gradient through activation Act.
template <class L, class Act>
concept FusedLoss = requires { requires L::template fuses_with<Act>; };

// The minimum of a probability, as Keras' backend epsilon, for the cross-entropies.
inline constexpr double probability_epsilon = 1e-7;

}  // namespace ctnn

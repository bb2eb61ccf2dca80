// What an optimizer is. An optimizer is an aggregate of its options (Keras'
// names, order and defaults) with:
// - `State<T>`: what it keeps between steps (moments, the iteration count),
//   made by `make_state<T>(n)` for n parameters and owned by the trainer;
// - `step(w, g, state)`: one update of all n parameters w from their
//   gradients g, as one loop over the model's flat block (the compiler
//   vectorizes it), allocation-free.
#pragma once

#include <concepts>
#include <cstddef>
#include <span>

namespace ctnn {

template <class O, class T>
concept Optimizer = requires(const O& optimizer, typename O::template State<T>& state, std::span<T> w,
                             std::span<const T> g) {
    { optimizer.template make_state<T>(std::size_t{1}) } -> std::same_as<typename O::template State<T>>;
    optimizer.step(w, g, state);
};

}  // namespace ctnn

// What an optimizer is. An optimizer is an aggregate of its options (Keras'
// names, order and defaults) with:
// - `State<T>`: what it keeps between steps (moments, the iteration count),
//   made by `make_state<T>(n)` for n parameters and owned by the trainer;
// - `step(w, g, state)`: one update of all n parameters w from their
//   gradients g, as one loop over the model's flat block (the compiler
//   vectorizes it), allocation-free;
// - optionally `check()`: throws Error for options outside their range;
//   compile() calls it, so a bad option fails before any training.
#pragma once

#include <concepts>
#include <cstddef>
#include <span>

#include "../io/detail/linkage.hpp"

namespace ctnn {

namespace detail {
// Throws "compile: SGD's momentum is 1.5; expected a number in [0, 1]" unless ok.
void check_option(const char* optimizer, const char* option, double value, bool ok, const char* expected);
}  // namespace detail

template <class O, class T>
concept Optimizer = requires(const O& optimizer, typename O::template State<T>& state, std::span<T> w,
                             std::span<const T> g) {
    { optimizer.template make_state<T>(std::size_t{1}) } -> std::same_as<typename O::template State<T>>;
    optimizer.step(w, g, state);
};

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/optimizer.ipp"
#endif

// Works out and checks the widths of a Sequential's layers at compile time.
// A fixed-shape layer states its widths; a shape-preserving one takes the
// width before it, or at the front of the model the input width of the first
// fixed-shape layer after it. Each broken rule fails one static_assert whose
// template arguments carry the numbers (C++20 messages cannot hold them), e.g.
// shape_mismatch<1, 5, 4>: layer 1 takes 5 inputs, the layer before gives 4.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "../activation.hpp"
#include "../layer.hpp"

namespace ctnn::detail {

// Instantiated for every fixed-shape layer after the first; compilers print
// its name, so the numbers reach the user.
template <std::size_t Position, std::size_t Inputs, std::size_t GivenByPreviousLayer>
struct shape_mismatch {
    static_assert(Inputs == GivenByPreviousLayer,
                  "ctnn::Sequential: a layer's input width differs from the output width of the "
                  "layer before it. shape_mismatch<position, inputs, given> names the layer (0-based) "
                  "and both widths; make each Dense's In equal the previous layer's Out.");
    static constexpr bool value = Inputs == GivenByPreviousLayer;
};

// Instantiated for a layer that applies a vector activation (Softmax) to a
// single value: softmax(x) is 1 whatever x, so such a model cannot learn.
template <std::size_t Position>
struct softmax_over_one_value {
    static_assert(Position != Position,
                  "ctnn::Sequential: a layer applies Softmax to a single value, which is always 1. "
                  "softmax_over_one_value<position> names the layer (0-based); for one output (binary "
                  "classification) use Sigmoid with BinaryCrossentropy, or give the layer one output per class.");
};

// A check that passed; Tag keeps the bases of shape_checks distinct.
template <std::size_t Position, int Tag>
struct check_passed {};

template <class L>
constexpr bool has_vector_activation() noexcept {
    if constexpr (requires { typename L::activation; }) return VectorActivation<typename L::activation>;
    else return false;
}

template <class L>
constexpr std::size_t stated_input_size() noexcept {
    if constexpr (FixedShapeLayer<L>) return L::input_size; else return 0;
}
template <class L>
constexpr std::size_t stated_output_size() noexcept {
    if constexpr (FixedShapeLayer<L>) return L::output_size; else return 0;
}

template <class... Layers>
struct shapes {
    static constexpr std::size_t count = sizeof...(Layers);
    static constexpr std::array<bool, count> fixed{FixedShapeLayer<Layers>...};
    static constexpr std::array<std::size_t, count> stated_inputs{stated_input_size<Layers>()...};
    static constexpr std::array<std::size_t, count> stated_outputs{stated_output_size<Layers>()...};
    static constexpr std::array<bool, count> vector_activated{has_vector_activation<Layers>()...};

    // The model's input width: that of the first fixed-shape layer (0: none).
    static constexpr std::size_t model_input = [] {
        for (std::size_t i = 0; i < count; ++i)
            if (fixed[i]) return stated_inputs[i];
        return std::size_t{0};
    }();

    // inputs[i]: the width flowing into layer i; inputs[count]: the model's output width.
    static constexpr std::array<std::size_t, count + 1> inputs = [] {
        std::array<std::size_t, count + 1> widths{};
        widths[0] = model_input;
        for (std::size_t i = 0; i < count; ++i) widths[i + 1] = fixed[i] ? stated_outputs[i] : widths[i];
        return widths;
    }();

    // The check for layer I: a shape_mismatch for fixed-shape layers after the first.
    template <std::size_t I>
    using check = std::conditional_t<(I > 0 && fixed[I]), shape_mismatch<I, stated_inputs[I], inputs[I]>,
                                     check_passed<I, 0>>;
    // And a softmax_over_one_value for a vector activation on one output.
    template <std::size_t I>
    using activation_check = std::conditional_t<(vector_activated[I] && inputs[I + 1] == 1),
                                                softmax_over_one_value<I>, check_passed<I, 1>>;
};

}  // namespace ctnn::detail

namespace ctnn::detail {

// A model derives from this so that every check is instantiated exactly once
// and a broken rule gives one error, not a cascade.
template <class Shapes, class Indices>
struct shape_checks;
template <class Shapes, std::size_t... I>
struct shape_checks<Shapes, std::index_sequence<I...>> : Shapes::template check<I>...,
                                                       Shapes::template activation_check<I>... {};

}  // namespace ctnn::detail

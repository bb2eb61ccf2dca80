// Works out and checks the shapes of a Sequential's layers at compile time
// (core/shape.hpp). The input shape is the Input<...> that opens the model, or else
// the vector of the first fixed-shape layer's width. Then each layer gives the
// next shape: a fixed-shape layer (Dense) acts on the last axis and replaces
// it, a shape-preserving one keeps the shape, a shape-seeing one (Flatten,
// Reshape) computes it. Each broken rule fails one static_assert whose
// template arguments carry the numbers (C++20 messages cannot hold them), e.g.
// shape_mismatch<1, 5, 4>: layer 1 takes 5 inputs, the layer before gives 4.
// Every shape is well defined even after a broken rule, so one bad layer gives
// one error and nothing cascades.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "../activation.hpp"
#include "../layer.hpp"
#include "../shape.hpp"
#include "per_row.hpp"

namespace ctnn::detail {

// Instantiated for a fixed-shape layer whose input width is not the width of
// the last axis of its input (of the model's input, or of what the layer
// before it gives); compilers print its name, so the numbers reach the user.
template <std::size_t Position, std::size_t Inputs, std::size_t LastAxis>
struct shape_mismatch {
    static_assert(Inputs == LastAxis,
                  "ctnn::Sequential: a layer's input width differs from the width of the last axis of its "
                  "input. shape_mismatch<position, inputs, last_axis> names the layer (0-based), its input "
                  "width and the last axis' width (a vector's whole width); make each Dense's In equal the "
                  "previous layer's Out, or the last axis of the model's Input<...>.");
};

// The same for the common case of a Dense meant for a whole (rows, ..., channels)
// input: its In is the flattened size, but a Dense acts on the last axis
// alone (Keras' Dense too), so it needs a Flatten before it.
template <std::size_t Position, std::size_t Inputs, std::size_t LastAxis>
struct dense_needs_flatten {
    static_assert(Inputs == LastAxis,
                  "ctnn::Sequential: a Dense acts on the last axis of its input, whose width is last_axis in "
                  "dense_needs_flatten<position, inputs, last_axis> (position: the layer, 0-based); its "
                  "inputs equal the flattened input's size: put a ctnn::Flatten before it.");
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

// Instantiated for a shape-seeing layer (Flatten, Reshape) at the front of a
// model without Input<...>: nothing says what shape it sees.
template <std::size_t Position>
struct first_layer_needs_input {
    static_assert(Position != Position,
                  "ctnn::Sequential: the first layer that is not shape-preserving reshapes its input "
                  "(Flatten, Reshape), and the model does not say what shape that input has. "
                  "first_layer_needs_input<position> names the layer (0-based); open the model with "
                  "ctnn::Input<D...>, e.g. Sequential<Input<28, 28, 1>, Flatten, ...>.");
};

// Whether a shape-seeing layer rules out input shape S (core/layer.hpp, ShapedLayer).
template <class L, class S>
constexpr bool rejects() noexcept {
    if constexpr (requires { L::template accepts<S>; }) return !L::template accepts<S>;
    else return false;
}

// The report of a layer that is fine.
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

// The first layer that is not shape-preserving (count when there is none).
template <class... Layers>
constexpr std::size_t first_sized_layer() noexcept {
    constexpr bool preserving[] = {(!FixedShapeLayer<Layers> && !ShapedLayer<Layers>)..., false};
    std::size_t i = 0;
    while (i < sizeof...(Layers) && preserving[i]) ++i;
    return i;
}

// The input shape when no Input<...> opens the model: a vector of the width
// of the first layer that is not shape-preserving, when it is fixed-shape
// (Shape<1> otherwise: first_layer_needs_input or Sequential reports it).
template <class... Layers>
struct vector_input {
    static constexpr std::size_t width = [] {
        constexpr std::size_t widths[] = {stated_input_size<Layers>()..., 0};
        const std::size_t w = widths[first_sized_layer<Layers...>()];
        return w == 0 ? 1 : w;
    }();
    using type = Shape<width>;
};

// The shape a layer gives for input shape S.
template <class S, class L>
constexpr auto next_shape() noexcept {
    if constexpr (ShapedLayer<L>) return std::type_identity<typename L::template output_shape<S>>{};
    else if constexpr (FixedShapeLayer<L>)  // (a Dense<In, 0> reports itself; its output is then one value)
        return std::type_identity<typename with_channels<S, (L::output_size > 0 ? L::output_size : 1)>::type>{};
    else return std::type_identity<S>{};
}

// shape_list<S0, ..., Sn>: the shape flowing into each layer, then the output.
template <class... S>
struct shape_list {};
template <class Current, class Done, class... Layers>
struct fold_shapes;
template <class Current, class... Done>
struct fold_shapes<Current, shape_list<Done...>> {
    using type = shape_list<Done..., Current>;
};
template <class Current, class... Done, class L, class... Rest>
struct fold_shapes<Current, shape_list<Done...>, L, Rest...>
    : fold_shapes<typename decltype(next_shape<Current, L>())::type, shape_list<Done..., Current>, Rest...> {};

// How description L is bound for input shape S (core/layer.hpp): a shape-seeing
// layer with S, an elementwise one with all of S's values, a last-axis one with
// the last axis, on each row (per_row) when S has more than one.
template <class T, class L, class S>
constexpr auto bind_for() noexcept {
    if constexpr (ShapedLayer<L>) return std::type_identity<typename L::template bind<T, S>>{};
    else if constexpr (ElementwiseLayer<L> || S::rank == 1) return std::type_identity<typename L::template bind<T, S::size>>{};
    else return std::type_identity<per_row<typename L::template bind<T, S::channels>, S::rows>>{};
}

template <class In, class... Layers>
struct layer_shapes {
    static constexpr std::size_t count = sizeof...(Layers);
    static constexpr bool has_input = !std::is_void_v<In>;
    using input_shape = std::conditional_t<has_input, In, typename vector_input<Layers...>::type>;

    static constexpr auto descriptions = boost::hana::tuple_t<Layers...>;
    static constexpr auto all_shapes = [] {
        return []<class... S>(shape_list<S...>) {
            return boost::hana::tuple_t<S...>;
        }(typename fold_shapes<input_shape, shape_list<>, Layers...>::type{});
    }();

    // Layer I's description, the shape flowing into it (shape<count>: the
    // model's output), and the layer bound for T.
    template <std::size_t I>
    using layer = typename decltype(+boost::hana::at_c<I>(descriptions))::type;
    template <std::size_t I>
    using shape = typename decltype(+boost::hana::at_c<I>(all_shapes))::type;
    template <class T, std::size_t I>
    using bound = typename decltype(bind_for<T, layer<I>, shape<I>>())::type;

    // sizes[i]: the values flowing into layer i; sizes[count]: the output's.
    static constexpr auto sizes = []<std::size_t... I>(std::index_sequence<I...>) {
        return std::array<std::size_t, count + 1>{shape<I>::size...};
    }(std::make_index_sequence<count + 1>{});

    static constexpr std::array<bool, count> vector_activated{has_vector_activation<Layers>()...};
    static constexpr std::size_t first_sized = first_sized_layer<Layers...>();

    // The report for layer I, as a type tag (check_passed when it is fine):
    // the last axis of its input against a fixed-shape layer's input width
    // (dense_needs_flatten when the width is the whole input's size); a
    // shape-seeing layer that opens a model without Input; a shape-seeing
    // layer's own rule (`accepts<In>`, reported by its `check<I, In>`); a
    // vector activation (Softmax) over a last axis of one value.
    template <std::size_t I>
    static constexpr auto report_of() noexcept {
        using L = layer<I>;
        if constexpr (stated_input_size<L>() != 0 && stated_input_size<L>() != shape<I>::channels &&
                      shape<I>::rank > 1 && stated_input_size<L>() == shape<I>::size)
            return std::type_identity<dense_needs_flatten<I, stated_input_size<L>(), shape<I>::channels>>{};
        else if constexpr (stated_input_size<L>() != 0 && stated_input_size<L>() != shape<I>::channels)
            return std::type_identity<shape_mismatch<I, stated_input_size<L>(), shape<I>::channels>>{};
        else if constexpr (ShapedLayer<L> && !has_input && I == first_sized)
            return std::type_identity<first_layer_needs_input<I>>{};
        else if constexpr (rejects<L, shape<I>>())
            return std::type_identity<typename L::template check<I, shape<I>>>{};
        else if constexpr (vector_activated[I] && shape<I + 1>::channels == 1)
            return std::type_identity<softmax_over_one_value<I>>{};
        else
            return std::type_identity<check_passed>{};
    }
    // The first layer's report that is not check_passed: shape inference stops
    // there, so one bad layer gives one error (what comes after it may be
    // wrong only because of it).
    template <std::size_t I>
    static constexpr auto first_report_from() noexcept {
        if constexpr (I == count) return std::type_identity<check_passed>{};
        else if constexpr (!std::is_same_v<typename decltype(report_of<I>())::type, check_passed>) return report_of<I>();
        else return first_report_from<I + 1>();
    }
    using first_report = typename decltype(first_report_from<0>())::type;
};

// A model's shapes from its type's arguments, an Input<...> first or not.
template <class... Layers>
struct shapes : layer_shapes<void, Layers...> {};
template <std::size_t... D, class... Layers>
struct shapes<Input<D...>, Layers...> : layer_shapes<Shape<D...>, Layers...> {};

}  // namespace ctnn::detail

namespace ctnn::detail {

// A model derives from this: its first failing check (shapes::first_report),
// instantiated once, so a broken rule gives one error, not a cascade.
template <class Shapes>
struct shape_checks : Shapes::first_report {};

}  // namespace ctnn::detail

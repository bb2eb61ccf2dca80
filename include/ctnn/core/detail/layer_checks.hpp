// The layer concepts (core/layer.hpp) checked for each layer of a model, with the
// layer's position and the first missing member in the name of the one type
// that fails, e.g. layer_has_no_backward<1> (C++20 messages cannot hold
// numbers; compilers print the type). Sequential checks that every layer can
// run; compile() that every layer can be trained.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "../layer.hpp"

namespace ctnn::detail {

#define CTNN_LAYER_REPORT(NAME, TEXT)                                                         \
    template <std::size_t Layer>                                                              \
    struct NAME {                                                                             \
        static_assert(Layer != Layer, TEXT " " #NAME "<layer> names the layer (0-based).");   \
    };
CTNN_LAYER_REPORT(layer_has_no_sizes, "ctnn::Sequential: a layer cannot run: it has no input_size, output_size, "
                                      "parameter_count or state_count (core/layer.hpp, InferenceLayer).")
CTNN_LAYER_REPORT(layer_has_no_name, "ctnn::Sequential: a layer cannot run: it has no name or kind "
                                     "(detail::fixed_string; core/layer.hpp, InferenceLayer).")
CTNN_LAYER_REPORT(layer_has_no_initialize, "ctnn::Sequential: a layer cannot run: it has no "
                                           "initialize(params, state, rng) (core/layer.hpp, InferenceLayer).")
CTNN_LAYER_REPORT(layer_has_no_forward, "ctnn::Sequential: a layer cannot run: it has no "
                                        "forward(params, state, x, y) (core/layer.hpp, InferenceLayer).")
CTNN_LAYER_REPORT(layer_has_no_forward_train, "ctnn::compile: a layer cannot be trained: it has no scratch_per_sample "
                                              "or forward_train(params, state, x, y, scratch, n, rng) (core/layer.hpp, "
                                              "TrainableLayer).")
CTNN_LAYER_REPORT(layer_has_no_backward, "ctnn::compile: a layer cannot be trained: it has no backward<FromLogits>("
                                         "params, state, x, y, scratch, dy, dx, dparams, n) (core/layer.hpp, "
                                         "TrainableLayer).")
#undef CTNN_LAYER_REPORT

struct layer_ok {};

// The report for layer I of type L that cannot run, as a type tag (layer_ok
// when it can). The tags are not instantiated here: a failed static_assert
// inside a constant expression would make clang reject the expression too.
template <std::size_t I, class L, class T>
constexpr auto inference_report() noexcept {
    if constexpr (!InferenceCounts<L, T>) return std::type_identity<layer_has_no_sizes<I>>{};
    else if constexpr (!NamedLayer<L, T>) return std::type_identity<layer_has_no_name<I>>{};
    else if constexpr (!InitializedLayer<L, T>) return std::type_identity<layer_has_no_initialize<I>>{};
    else if constexpr (!ForwardLayer<L, T>) return std::type_identity<layer_has_no_forward<I>>{};
    else return std::type_identity<layer_ok>{};
}
template <std::size_t I, class L, class T>
constexpr auto training_report() noexcept {
    if constexpr (!ForwardTrainLayer<L, T>) return std::type_identity<layer_has_no_forward_train<I>>{};
    else if constexpr (!BackwardLayer<L, T>) return std::type_identity<layer_has_no_backward<I>>{};
    else return std::type_identity<layer_ok>{};
}

// The report of the first layer (bound, in order from position I) that
// cannot run or be trained, or layer_ok. Instantiating it is the one error.
template <class T, std::size_t I, class L, class... Rest>
constexpr auto first_inference_report() noexcept {
    if constexpr (!InferenceLayer<L, T> || sizeof...(Rest) == 0) return inference_report<I, L, T>();
    else return first_inference_report<T, I + 1, Rest...>();
}
template <class T, std::size_t I, class L, class... Rest>
constexpr auto first_training_report() noexcept {
    if constexpr (!TrainableLayer<L, T> || sizeof...(Rest) == 0) return training_report<I, L, T>();
    else return first_training_report<T, I + 1, Rest...>();
}

// A Sequential derives from this: the report of its first layer that cannot
// run, instantiated once (as shape_checks does for the widths).
template <class T, class Shapes, class Indices>
struct inference_checks;
template <class T, class Shapes, std::size_t... I>
struct inference_checks<T, Shapes, std::index_sequence<I...>>
    : decltype(first_inference_report<T, 0, typename Shapes::template bound<T, I>...>())::type {};
template <class T, class Shapes>
struct inference_checks<T, Shapes, std::index_sequence<>> {};  // no layers: Sequential says so

// A layer's parameter_count and state_count, 0 where it has none (after
// its report), so that the model's offsets add no errors of their own.
template <class L>
constexpr std::size_t parameter_count_of() noexcept {
    if constexpr (requires { L::parameter_count; }) return L::parameter_count;
    else return 0;
}
template <class L>
constexpr std::size_t state_count_of() noexcept {
    if constexpr (requires { L::state_count; }) return L::state_count;
    else return 0;
}

template <class L, class T>
constexpr std::size_t stream_state_count_of() noexcept {
    if constexpr (StreamingLayer<L, T>) return L::stream_state_count;
    else return 0;
}

// Whether every layer of a model can be trained, and the report when not.
template <class Model>
constexpr bool model_trains() noexcept {
    return []<std::size_t... I>(std::index_sequence<I...>) {
        return (TrainableLayer<typename Model::template layer_type<I>, typename Model::value_type> && ...);
    }(std::make_index_sequence<Model::layer_count>{});
}
template <class Model, std::size_t... I>
constexpr auto training_report_for(std::index_sequence<I...>) noexcept {
    return first_training_report<typename Model::value_type, 0, typename Model::template layer_type<I>...>();
}
template <class Model>
using training_report_of =
    typename decltype(training_report_for<Model>(std::make_index_sequence<Model::layer_count>{}))::type;

}  // namespace ctnn::detail

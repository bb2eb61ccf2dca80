// What a layer is, in the style of dlib's layers_abstract.h: the concepts
// below, each with what it requires and what it ensures; tests/conformance.cpp
// checks every layer against them.
//
// A layer *description* is what users write in a model's type: `Dense<33, 4,
// ReLU>`, `Activation<Tanh>`, `Flatten`. It is an empty type and holds no
// numbers. It is fixed-shape (`input_size`, `output_size`: it acts on the last
// axis), shape-preserving (`shape_preserving = true`; optionally `elementwise
// = true`), or shape-seeing (`sees_shape = true`, ShapedLayer below).
// Sequential works the shapes out (core/detail/shapes.hpp) and binds each
// description for a scalar type T: `L::bind<T, Width>` for the last axis
// (once per row of a rank-N input, core/detail/per_row.hpp) or all the values
// (elementwise), `L::bind<T, Shape>` for a shape-seeing layer.
//
// A bound layer is stateless: the model owns every number, and the layer sees
// its slices of the model's blocks (parameters, state, and a Stream's
// per-stream state) as pointers, in canonical (Keras get_weights) order. It
// also has `weights` (its manifest, core/weights.hpp), `view(params, state)` (the
// user's typed access, for P = T or const T), optionally `activation` (what a
// loss may fuse with: backward<true> then takes dL/d(pre-activation)), and
// optionally the lane-order batch functions (LanesLayer and below: feature f of
// sample s at f * lanes + s, core/detail/transpose.hpp).
#pragma once

#include <concepts>
#include <cstddef>

namespace ctnn {

class Rng;

// ---- A bound layer, as concepts -------------------------------------------
// The model asserts InferenceLayer for each of its bound layers, and compile()
// TrainableLayer, each naming the first layer and the first member that is
// missing (core/detail/layer_checks.hpp: "layer_has_no_backward<1>"), so a user's
// layer gets that one error at the user's line.
//
// InferenceLayer<L, T> (L = Description::bind<T, Width>):
//   requires: input_size, output_size, parameter_count (trainable),
//             state_count (non-trainable), compile-time constants; name (its
//             C++ spelling, "ctnn::Dense<33, 4, ctnn::ReLU>") and kind (Keras'
//             class name, "Dense"), fixed_strings; initialize(params, state,
//             rng); forward(params, state, x, y), noexcept.
//   ensures:  initialize writes Keras' initial values, drawing from rng in a
//             fixed order; forward reads input_size values of x and its slices
//             of the blocks (and up to max_lanes - 1 values past them, within
//             the blocks' padding), writes output_size values of y (and
//             scratch up to padded_size(output_size)); allocates nothing, calls
//             nothing virtual, keeps nothing.
template <class L, class T>
concept InferenceCounts = requires {
    { L::input_size } -> std::convertible_to<std::size_t>;
    { L::output_size } -> std::convertible_to<std::size_t>;
    { L::parameter_count } -> std::convertible_to<std::size_t>;
    { L::state_count } -> std::convertible_to<std::size_t>;
};
template <class L, class T>
concept NamedLayer = requires {
    L::name.view();
    L::kind.view();
};
template <class L, class T>
concept InitializedLayer = requires(T* p, Rng& rng) { L::initialize(p, p, rng); };
template <class L, class T>
concept ForwardLayer = requires(const T* in, T* out) { L::forward(in, in, in, out); };
template <class L, class T>
concept InferenceLayer = InferenceCounts<L, T> && NamedLayer<L, T> && InitializedLayer<L, T> && ForwardLayer<L, T>;

// TrainableLayer<L, T>: an InferenceLayer that also has
//   requires: scratch_per_sample; forward_train(params, state, x, y, scratch,
//             n, rng) over n samples row after row; backward<FromLogits>(
//             params, state, x, y, scratch, dy, dx, dparams, n).
//   ensures:  forward_train is the training-mode pass (it may update state,
//             BatchNormalization's moving statistics, and draw from rng,
//             Dropout's masks) and keeps scratch_per_sample values per sample
//             for backward; backward takes dy = dL/dy (dL/d(pre-activation)
//             when FromLogits), writes dL/dparams to dparams (the layout of
//             params) and, unless dx is null, dL/dx; it may overwrite dy;
//             buffers may be read and written up to max_lanes values past their
//             ends (the trainer pads them).
// A layer may also keep scratch_per_call values (optional; none when it does
// not say) once per forward_train call, whatever n: the first values of its
// scratch, before the samples' (a Winograd convolution's transformed kernels,
// made once per call and shared by its samples). scratch_size<L>(n) is what
// a pass of n samples needs.
template <class L>
constexpr std::size_t scratch_size(std::size_t n) noexcept {
    std::size_t per_call = 0;
    if constexpr (requires { L::scratch_per_call; }) per_call = L::scratch_per_call;
    return per_call + n * L::scratch_per_sample;
}

template <class L, class T>
concept ForwardTrainLayer = requires(const T* in, T* out, Rng& rng, std::size_t n) {
    { L::scratch_per_sample } -> std::convertible_to<std::size_t>;
    L::forward_train(in, out, in, out, out, n, rng);
};
template <class L, class T>
concept BackwardLayer = requires(const T* in, T* out, std::size_t n) {
    L::template backward<false>(in, in, in, in, in, out, out, out, n);
};
template <class L, class T>
concept TrainableLayer = InferenceLayer<L, T> && ForwardTrainLayer<L, T> && BackwardLayer<L, T>;

// StreamingLayer<L, T>: a layer with per-stream state (the recurrent issue's
// layers), a third storage kind beside parameters and state that lives in the
// caller's Model::Stream, not in the model:
//   requires: stream_state_count; step(params, state, stream, x, y), noexcept.
//   ensures:  step reads one time step x and its stream slice, writes y and
//             the updated stream slice; the model's blocks are only read.
// A layer without stream state steps with its forward pass (a rank-1 model's
// step is its forward pass).
template <class L, class T>
concept StreamingLayer = requires(const T* in, T* out) {
    { L::stream_state_count } -> std::convertible_to<std::size_t>;
    L::step(in, in, out, in, out);
};

// ---- A layer description ---------------------------------------------------
template <class L>
concept FixedShapeLayer = requires {
    { L::input_size } -> std::convertible_to<std::size_t>;
    { L::output_size } -> std::convertible_to<std::size_t>;
};

template <class L>
concept ShapePreservingLayer = requires {
    requires L::shape_preserving;
};

// A layer that sees its whole input shape (core/shape.hpp) and computes its own:
// `template <class In> using output_shape`, bound as bind<T, In> with In a
// Shape (Flatten, Reshape), and optionally `template <class In> accepts`, a
// bool, with `template <std::size_t Position, class In> check`, a type whose
// instantiation reports (static_assert) an input shape it does not accept.
template <class L>
concept ShapedLayer = requires { requires L::sees_shape; };

// A shape-preserving layer that acts on each value alone (Dropout, an
// elementwise Activation): bound with all of a rank-N input's values at once
// rather than once per row of the last axis.
template <class L>
concept ElementwiseLayer = ShapePreservingLayer<L> && requires { requires L::elementwise; };

template <class L>
concept LayerDescription = FixedShapeLayer<L> || ShapePreservingLayer<L> || ShapedLayer<L>;

// A concrete layer whose inference output is its input, unchanged (Flatten,
// Reshape, Dropout): `passes_through = true`. A model does not run it in a
// single-sample inference: the next layer reads its input (only a last
// layer, which fills the output, copies).
template <class L>
concept PassThroughLayer = requires { requires L::passes_through; };

// A concrete layer that can run a tile of samples in lane order.
template <class L>
concept LanesLayer = requires(const typename L::value_type* in, typename L::value_type* out) {
    L::forward_lanes(in, in, in, out);
};

// A lanes layer whose tiles use constants that depend only on its weights
// (the normalizations' per-feature scales): `lanes_constant_count` values
// that `prepare_lanes(params, state, constants)` computes, and
// `forward_lanes(params, state, constants, x, y)`. A batch prepares them once
// for all its tiles instead of once per tile.
template <class L>
concept PreparedLanesLayer = LanesLayer<L> && requires(const typename L::value_type* in, typename L::value_type* out) {
    { L::lanes_constant_count } -> std::convertible_to<std::size_t>;
    L::prepare_lanes(in, in, out);
    L::forward_lanes(in, in, in, in, out);
};

// A prepared lanes layer that acts on each feature alone (Normalization):
// `forward_feature_lanes(params, state, constants, i, v)` is its output for
// feature i's vector v of a tile. A model that starts with one applies it as
// the tile moves into lane order (detail::rows_to_lanes), in registers,
// instead of in a pass of its own.
template <class L>
concept FeatureLanesLayer =
    PreparedLanesLayer<L> && requires(const typename L::value_type* in, typename L::value_type v) {
        { L::forward_feature_lanes(in, in, in, std::size_t{}, v) } -> std::same_as<typename L::value_type>;
    };

}  // namespace ctnn

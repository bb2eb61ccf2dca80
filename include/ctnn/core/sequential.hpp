// BasicSequential<T, Layers...>: a model whose topology, widths and activations
// are its type. It owns exactly two blocks of numbers, the trainable parameters
// and the non-trainable state, each contiguous, aligned, in Keras' get_weights()
// order; its layers are stateless types that see their slices at compile-time
// offsets. Gradients, optimizer moments and activation buffers belong to the
// trainer. Inference is noexcept, allocates nothing, and is safe to call
// concurrently on a const model.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/plus.hpp>
#include <boost/hana/scan_left.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "config.hpp"
#include "detail/block.hpp"
#include "detail/fixed_string.hpp"
#include "detail/layer_checks.hpp"
#include "detail/shapes.hpp"
#include "detail/simd.hpp"
#include "detail/static_for.hpp"
#include "detail/transpose.hpp"
#include "kernels/dense.hpp"
#include "layer.hpp"
#include "random.hpp"
#include "shape.hpp"

namespace ctnn {

namespace detail {

// Prefix sums of the layers' sizes: offsets[I] is where layer I's slice starts.
template <std::size_t... Sizes>
constexpr auto offsets_of = boost::hana::scan_left(boost::hana::make_tuple(boost::hana::size_c<Sizes>...),
                                                   boost::hana::size_c<0>, boost::hana::plus);

template <class T>
constexpr auto scalar_spelling() noexcept {
    if constexpr (std::is_same_v<T, float>) return fixed_string("float");
    else return fixed_string("double");
}

// The function that runs a model's single-sample forward pass (tests check
// that it is one function on a 64-byte boundary, see CTNN_FORWARD_PASS).
struct forward_pass_access {
    template <class Model>
    static constexpr auto of() noexcept {
        return &Model::forward_sample;
    }
};

}  // namespace detail

// The scalar types a model computes in: the kernels, the SIMD vocabulary and
// the file format know float and double only. A constraint rather than a
// static_assert in the class, so that BasicSequential<long double, ...> is one
// short error ("'long double' does not satisfy 'FloatOrDouble'") instead of a
// static_assert followed by every failure it does not stop inside xsimd.
template <class T>
concept FloatOrDouble = std::is_same_v<T, float> || std::is_same_v<T, double>;

namespace detail {
// A call with the wrong number of input values names both numbers in the
// first line g++ and clang++ print ("In instantiation of 'struct
// ctnn::detail::model_takes_inputs<2>::given<3>'", clang: "... requirement
// '3UL == 2UL'"), where a deleted overload said only "use of deleted function".
template <std::size_t Takes>
struct model_takes_inputs {
    template <std::size_t Given>
    struct given {
        static_assert(Given == Takes,
                      "ctnn::Sequential: the model was given the wrong number of input values: the "
                      "requirement 'given == takes' (clang) or model_takes_inputs<takes>::given<given> (g++) "
                      "shows the number of values passed and the model's input_size. Pass a std::array<T, "
                      "input_size>, a std::span<const T, input_size> or a braced list of input_size values.");
        static constexpr bool value = Given == Takes;
    };
};
}  // namespace detail

// Layers... may start with an Input<D...> (core/shape.hpp), which declares the
// input shape and is not a layer: layer<0> is the one after it.
template <FloatOrDouble T, class... Layers>
class BasicSequential
    : private detail::shape_checks<detail::shapes<Layers...>>,
      private detail::inference_checks<T, detail::shapes<Layers...>,
                                       std::make_index_sequence<detail::shapes<Layers...>::count>> {
    using shapes = detail::shapes<Layers...>;
    static_assert(shapes::count > 0, "ctnn::Sequential needs at least one layer.");
    static_assert((... && (LayerDescription<Layers> || detail::is_input<Layers>::value)),
                  "ctnn::Sequential<Layers...>: each layer must be a layer type such as "
                  "ctnn::Dense<In, Out, Activation> or ctnn::Activation<F>.");
    static_assert(((detail::is_input<Layers>::value ? 1 : 0) + ... + 0) == (shapes::has_input ? 1 : 0),
                  "ctnn::Sequential: ctnn::Input<D...> may only open a model, as its first argument.");
    static_assert(shapes::count == 0 || shapes::has_input || (FixedShapeLayer<Layers> || ...),
                  "ctnn::Sequential: every layer is shape-preserving, so no width can be inferred; "
                  "put a layer with a fixed width (such as Dense<In, Out>) in the model, or open it with "
                  "ctnn::Input<D...>.");

public:
    using value_type = T;
    template <std::size_t I>
    using layer_type = typename shapes::template bound<T, I>;

    static constexpr std::size_t layer_count = shapes::count;

private:
    // Every layer can run (core/layer.hpp, InferenceLayer); otherwise one error that
    // names the first that cannot and what it lacks (layer_has_no_forward<1>,
    // the base detail::inference_checks), and nothing below instantiates what
    // is missing.
    static constexpr bool layers_run = []<std::size_t... I>(std::index_sequence<I...>) {
        return (InferenceLayer<layer_type<I>, T> && ...);
    }(std::make_index_sequence<layer_count>{});

public:
    // The shapes of a sample (core/shape.hpp) and their numbers of values, the
    // lengths of the flat arrays the model takes and gives.
    using input_shape = typename shapes::input_shape;
    using output_shape = typename shapes::template shape<layer_count>;
    template <std::size_t I>
    using layer_output_shape = typename shapes::template shape<I + 1>;
    static constexpr std::size_t input_size = input_shape::size;
    static constexpr std::size_t output_size = output_shape::size;

private:
    template <std::size_t... I>
    static constexpr auto parameter_offsets_(std::index_sequence<I...>) {
        return detail::offsets_of<detail::parameter_count_of<layer_type<I>>()...>;
    }
    template <std::size_t... I>
    static constexpr auto state_offsets_(std::index_sequence<I...>) {
        return detail::offsets_of<detail::state_count_of<layer_type<I>>()...>;
    }
    template <std::size_t... I>
    static constexpr auto stream_offsets_(std::index_sequence<I...>) {
        return detail::offsets_of<detail::stream_state_count_of<layer_type<I>, T>()...>;
    }
    static constexpr auto parameter_offsets = parameter_offsets_(std::make_index_sequence<layer_count>{});
    static constexpr auto state_offsets = state_offsets_(std::make_index_sequence<layer_count>{});
    static constexpr auto stream_offsets = stream_offsets_(std::make_index_sequence<layer_count>{});
    // The widest of the model's input, its layers' widths and its output.
    static constexpr std::size_t widest_width = std::ranges::max(shapes::sizes);

public:
    // Where layer I's slice of each block starts.
    template <std::size_t I>
    static constexpr std::size_t parameter_offset = decltype(+boost::hana::at_c<I>(parameter_offsets))::value;
    template <std::size_t I>
    static constexpr std::size_t state_offset = decltype(+boost::hana::at_c<I>(state_offsets))::value;

    template <std::size_t I>
    static constexpr std::size_t stream_offset = decltype(+boost::hana::at_c<I>(stream_offsets))::value;

    static constexpr std::size_t parameter_count = parameter_offset<layer_count>;
    static constexpr std::size_t state_count = state_offset<layer_count>;
    // Per-stream state (core/layer.hpp, StreamingLayer): none for the layers of today.
    static constexpr std::size_t stream_state_count = stream_offset<layer_count>;

    // Layer I's slice of a block in the model's layout (its own blocks, or a
    // gradient, a copy or a Stream of the same size); null for an empty block.
    // The one place for the offset arithmetic: the model, the training pass
    // and step use it.
    template <std::size_t I, class P>
    static constexpr P* parameter_slice(P* block) noexcept {
        return parameter_count ? block + parameter_offset<I> : nullptr;
    }
    template <std::size_t I, class P>
    static constexpr P* state_slice(P* block) noexcept {
        return state_count ? block + state_offset<I> : nullptr;
    }
    template <std::size_t I, class P>
    static constexpr P* stream_slice(P* block) noexcept {
        return stream_state_count ? block + stream_offset<I> : nullptr;
    }

    // The model's C++ spelling, e.g. "ctnn::Sequential<ctnn::Dense<4, 1, ctnn::Linear>>".
    static constexpr auto name = [] {
        if constexpr (sizeof...(Layers) == 0) {
            return detail::fixed_string("ctnn::Sequential<>");
        } else if constexpr (std::is_same_v<T, float>) {
            return "ctnn::Sequential<" + detail::join_with_commas<Layers::name...>() + ">";
        } else {
            return "ctnn::BasicSequential<" + detail::scalar_spelling<T>() + ", " +
                   detail::join_with_commas<Layers::name...>() + ">";
        }
    }();

    // Keras' initial values (Glorot uniform kernels, zero biases) from seed 0.
    BasicSequential() noexcept : BasicSequential(Seed{}) {}

    // Keras' initial values drawn from the library's own generator: the same
    // seed gives the same weights on every platform and standard library.
    explicit BasicSequential(Seed seed) noexcept : parameters_{}, state_{} {
        Rng rng(seed);
        if constexpr (layers_run)
            detail::static_for<layer_count>([&](auto i) {
                layer_type<i>::initialize(parameter_data<i>(), state_data<i>(), rng);
            });
    }

    // A model with the given weights, usable in constant expressions, so that
    // `constexpr Model m(params, state);` keeps the whole model in flash.
    constexpr BasicSequential(const std::array<T, parameter_count>& parameters,
                              const std::array<T, state_count>& state = {}) noexcept
        : parameters_{parameters}, state_{state} {}

    // ---- weights -------------------------------------------------------------
    constexpr std::span<T, parameter_count> parameters() noexcept { return span_of<parameter_count>(parameters_); }
    constexpr std::span<const T, parameter_count> parameters() const noexcept { return span_of<parameter_count>(parameters_); }
    constexpr std::span<T, state_count> state() noexcept { return span_of<state_count>(state_); }
    constexpr std::span<const T, state_count> state() const noexcept { return span_of<state_count>(state_); }

    // Typed access to layer I's weights: `model.layer<0>().kernel()(i, j)`.
    template <std::size_t I>
    constexpr auto layer() noexcept {
        static_assert(I < layer_count, "ctnn::Sequential::layer<I>(): I is past the last layer.");
        return layer_type<I>::template view<T>(parameter_data<I>(), state_data<I>());
    }
    template <std::size_t I>
    constexpr auto layer() const noexcept {
        static_assert(I < layer_count, "ctnn::Sequential::layer<I>(): I is past the last layer.");
        return layer_type<I>::template view<const T>(parameter_data<I>(), state_data<I>());
    }

    // ---- inference -----------------------------------------------------------
    // The activations of one single-sample inference: inference_buffer_count
    // buffers (2, or 1 for two layers, 0 for one) of inference_buffer_size
    // values, the widest layer output before the last, padded for the kernels.
    static constexpr std::size_t inference_buffer_size = [] {
        std::size_t widest = 1;
        for (std::size_t i = 1; i + 1 < shapes::sizes.size(); ++i) widest = std::max(widest, shapes::sizes[i]);
        return kernels::padded_size<T>(widest);
    }();
    static constexpr std::size_t inference_buffer_count = layer_count > 2 ? 2 : layer_count - 1;

    // Where a single-sample inference keeps activation i (0 the model's
    // input, i + 1 layer i's output), so that layer i reads activation i and
    // writes activation i + 1: in_x (the caller's x), in_output (work's
    // output buffer, the last layer's), or ping-pong buffer 0 or 1. A
    // PassThroughLayer before the last is not run: its output is its input's
    // buffer. The others alternate between the two buffers, so a layer never
    // writes the buffer it reads. (Flatten and Dropout copied 13 KB per image
    // of the Fashion-MNIST CNN, 3.6% of its inference time.)
    static constexpr std::size_t in_x = 2, in_output = 3;
    static constexpr auto activation_buffer = [] {
        std::array<std::size_t, layer_count + 1> where{in_x};
        detail::static_for<layer_count>([&](auto i) {
            if constexpr (i + 1 == layer_count) where[i + 1] = in_output;
            else if constexpr (PassThroughLayer<layer_type<i>>) where[i + 1] = where[i];
            else where[i + 1] = where[i] == 0 ? 1 : 0;
        });
        return where;
    }();

    // The bytes one single-sample inference (operator(), predict, step) works
    // in: the padded output buffer the last layer writes, then the
    // inference_buffer_count ping-pong buffers, each starting on
    // simd::block_alignment<T>, plus block_alignment - 1 bytes of slack so
    // that a std::span<std::byte, workspace_bytes> at any address holds them
    // once aligned. By default they are on the stack; a caller whose stack
    // is too small for them (a CNN's tens of KB of activations on a
    // microcontroller) passes a Workspace, or bytes of its own, instead.
    static constexpr std::size_t workspace_values =
        kernels::padded_size<T>(output_size) + inference_buffer_count * inference_buffer_size;
    static constexpr std::size_t workspace_bytes = workspace_values * sizeof(T) + simd::block_alignment<T> - 1;

    // A caller-owned workspace, e.g. in a static arena:
    // `static Model::Workspace arena; auto y = model(x, arena);`. Its contents
    // between calls mean nothing; one workspace serves one call at a time.
    struct Workspace {
        alignas(simd::block_alignment<T>) std::byte bytes[workspace_bytes];
    };

    [[nodiscard]] std::array<T, output_size> operator()(std::span<const T, input_size> x) const noexcept {
        alignas(simd::block_alignment<T>) T work[workspace_values];
        forward_sample(*this, x.data(), work);
        return first_values<output_size>(work);
    }
    [[nodiscard]] std::array<T, output_size> operator()(const std::array<T, input_size>& x) const noexcept {
        return (*this)(std::span<const T, input_size>(x));
    }
    // The same pass (the same function, so the same values to the bit) in the
    // caller's bytes. Exactly workspace_bytes of them, so a too-small buffer
    // does not compile (a dynamic-extent span would make it a run-time
    // precondition in noexcept code); a larger arena passes
    // `arena.subspan<0, Model::workspace_bytes>()`.
    [[nodiscard]] std::array<T, output_size> operator()(std::span<const T, input_size> x,
                                                        std::span<std::byte, workspace_bytes> workspace) const noexcept {
        return infer(x.data(), workspace_data(workspace));
    }
    [[nodiscard]] std::array<T, output_size> operator()(const std::array<T, input_size>& x,
                                                        std::span<std::byte, workspace_bytes> workspace) const noexcept {
        return (*this)(std::span<const T, input_size>(x), workspace);
    }
    [[nodiscard]] std::array<T, output_size> operator()(std::span<const T, input_size> x,
                                                        Workspace& workspace) const noexcept {
        return (*this)(x, std::span<std::byte, workspace_bytes>(workspace.bytes));
    }
    [[nodiscard]] std::array<T, output_size> operator()(const std::array<T, input_size>& x,
                                                        Workspace& workspace) const noexcept {
        return (*this)(std::span<const T, input_size>(x), workspace);
    }
    // A braced list, array or span of another length does not compile and
    // says why (detail::model_takes_inputs), rather than zero-filling missing
    // values or listing every candidate overload.
    template <std::size_t N>
        requires(N == input_size)
    [[nodiscard]] std::array<T, output_size> operator()(const T (&x)[N]) const noexcept {
        return (*this)(std::span<const T, input_size>(x));
    }
    template <std::size_t N>
        requires(N != input_size)
    std::array<T, output_size> operator()(const T (&)[N]) const noexcept {
        (void)detail::model_takes_inputs<input_size>::template given<N>::value;  // fails, naming both
        return {};
    }
    template <std::size_t N>
        requires(N != input_size)
    std::array<T, output_size> operator()(const std::array<T, N>&) const noexcept {
        (void)detail::model_takes_inputs<input_size>::template given<N>::value;  // fails, naming both
        return {};
    }
    template <std::size_t N>
        requires(N != input_size && N != std::dynamic_extent)
    std::array<T, output_size> operator()(std::span<const T, N>) const noexcept {
        (void)detail::model_takes_inputs<input_size>::template given<N>::value;  // fails, naming both
        return {};
    }

    [[nodiscard]] std::array<T, output_size> predict(std::span<const T, input_size> x) const noexcept { return (*this)(x); }
    [[nodiscard]] std::array<T, output_size> predict(const std::array<T, input_size>& x) const noexcept { return (*this)(x); }
    [[nodiscard]] std::array<T, output_size> predict(std::span<const T, input_size> x,
                                                     std::span<std::byte, workspace_bytes> workspace) const noexcept {
        return (*this)(x, workspace);
    }
    [[nodiscard]] std::array<T, output_size> predict(const std::array<T, input_size>& x,
                                                     std::span<std::byte, workspace_bytes> workspace) const noexcept {
        return (*this)(x, workspace);
    }
    [[nodiscard]] std::array<T, output_size> predict(std::span<const T, input_size> x,
                                                     Workspace& workspace) const noexcept {
        return (*this)(x, workspace);
    }
    [[nodiscard]] std::array<T, output_size> predict(const std::array<T, input_size>& x,
                                                     Workspace& workspace) const noexcept {
        return (*this)(x, workspace);
    }
    template <std::size_t N>
        requires(N == input_size)
    [[nodiscard]] std::array<T, output_size> predict(const T (&x)[N]) const noexcept {
        return (*this)(x);
    }
    template <std::size_t N>
        requires(N != input_size)
    std::array<T, output_size> predict(const T (&x)[N]) const noexcept {
        return (*this)(x);
    }
    template <std::size_t N>
        requires(N != input_size)
    std::array<T, output_size> predict(const std::array<T, N>& x) const noexcept {
        return (*this)(x);
    }

    // Batches run max_lanes samples at a time in lane order (core/layer.hpp) when
    // every layer can, and the vectors have several lanes, and no layer is
    // wider than 64 features: wider layers fill the lanes one sample at a time
    // already, and the tile buffers (widest x lanes values) stay small.
    static constexpr bool batch_in_lanes = [] {
        bool all = true;
        detail::static_for<layer_count>([&](auto i) { all = all && LanesLayer<layer_type<i>>; });
        return all && simd::max_lanes<T> > 1 && widest_width <= 64;
    }();

    // The first layer of a tile that runs as a pass of its own: 1 when layer 0
    // acts on each feature alone (Normalization) and so runs inside the
    // transpose into lane order (FeatureLanesLayer), else 0.
    static constexpr std::size_t first_tile_layer = FeatureLanesLayer<layer_type<0>> ? 1 : 0;

    // Batch inference: ys[k] = model(xs[k]). Requires xs.size() == ys.size()
    // (checked in debug builds; the host-side trainer.predict checks and throws).
    void predict(std::span<const std::array<T, input_size>> xs,
                 std::span<std::array<T, output_size>> ys) const noexcept {
        CTNN_ASSERT(xs.size() == ys.size(), "ctnn::Sequential::predict: xs and ys differ in length");
        std::size_t k = 0;
        if constexpr (batch_in_lanes) {
            // Rows of consecutive std::arrays are read and written as one array of T.
            static_assert(sizeof(std::array<T, input_size>) == input_size * sizeof(T) &&
                          sizeof(std::array<T, output_size>) == output_size * sizeof(T));
            constexpr std::size_t L = simd::max_lanes<T>;
            // Constants that depend only on the weights, once for all tiles.
            alignas(simd::block_alignment<T>) T constants[lanes_constant_offsets.back() + 1]{};
            detail::static_for<layer_count>([&](auto i) {
                if constexpr (PreparedLanesLayer<layer_type<i>>)
                    layer_type<i>::prepare_lanes(parameter_data<i>(), state_data<i>(),
                                                 constants + lanes_constant_offsets[i]);
            });
            for (; k + L <= xs.size(); k += L) predict_tile(xs[k].data(), ys[k].data(), constants);
        }
        for (; k < xs.size(); ++k) ys[k] = (*this)(xs[k]);
    }

    // ---- streaming ---------------------------------------------------------
    // One time step per call, the per-stream state in the caller's Stream (so
    // one const model serves any number of streams). A layer with stream
    // state steps with its step(), the others with their forward pass: a
    // model of today's layers steps exactly as it runs one sample.
    // Today's layers act on one step when the model's shapes are vectors; on
    // (steps, ...) shapes the recurrent issue's per-step layers come first.
    static constexpr bool can_stream = []<std::size_t... I>(std::index_sequence<I...>) {
        return ((shapes::template shape<I>::rank == 1) && ...);
    }(std::make_index_sequence<layer_count + 1>{});
    static constexpr std::size_t step_input_size = input_size;
    static constexpr std::size_t step_output_size = output_size;

    struct Stream {
        constexpr Stream() noexcept = default;
        // Back to the state of a new stream (zeros).
        constexpr void reset() noexcept {
            if constexpr (stream_state_count > 0) values_.values.fill(T(0));
        }
        constexpr T* data() noexcept { return values_.data(); }
        constexpr const T* data() const noexcept { return values_.data(); }

    private:
        [[no_unique_address]] detail::Block<T, stream_state_count, simd::block_alignment<T>, simd::max_lanes<T> - 1>
            values_{};
    };

    [[nodiscard]] std::array<T, step_output_size> step(Stream& stream,
                                                       std::span<const T, step_input_size> x) const noexcept
        requires can_stream
    {
        alignas(simd::block_alignment<T>) T work[workspace_values];
        return step_in(stream, x.data(), work);
    }
    [[nodiscard]] std::array<T, step_output_size> step(Stream& stream,
                                                       const std::array<T, step_input_size>& x) const noexcept
        requires can_stream
    {
        return step(stream, std::span<const T, step_input_size>(x));
    }
    // A step in the caller's workspace (as operator() above).
    [[nodiscard]] std::array<T, step_output_size> step(Stream& stream, std::span<const T, step_input_size> x,
                                                       std::span<std::byte, workspace_bytes> workspace) const noexcept
        requires can_stream
    {
        return step_in(stream, x.data(), workspace_data(workspace));
    }
    [[nodiscard]] std::array<T, step_output_size> step(Stream& stream, std::span<const T, step_input_size> x,
                                                       Workspace& workspace) const noexcept
        requires can_stream
    {
        return step(stream, x, std::span<std::byte, workspace_bytes>(workspace.bytes));
    }
    [[nodiscard]] std::array<T, step_output_size> step(Stream& stream, const std::array<T, step_input_size>& x,
                                                       Workspace& workspace) const noexcept
        requires can_stream
    {
        return step(stream, std::span<const T, step_input_size>(x), workspace);
    }

private:
    using ParameterBlock = detail::Block<T, parameter_count, detail::model_block_alignment<T>, simd::max_lanes<T> - 1>;
    using StateBlock = detail::Block<T, state_count, detail::model_block_alignment<T>, simd::max_lanes<T> - 1>;

    // The workspace's values: its bytes from the first on a block_alignment
    // boundary (at most block_alignment - 1 in, the slack workspace_bytes
    // holds). The byte array's storage implicitly created the T objects the
    // pass writes ([intro.object]); laundering reaches them through the cast.
    // (__builtin_launder is what std::launder is in libstdc++ and libc++; the
    // core includes no <new>, see tests/layout.sh.)
    static T* workspace_data(std::span<std::byte, workspace_bytes> workspace) noexcept {
        constexpr std::size_t A = simd::block_alignment<T>;
        const std::size_t skip = (A - reinterpret_cast<std::uintptr_t>(workspace.data()) % A) % A;
        T* const values = reinterpret_cast<T*>(workspace.data() + skip);
#if defined(__has_builtin)
#if __has_builtin(__builtin_launder)
        return __builtin_launder(values);
#endif
#endif
        return values;
    }

    // One single-sample inference in work (workspace_values values on
    // block_alignment): the output buffer first, then the ping-pong buffers.
    std::array<T, output_size> infer(const T* x, T* work) const noexcept {
        forward_sample(*this, x, work);
        return first_values<output_size>(work);
    }
    std::array<T, step_output_size> step_in(Stream& stream, const T* x, T* work) const noexcept {
        run_layers(x, work, [&](auto i, const T* in, T* y) {
            using L = layer_type<i>;
            if constexpr (StreamingLayer<L, T>)
                L::step(parameter_data<i>(), state_data<i>(), stream_slice<i>(stream.data()), in, y);
            else
                L::forward(parameter_data<i>(), state_data<i>(), in, y);
        });
        return first_values<step_output_size>(work);
    }

    // The first N values of a padded output buffer, as the caller's array.
    template <std::size_t N>
    static std::array<T, N> first_values(const T* out) noexcept {
        std::array<T, N> y;
        for (std::size_t j = 0; j < N; ++j) y[j] = out[j];
        return y;
    }

    template <std::size_t N, class Block>
    static constexpr auto span_of(Block& block) noexcept {
        using P = std::remove_reference_t<decltype(*block.data())>;
        return std::span<P, N>(block.data(), N);
    }

    template <std::size_t I>
    constexpr T* parameter_data() noexcept {
        return parameter_slice<I>(parameters_.data());
    }
    template <std::size_t I>
    constexpr const T* parameter_data() const noexcept {
        return parameter_slice<I>(parameters_.data());
    }
    template <std::size_t I>
    constexpr T* state_data() noexcept {
        return state_slice<I>(state_.data());
    }
    template <std::size_t I>
    constexpr const T* state_data() const noexcept {
        return state_slice<I>(state_.data());
    }

    // ys rows [k, k + L) from xs rows [k, k + L), L = max_lanes: the tile in
    // lane order, through every layer, and back to row order.
    // Where each PreparedLanesLayer's tile constants start in predict's buffer.
    static constexpr auto lanes_constant_offsets = [] {
        std::array<std::size_t, layer_count + 1> offsets{};
        detail::static_for<layer_count>([&](auto i) {
            std::size_t count = 0;
            if constexpr (PreparedLanesLayer<layer_type<i>>) count = layer_type<i>::lanes_constant_count;
            offsets[i + 1] = offsets[i] + count;
        });
        return offsets;
    }();

    void predict_tile(const T* xs, T* ys, const T* constants) const noexcept {
        constexpr std::size_t L = simd::max_lanes<T>;
        alignas(simd::block_alignment<T>) T a[widest_width * L];
        alignas(simd::block_alignment<T>) T b[widest_width * L];
        if constexpr (first_tile_layer == 1)
            detail::rows_to_lanes<T, input_size>(xs, a, [&](std::size_t i, simd::widest<T> v) {
                return layer_type<0>::forward_feature_lanes(parameter_data<0>(), state_data<0>(), constants, i, v);
            });
        else
            detail::rows_to_lanes<T, input_size>(xs, a);
        detail::static_for<layer_count>([&](auto i) {
            const T* x = (i - first_tile_layer) % 2 == 0 ? a : b;
            T* y = (i - first_tile_layer) % 2 == 0 ? b : a;
            if constexpr (i < first_tile_layer)
                return;
            else if constexpr (PreparedLanesLayer<layer_type<i>>)
                layer_type<i>::forward_lanes(parameter_data<i>(), state_data<i>(), constants + lanes_constant_offsets[i],
                                             x, y);
            else
                layer_type<i>::forward_lanes(parameter_data<i>(), state_data<i>(), x, y);
        });
        detail::lanes_to_rows<T, output_size>((layer_count - first_tile_layer) % 2 == 0 ? a : b, ys);
    }

    // The whole single-sample forward pass as one function of its own, the same
    // machine code in every program (CTNN_FORWARD_PASS, core/kernels/dense.hpp).
    // (A static function, so that tests/sequential.cpp can take its address.)
    // Layer i reads the buffer layer i - 1 wrote and writes the other one, so
    // two buffers of the widest hidden width serve any depth (one buffer per
    // layer gave six Dense<1024> layers 20 KB of stack); the last layer writes
    // the output buffer, the first reads x. The buffers are the caller's
    // (work, see workspace_values): its stack, or a Workspace.
    friend struct detail::forward_pass_access;
    CTNN_FORWARD_PASS static void forward_sample(const BasicSequential& m, const T* x, T* work) noexcept {
        m.run_layers(x, work, [&](auto i, const T* in, T* y) {
            layer_type<i>::forward(m.parameter_data<i>(), m.state_data<i>(), in, y);
        });
    }

    // Calls run(i, in, y) for each layer i in turn through the two ping-pong
    // buffers of work (activation_buffer): in is x for the first layer, y is
    // work's output buffer (its first padded_size(output_size) values) for
    // the last; pass-through layers before the last are skipped.
    template <class Run>
    void run_layers(const T* x, T* work, Run&& run) const noexcept {
        constexpr std::size_t first_buffer = kernels::padded_size<T>(output_size);
        const auto buffer = [&](std::size_t where) -> T* {
            return where == in_output ? work : work + first_buffer + where * inference_buffer_size;
        };
        if constexpr (layers_run) detail::static_for<layer_count>([&](auto i) {
            if constexpr (i + 1 == layer_count || !PassThroughLayer<layer_type<i>>) {
                constexpr std::size_t from = activation_buffer[i];
                run(i, from == in_x ? x : buffer(from), buffer(activation_buffer[i + 1]));
            }
        });
    }

    ParameterBlock parameters_;
    [[no_unique_address]] StateBlock state_;
};

template <class... Layers>
using Sequential = BasicSequential<float, Layers...>;

}  // namespace ctnn

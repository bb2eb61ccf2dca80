// Backprop<Model, Loss>: one training-mode forward and backward pass over a
// batch, writing the gradient of the batch loss (the mean of the per-sample
// losses) into a block laid out like model.parameters(). It owns every buffer
// the pass needs, sized once for the largest batch, so a pass allocates
// nothing. The trainer runs it; tests use it directly for gradient checks.
//
// Chunks (fit's threads, issue 15). A batch is cut into chunks of
// chunk_rows(max_batch) rows, a number that depends on the batch size alone.
// A segment of layers without batch statistics is one run of a ThreadPool,
// whose task c takes chunk c through all of the segment's layers. Each chunk's
// parameter gradient goes to a block of its own, and the blocks are added in
// chunk order, so the gradient is the same bits whether one thread runs the
// chunks or many. Every buffer of a chunk is padded on its own: a layer may
// read and write a few values past its rows (core/layer.hpp), and those must
// not be the next chunk's.
//
// A layer with batch statistics (BatchNormalization: batch_statistics) couples
// the rows of the whole batch, so it runs once over the batch on the caller's
// thread: its input (and in the backward pass its output gradient) is gathered
// from the chunks into one contiguous buffer, and its output is scattered back.
// Dropout draws its masks from a generator keyed by (the step's draw from the
// caller's rng, the layer, the chunk), so they do not depend on the threads.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "../core/detail/simd.hpp"
#include "../core/detail/static_for.hpp"
#include "../io/error.hpp"
#include "loss.hpp"
#include "../core/random.hpp"
#include "thread_pool.hpp"

namespace ctnn {

namespace detail {
// A layer whose training pass couples the rows of a batch (batch statistics).
template <class Layer>
constexpr bool has_batch_statistics() noexcept {
    if constexpr (requires { Layer::batch_statistics; }) return Layer::batch_statistics;
    else return false;
}
}  // namespace detail

template <class Model, Loss L>
class Backprop {
public:
    using T = typename Model::value_type;
    static constexpr std::size_t layer_count = Model::layer_count;
    static constexpr std::size_t input_size = Model::input_size;
    static constexpr std::size_t output_size = Model::output_size;

    // The rows of a chunk for batches of up to max_batch rows: at least 32, at
    // most 8 chunks, a multiple of 8. Each chunk writes a whole parameter
    // gradient that is then added to the others, a cost that fewer, larger
    // chunks keep small (with chunks of 16, the Fashion-MNIST MLP's epoch took
    // 17% longer); 8 chunks still feed 8 threads.
    static constexpr std::size_t chunk_rows(std::size_t max_batch) noexcept {
        const std::size_t eighth = (max_batch + 7) / 8;
        return std::max<std::size_t>(32, (eighth + 7) / 8 * 8);
    }

    Backprop(L loss, std::size_t max_batch)
        : loss_(loss), max_batch_(max_batch), chunk_rows_(chunk_rows(max_batch)) {
        if (max_batch == 0) throw Error("Backprop: the batch size is 0; expected at least 1");
        const std::size_t chunks = (max_batch + chunk_rows_ - 1) / chunk_rows_;
        // Each buffer and its size, then one loop of resizes (one inlined
        // resize rather than one per buffer: compile time).
        std::array<std::pair<std::vector<T>*, std::size_t>, 4 + 7 * layer_count> sizes{};
        std::size_t k = 0;
        sizes[k++] = {&input_, padded(max_batch * input_size)};
        sizes[k++] = {&target_, padded(max_batch * output_size)};
        sizes[k++] = {&predictions_, padded(max_batch * output_size)};
        sizes[k++] = {&chunk_gradients_, (chunks - 1) * Model::parameter_count};
        detail::static_for<layer_count>([&](auto i) {
            using Layer = typename Model::template layer_type<i>;
            sizes[k++] = {&outputs_[i], chunks * chunk_stride(Layer::output_size)};
            sizes[k++] = {&gradients_[i], chunks * chunk_stride(Layer::output_size)};
            sizes[k++] = {&scratch_[i], chunks * scratch_stride<Layer>()};
            if constexpr (detail::has_batch_statistics<Layer>()) {
                if constexpr (i > 0) sizes[k++] = {&whole_[i].x, padded(max_batch * Layer::input_size)};
                sizes[k++] = {&whole_[i].y, padded(max_batch * Layer::output_size)};
                sizes[k++] = {&whole_[i].dy, padded(max_batch * Layer::output_size)};
                if constexpr (i > 0) sizes[k++] = {&whole_[i].dx, padded(max_batch * Layer::input_size)};
            }
        });
        for (std::size_t j = 0; j < k; ++j) sizes[j].first->resize(sizes[j].second);
    }

    std::size_t max_batch() const noexcept { return max_batch_; }

    // Where the caller puts a batch before run(): n rows of inputs and targets.
    T* inputs() noexcept { return input_.data(); }
    T* targets() noexcept { return target_.data(); }
    // The model's outputs for the last batch run, row after row.
    const T* predictions() const noexcept { return predictions_.data(); }

    // Runs the batch of n rows in inputs()/targets() through the model in
    // training mode and writes d(batch loss)/d(parameters) to gradient.
    // Returns the batch loss. Requires 0 < n <= max_batch(). The chunks run on
    // pool's threads when given, else in order on the caller's; the results
    // are the same bits. Training mode updates the model's state
    // (BatchNormalization's moving statistics) whatever the loss turns out to
    // be: a caller that may reject the step (the trainer, on a non-finite
    // loss) keeps a copy of the state to put back.
    double run(Model& model, std::size_t n, std::span<T, Model::parameter_count> gradient, Rng& rng,
               detail::ThreadPool* pool = nullptr) noexcept {
        T* params = model.parameters().data();
        T* state = model.state().data();
        const std::size_t chunks = (n + chunk_rows_ - 1) / chunk_rows_;
        const std::uint64_t key = rng.next();  // this step's Dropout masks
        const auto rows_of = [&](std::size_t c) { return std::min(chunk_rows_, n - c * chunk_rows_); };
        const auto each_chunk = [&](auto&& task) { detail::run_chunks(pool, chunks, task); };

        // A segment of layers without batch statistics is one run of the pool:
        // each task takes its chunk through all of the segment's layers, so a
        // batch costs the pool two runs per segment rather than two per layer.
        detail::static_for<layer_count>([&](auto i) {
            using Layer = typename Model::template layer_type<i>;
            if constexpr (detail::has_batch_statistics<Layer>()) {
                Whole& w = whole_[i];
                const T* x = input_.data();
                if constexpr (i > 0) x = gather<i - 1>(outputs_[i - 1], w.x, n);
                Rng unused(Seed{key});
                Layer::forward_train(Model::template parameter_slice<i>(params),
                                     Model::template state_slice<i>(state), x, w.y.data(), scratch_[i].data(), n,
                                     unused);
                scatter<i>(w.y, outputs_[i], n);
            } else if constexpr (i == segment_begin(i)) {
                each_chunk([&](std::size_t c) {
                    for_each_layer<i, segment_end(i)>([&](auto j) {
                        using Lj = typename Model::template layer_type<j>;
                        Rng chunk_rng = keyed_rng(key, j, c);
                        Lj::forward_train(Model::template parameter_slice<j>(params),
                                          Model::template state_slice<j>(state), layer_input<j>(c),
                                          chunk<j>(outputs_[j], c), chunk_scratch<j>(c), rows_of(c), chunk_rng);
                    });
                });
            }
        });

        double total = 0;
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t c = r / chunk_rows_, at = (r % chunk_rows_) * output_size;
            const T* pr = chunk<layer_count - 1>(outputs_[layer_count - 1], c) + at;
            const T* yr = target_.data() + r * output_size;
            T* gr = chunk<layer_count - 1>(gradients_[layer_count - 1], c) + at;
            std::copy(pr, pr + output_size, predictions_.data() + r * output_size);
            total += loss_.value(pr, yr, output_size);
            if constexpr (fused)
                loss_.template fused_gradient<typename Last::activation>(pr, yr, gr, output_size, T(1) / T(n));
            else
                loss_.gradient(pr, yr, gr, output_size, T(1) / T(n));
        }

        T* dparams = gradient.data();
        detail::static_for<layer_count>([&](auto k) {
            constexpr std::size_t i = layer_count - 1 - k;
            using Layer = typename Model::template layer_type<i>;
            if constexpr (detail::has_batch_statistics<Layer>()) {
                Whole& w = whole_[i];
                const T* x = i == 0 ? input_.data() : w.x.data();
                gather<i>(gradients_[i], w.dy, n);
                T* dx = i == 0 ? nullptr : w.dx.data();  // the first layer's is never needed
                Layer::template backward<from_logits<i>>(
                    Model::template parameter_slice<i>(params), Model::template state_slice<i>(state), x,
                    w.y.data(), scratch_[i].data(), w.dy.data(), dx, Model::template parameter_slice<i>(dparams), n);
                if constexpr (i > 0) scatter<i - 1>(w.dx, gradients_[i - 1], n);
            } else if constexpr (i + 1 == segment_end(i)) {
                constexpr std::size_t begin = segment_begin(i);
                // Top layer first; chunk c's parameter gradient goes to its own block.
                each_chunk([&](std::size_t c) {
                    T* block = c == 0 ? dparams : chunk_gradients_.data() + (c - 1) * Model::parameter_count;
                    for_each_layer<begin, i + 1>([&](auto down) {
                        constexpr std::size_t j = begin + i - down;
                        using Lj = typename Model::template layer_type<j>;
                        T* dx = nullptr;
                        if constexpr (j > 0) dx = chunk<j - 1>(gradients_[j - 1], c);
                        Lj::template backward<from_logits<j>>(
                            Model::template parameter_slice<j>(params), Model::template state_slice<j>(state),
                            layer_input<j>(c), chunk<j>(outputs_[j], c), chunk_scratch<j>(c),
                            chunk<j>(gradients_[j], c), dx, Model::template parameter_slice<j>(block), rows_of(c));
                    });
                });
                // The chunks' gradients, added in chunk order.
                constexpr std::size_t first = Model::template parameter_offset<begin>;
                constexpr std::size_t count = Model::template parameter_offset<i + 1> - first;
                if constexpr (count > 0) {
                    for (std::size_t c = 1; c < chunks; ++c) {
                        const T* from = chunk_gradients_.data() + (c - 1) * Model::parameter_count + first;
                        for (std::size_t j = 0; j < count; ++j) dparams[first + j] += from[j];
                    }
                }
            }
        });
        return total / double(n);
    }

private:
    using Last = typename Model::template layer_type<layer_count - 1>;
    static constexpr bool fused = FusedLoss<L, typename Last::activation>;
    // Layer I's backward pass takes the gradient with respect to its
    // pre-activation when the loss fuses with the last layer's activation.
    template <std::size_t I>
    static constexpr bool from_logits = fused && I == layer_count - 1;

    // Which layers couple the rows of a batch; the others form segments,
    // [segment_begin(i), segment_end(i)) for a layer i of one.
    static constexpr std::array<bool, layer_count> couples = [] {
        std::array<bool, layer_count> a{};
        detail::static_for<layer_count>(
            [&](auto i) { a[i] = detail::has_batch_statistics<typename Model::template layer_type<i>>(); });
        return a;
    }();
    static constexpr std::size_t segment_begin(std::size_t i) noexcept {
        while (i > 0 && !couples[i - 1]) --i;
        return i;
    }
    static constexpr std::size_t segment_end(std::size_t i) noexcept {
        while (i < layer_count && !couples[i]) ++i;
        return i;
    }
    // f(integral_constant<j>) for j = Begin..End-1.
    template <std::size_t Begin, std::size_t End, class F>
    static void for_each_layer(F&& f) noexcept {
        detail::static_for<End - Begin>([&](auto k) { f(std::integral_constant<std::size_t, Begin + k>{}); });
    }

    static std::size_t padded(std::size_t n) noexcept { return n + simd::max_lanes<T>; }
    std::size_t chunk_stride(std::size_t per_row) const noexcept { return padded(chunk_rows_ * per_row); }
    // A chunk's scratch; the layer with batch statistics runs once over the
    // whole batch in all the chunks' room (at least scratch_size(max_batch)).
    template <class Layer>
    std::size_t scratch_stride() const noexcept { return padded(scratch_size<Layer>(chunk_rows_)); }

    // Chunk c of a buffer of layer i's outputs (or output gradients).
    template <std::size_t I>
    T* chunk(std::vector<T>& buffer, std::size_t c) noexcept {
        using Layer = typename Model::template layer_type<I>;
        return buffer.data() + c * chunk_stride(Layer::output_size);
    }
    template <std::size_t I>
    T* chunk_scratch(std::size_t c) noexcept {
        using Layer = typename Model::template layer_type<I>;
        return scratch_[I].data() + c * scratch_stride<Layer>();
    }
    // Layer i's input for chunk c: the batch's input rows (read only, so one
    // contiguous buffer), or chunk c of the previous layer's outputs.
    template <std::size_t I>
    const T* layer_input(std::size_t c) noexcept {
        if constexpr (I == 0) return input_.data() + c * chunk_rows_ * input_size;
        else return chunk<I - 1>(outputs_[I - 1], c);
    }

    // The n rows of a chunked buffer of layer i's outputs into a contiguous
    // one, and back.
    template <std::size_t I>
    const T* gather(std::vector<T>& chunked, std::vector<T>& whole, std::size_t n) noexcept {
        constexpr std::size_t width = Model::template layer_type<I>::output_size;
        for (std::size_t begin = 0; begin < n; begin += chunk_rows_) {
            const T* from = chunk<I>(chunked, begin / chunk_rows_);
            std::copy(from, from + std::min(chunk_rows_, n - begin) * width, whole.data() + begin * width);
        }
        return whole.data();
    }
    template <std::size_t I>
    void scatter(const std::vector<T>& whole, std::vector<T>& chunked, std::size_t n) noexcept {
        constexpr std::size_t width = Model::template layer_type<I>::output_size;
        for (std::size_t begin = 0; begin < n; begin += chunk_rows_) {
            const T* from = whole.data() + begin * width;
            std::copy(from, from + std::min(chunk_rows_, n - begin) * width, chunk<I>(chunked, begin / chunk_rows_));
        }
    }

    // The generator of layer i's chunk c in a step: its seed is the key mixed
    // by one SplitMix64 round, so that streams of nearby keys do not overlap.
    static Rng keyed_rng(std::uint64_t key, std::size_t layer, std::size_t c) noexcept {
        Rng mix(Seed{key ^ (std::uint64_t(layer) << 40) ^ std::uint64_t(c)});
        return Rng(Seed{mix.next()});
    }

    // The contiguous buffers of a layer with batch statistics.
    struct Whole {
        std::vector<T> x, y, dy, dx;
    };

    L loss_;
    std::size_t max_batch_, chunk_rows_;
    std::vector<T> input_, target_, predictions_, chunk_gradients_;
    std::array<std::vector<T>, layer_count> outputs_, gradients_, scratch_;
    std::array<Whole, layer_count> whole_;
};

}  // namespace ctnn

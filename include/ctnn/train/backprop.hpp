// Backprop<Model, Loss>: one training-mode forward and backward pass over a
// batch, writing the gradient of the batch loss (the mean of the per-sample
// losses) into a block laid out like model.parameters(). It owns every buffer
// the pass needs, sized once for the largest batch, so a pass allocates
// nothing. The trainer runs it; tests use it directly for gradient checks.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "../core/detail/simd.hpp"
#include "../core/detail/static_for.hpp"
#include "../io/error.hpp"
#include "loss.hpp"
#include "../core/random.hpp"

namespace ctnn {

template <class Model, Loss L>
class Backprop {
public:
    using T = typename Model::value_type;
    static constexpr std::size_t layer_count = Model::layer_count;
    static constexpr std::size_t input_size = Model::input_size;
    static constexpr std::size_t output_size = Model::output_size;

    Backprop(L loss, std::size_t max_batch) : loss_(loss), max_batch_(max_batch) {
        if (max_batch == 0) throw Error("Backprop: the batch size is 0; expected at least 1");
        input_.resize(padded(max_batch * input_size));
        target_.resize(padded(max_batch * output_size));
        detail::static_for<layer_count>([&](auto i) {
            using Layer = typename Model::template layer_type<i>;
            outputs_[i].resize(padded(max_batch * Layer::output_size));
            gradients_[i].resize(padded(max_batch * Layer::output_size));
            scratch_[i].resize(padded(max_batch * Layer::scratch_per_sample));
        });
    }

    std::size_t max_batch() const noexcept { return max_batch_; }

    // Where the caller puts a batch before run(): n rows of inputs and targets.
    T* inputs() noexcept { return input_.data(); }
    T* targets() noexcept { return target_.data(); }
    // The model's outputs for the last batch run, row after row.
    const T* predictions() const noexcept { return outputs_[layer_count - 1].data(); }

    // Runs the batch of n rows in inputs()/targets() through the model in
    // training mode and writes d(batch loss)/d(parameters) to gradient.
    // Returns the batch loss. Requires 0 < n <= max_batch(). Training mode
    // updates the model's state (BatchNormalization's moving statistics)
    // whatever the loss turns out to be: a caller that may reject the step
    // (the trainer, on a non-finite loss) keeps a copy of the state to put back.
    double run(Model& model, std::size_t n, std::span<T, Model::parameter_count> gradient, Rng& rng) noexcept {
        T* params = model.parameters().data();
        T* state = model.state().data();
        detail::static_for<layer_count>([&](auto i) {
            using Layer = typename Model::template layer_type<i>;
            const T* x = i == 0 ? input_.data() : outputs_[i == 0 ? 0 : i - 1].data();
            Layer::forward_train(Model::template parameter_slice<i>(params), Model::template state_slice<i>(state), x,
                                 outputs_[i].data(), scratch_[i].data(), n, rng);
        });

        using Last = typename Model::template layer_type<layer_count - 1>;
        constexpr bool fused = FusedLoss<L, typename Last::activation>;
        const T* p = predictions();
        double total = 0;
        for (std::size_t r = 0; r < n; ++r) {
            const T* pr = p + r * output_size;
            const T* yr = target_.data() + r * output_size;
            T* gr = gradients_[layer_count - 1].data() + r * output_size;
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
            const T* x = i == 0 ? input_.data() : outputs_[i == 0 ? 0 : i - 1].data();
            T* dx = i == 0 ? nullptr : gradients_[i == 0 ? 0 : i - 1].data();  // the first layer's is never needed
            Layer::template backward<fused && i == layer_count - 1>(
                Model::template parameter_slice<i>(params), Model::template state_slice<i>(state), x,
                outputs_[i].data(), scratch_[i].data(), gradients_[i].data(), dx,
                Model::template parameter_slice<i>(dparams), n);
        });
        return total / double(n);
    }

private:
    static std::size_t padded(std::size_t n) noexcept { return n + simd::max_lanes<T>; }


    L loss_;
    std::size_t max_batch_;
    std::vector<T> input_, target_;
    std::array<std::vector<T>, layer_count> outputs_, gradients_, scratch_;
};

}  // namespace ctnn

// What every shape-preserving layer (Activation, Dropout, BatchNormalization,
// Normalization) shares, as a base its `bind` derives from: Width values in
// and out, and unless the layer declares otherwise no parameters, no state,
// no scratch, nothing to initialize, no weights to view, and Linear as the
// activation the trainer sees (no loss fuses through it).
#pragma once

#include <cstddef>

#include "../activations/linear.hpp"
#include "../core/random.hpp"
#include "../core/weights.hpp"

namespace ctnn {

// The weights view of a layer without weights.
struct EmptyView {};

template <class T, std::size_t Width>
struct ShapePreservingBase {
    using value_type = T;
    using activation = Linear;
    static constexpr std::size_t input_size = Width;
    static constexpr std::size_t output_size = Width;
    static constexpr std::size_t parameter_count = 0;
    static constexpr std::size_t state_count = 0;
    static constexpr std::size_t scratch_per_sample = 0;
    static constexpr std::array<WeightTensor, 0> weights{};

    static void initialize(T*, T*, Rng&) noexcept {}

    template <class P>
    static constexpr EmptyView view(P*, P*) noexcept {
        return {};
    }
};

}  // namespace ctnn

// A layer's weight manifest: the names and shapes of its weight tensors in
// Keras' get_weights() order, and in which block each lives. It is what
// summary, load's messages and (later) the importer and quantization read, so
// that none of them repeats a layer's layout. A bound layer declares
//   static constexpr std::array<WeightTensor, K> weights{...};
// (none: a layer without weights); the tensors of each block lie one after
// another in the order listed, and their sizes add up to parameter_count and
// state_count (tests/summary.cpp checks every layer).
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace ctnn {

struct WeightTensor {
    std::string_view name;                 // Keras' weight name: "kernel", "bias", "gamma", "moving_mean", ...
    bool trainable;                        // in the parameter block; else in the state block
    std::size_t rank;                      // dimensions used in shape
    std::array<std::size_t, 4> shape{};    // Keras' shape, e.g. a Dense kernel (In, Out)

    constexpr std::size_t size() const noexcept {
        std::size_t n = 1;
        for (std::size_t d = 0; d < rank; ++d) n *= shape[d];
        return n;
    }
};

namespace detail {
// L::weights, or none for a (user's) layer that declares no manifest.
template <class L>
constexpr auto weights_of() noexcept {
    if constexpr (requires { L::weights; }) return L::weights;
    else return std::array<WeightTensor, 0>{};
}

// Where tensor k of L starts in its block (the tensors before it in the same block).
template <class L>
constexpr std::size_t weight_offset(std::size_t k) noexcept {
    constexpr auto weights = weights_of<L>();
    std::size_t offset = 0;
    for (std::size_t j = 0; j < k; ++j)
        if (weights[j].trainable == weights[k].trainable) offset += weights[j].size();
    return offset;
}
}  // namespace detail

}  // namespace ctnn

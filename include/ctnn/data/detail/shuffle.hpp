// Shuffling with the library's generator, so an order depends on its seed
// alone on every platform: fit() reshuffles rows each epoch, split() once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "../../core/random.hpp"

namespace ctnn::detail {

// An index uniform on [0, n), without modulo bias: draws past the largest
// multiple of n are rejected.
inline std::size_t uniform_index(Rng& rng, std::size_t n) noexcept {
    const std::uint64_t bound = n;
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t r = rng.next();
    while (r >= limit) r = rng.next();
    return static_cast<std::size_t>(r % bound);
}

// Fisher-Yates.
inline void shuffle(std::vector<std::size_t>& indices, Rng& rng) noexcept {
    for (std::size_t i = indices.size(); i > 1; --i) std::swap(indices[i - 1], indices[uniform_index(rng, i)]);
}

}  // namespace ctnn::detail

// split(dataset, fraction, seed): a shuffled {train, valid} pair, as the
// course's df.sample(frac=0.7) then the rest: train gets round(fraction * N)
// rows (halves round to even, as Python's round), valid the others, both in
// the shuffled order. The order depends on the seed alone.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dataset.hpp"
#include "detail/shuffle.hpp"
#include "../io/error.hpp"
#include "../core/random.hpp"

namespace ctnn {

template <class T, std::size_t In, std::size_t Out>
[[nodiscard]] std::pair<Dataset<T, In, Out>, Dataset<T, In, Out>> split(const Dataset<T, In, Out>& data,
                                                                         double fraction, std::uint64_t seed = 0) {
    if (!(fraction > 0.0 && fraction < 1.0))
        throw Error("split: the fraction is " + std::to_string(fraction) + "; expected a number in (0, 1)");
    if (data.x.size() != data.y.size())
        throw Error("split: " + std::to_string(data.x.size()) + " rows of features but " +
                    std::to_string(data.y.size()) + " rows of targets");
    const std::size_t n = data.size();
    const auto train_rows = static_cast<std::size_t>(std::nearbyint(fraction * double(n)));  // ties to even
    std::vector<std::size_t> order(n);
    for (std::size_t r = 0; r < n; ++r) order[r] = r;
    Rng rng(Seed{seed});
    detail::shuffle(order, rng);
    std::pair<Dataset<T, In, Out>, Dataset<T, In, Out>> parts;
    for (std::size_t k = 0; k < n; ++k) {
        auto& part = k < train_rows ? parts.first : parts.second;
        part.x.push_back(data.x[order[k]]);
        part.y.push_back(data.y[order[k]]);
    }
    return parts;
}

}  // namespace ctnn

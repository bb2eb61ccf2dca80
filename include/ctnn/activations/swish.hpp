// Swish (SiLU): x * sigmoid(x), as Keras' swish and PyTorch's SiLU.
#pragma once

#include "../detail/fixed_string.hpp"
#include "../detail/simd.hpp"
#include "sigmoid.hpp"

namespace ctnn {

struct Swish {
    static constexpr detail::fixed_string name{"ctnn::Swish"};
    template <class V>
    static V apply(V x) noexcept {
        return x * Sigmoid::apply(x);
    }
};

}  // namespace ctnn

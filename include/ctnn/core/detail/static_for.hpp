// static_for<N>(f) calls f(std::integral_constant<std::size_t, i>{}) for i = 0..N-1:
// a loop the compiler sees fully unrolled, with i usable as a constant, which is
// how kernels keep a fixed set of accumulators in registers.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnn::detail {

template <std::size_t N, class F>
constexpr void static_for(F&& f) noexcept {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (f(std::integral_constant<std::size_t, I>{}), ...);
    }(std::make_index_sequence<N>{});
}

}  // namespace ctnn::detail

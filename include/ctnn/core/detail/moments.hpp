// moments(n, value): the mean and the biased variance of n values, value(r)
// giving the r-th as a double; BatchNormalization, Normalization::adapt and
// StandardScaler share it. Freestanding.
//
// The mean gets the corrected two-pass step, mean += sum(x - mean) / n:
// sum / n of a constant feature is not always the value itself (0.1 x 3
// rows: 0.10000000000000002; 1e30 x 3 rows: off by 1.4e14), and the rounding
// error came back as a variance of ulp^2 (2e28 for 1e30), which normalized a
// constant feature to +-1 instead of 0. With the step the mean of a constant
// feature is exact (v - mean is exact, so is its sum, and mean + (v - mean)
// = v), so its variance is 0 (tests/numerics.cpp). Float data was exact
// already (the double sum of floats is).
#pragma once

#include <cstddef>

namespace ctnn::detail {

struct Moments {
    double mean, variance;
};

template <class Value>
constexpr Moments moments(std::size_t n, Value&& value) noexcept {
    double mean = 0, correction = 0, variance = 0;
    for (std::size_t r = 0; r < n; ++r) mean += value(r);
    mean /= double(n);
    for (std::size_t r = 0; r < n; ++r) correction += value(r) - mean;
    mean += correction / double(n);
    for (std::size_t r = 0; r < n; ++r) {
        const double d = value(r) - mean;
        variance += d * d;
    }
    return {mean, variance / double(n)};
}

}  // namespace ctnn::detail

// StandardScaler and MinMaxScaler, as scikit-learn's: fit() on the training
// rows only, then transform() any rows (training, validation, new inputs) and
// inverse_transform() predictions back to the original units (for targets).
//   StandardScaler: x' = (x - mean) / std, std the population (biased) one;
//   MinMaxScaler:   x' = (x - min) / (max - min), into [0, 1].
// A constant column gets a scale of 1 (as scikit-learn), so it maps to 0
// instead of dividing by zero. Statistics are computed in double.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../detail/moments.hpp"
#include "../error.hpp"

namespace ctnn {

namespace detail {

// What both scalers share: x' = (x - offset) / scale, per column.
class AffineScaler {
public:
    std::vector<double> offset, scale;

    template <class T, std::size_t N>
    void transform(std::span<std::array<T, N>> rows) const {
        check<N>("transform");
        for (auto& row : rows)
            for (std::size_t c = 0; c < N; ++c) row[c] = static_cast<T>((double(row[c]) - offset[c]) / scale[c]);
    }
    template <class T, std::size_t N>
    void inverse_transform(std::span<std::array<T, N>> rows) const {
        check<N>("inverse_transform");
        for (auto& row : rows)
            for (std::size_t c = 0; c < N; ++c) row[c] = static_cast<T>(double(row[c]) * scale[c] + offset[c]);
    }
    // For std::vector and other ranges of rows.
    template <class Rows>
    void transform(Rows& rows) const {
        transform(std::span(rows));
    }
    template <class Rows>
    void inverse_transform(Rows& rows) const {
        inverse_transform(std::span(rows));
    }

protected:
    template <std::size_t N>
    void check(const char* what) const {
        if (offset.empty()) throw Error(std::string(what) + ": the scaler has not been fitted; call fit() first");
        if (offset.size() != N)
            throw Error(std::string(what) + ": rows of " + std::to_string(N) + " values, but the scaler was fitted on " +
                        std::to_string(offset.size()));
    }
    template <std::size_t N>
    static void require_rows(std::size_t n) {
        if (n == 0) throw Error("fit: no rows; expected at least one");
    }
};

}  // namespace detail

class StandardScaler : public detail::AffineScaler {
public:
    template <class T, std::size_t N>
    StandardScaler& fit(std::span<const std::array<T, N>> rows) {
        require_rows<N>(rows.size());
        offset.resize(N);
        scale.resize(N);
        for (std::size_t c = 0; c < N; ++c) {
            const auto [mean, variance] =
                detail::moments(rows.size(), [&](std::size_t r) { return double(rows[r][c]); });
            offset[c] = mean;
            scale[c] = variance > 0 ? std::sqrt(variance) : 1.0;  // a constant column stays as it is, centred
        }
        return *this;
    }
    template <class Rows>
    StandardScaler& fit(const Rows& rows) {
        return fit(std::span(std::as_const(rows)));
    }
};

class MinMaxScaler : public detail::AffineScaler {
public:
    template <class T, std::size_t N>
    MinMaxScaler& fit(std::span<const std::array<T, N>> rows) {
        require_rows<N>(rows.size());
        offset.assign(rows[0].begin(), rows[0].end());
        std::vector<double> high(offset);
        for (const auto& row : rows)
            for (std::size_t c = 0; c < N; ++c) {
                offset[c] = std::min(offset[c], double(row[c]));
                high[c] = std::max(high[c], double(row[c]));
            }
        scale.resize(N);
        for (std::size_t c = 0; c < N; ++c) scale[c] = high[c] > offset[c] ? high[c] - offset[c] : 1.0;
        return *this;
    }
    template <class Rows>
    MinMaxScaler& fit(const Rows& rows) {
        return fit(std::span(std::as_const(rows)));
    }
};

}  // namespace ctnn

// StandardScaler and MinMaxScaler, as scikit-learn's: fit() on the training
// rows only, then transform() any rows (training, validation, new inputs) and
// inverse_transform() predictions back to the original units (for targets).
//   StandardScaler: x' = (x - mean) / std, std the population (biased) one;
//   MinMaxScaler:   x' = (x - min) / (max - min), into [0, 1].
// A constant column gets a scale of 1 (as scikit-learn), so it maps to 0
// instead of dividing by zero. Statistics are computed in double.
//
// Rows are a Dataset's x or y as they are, or any std::vector or std::span of
// std::array<T, N> (T float or double):
//
//   ctnn::StandardScaler scaler;
//   scaler.fit(train.x);                                // the training features only
//   scaler.transform(train.x);                          // in place
//   auto valid_x = scaler.transformed(valid.x);         // a scaled copy
//
// Anything else (a whole Dataset, a Table) is one static_assert that says to
// pass data.x or data.y. transform and inverse_transform scale in place;
// transformed and inverse_transformed return a scaled copy and leave the rows
// as they were.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <iterator>  // std::ranges::contiguous_range and range_value_t (<ranges> adds the views: 0.2 s)
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "../core/detail/moments.hpp"
#include "../io/error.hpp"

namespace ctnn {

namespace detail {

template <class Row>
inline constexpr bool is_scaler_row = false;
template <class T, std::size_t N>
inline constexpr bool is_scaler_row<std::array<T, N>> = std::is_floating_point_v<T> && (N > 0);

// What a scaler takes: contiguous rows of std::array<T, N>, T float or double
// (data.x, data.y, a std::vector or a std::span of rows).
template <class Rows>
concept ScalerRows = std::ranges::contiguous_range<Rows> && std::ranges::sized_range<Rows> &&
                     is_scaler_row<std::ranges::range_value_t<Rows>>;

// ... and rows transform can change in place.
template <class Rows>
concept MutableScalerRows =
    ScalerRows<Rows> && !std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<Rows>>>;

#define CTNN_SCALER_ROWS_HINT                                                                                \
    "pass data.x for the features or data.y for the targets (or a std::vector or std::span of std::array<T, " \
    "N>, T float or double)"

// The same as plain bools, for the static_asserts: a failed concept would add
// a page of notes on why; the message alone says what to pass.
template <class Rows>
inline constexpr bool takes_rows = ScalerRows<Rows>;
template <class Rows>
inline constexpr bool takes_mutable_rows = MutableScalerRows<Rows>;

template <class Rows>
using scaler_row_t = std::ranges::range_value_t<Rows>;

// What both scalers share: x' = (x - offset) / scale, per column.
class AffineScaler {
public:
    std::vector<double> offset, scale;

    // Scales the rows in place.
    template <class Rows>
    void transform(Rows&& rows) const {
        static_assert(takes_rows<Rows>, "transform takes rows: " CTNN_SCALER_ROWS_HINT);
        static_assert(!takes_rows<Rows> || takes_mutable_rows<Rows>,
                      "transform scales the rows in place, so they cannot be const; transformed(rows) returns a "
                      "scaled copy");
        if constexpr (MutableScalerRows<Rows>) apply(std::span(rows), "transform", forward);
    }
    template <class Rows>
    void inverse_transform(Rows&& rows) const {
        static_assert(takes_rows<Rows>, "inverse_transform takes rows: " CTNN_SCALER_ROWS_HINT);
        static_assert(!takes_rows<Rows> || takes_mutable_rows<Rows>,
                      "inverse_transform scales the rows in place, so they cannot be const; "
                      "inverse_transformed(rows) returns a scaled copy");
        if constexpr (MutableScalerRows<Rows>) apply(std::span(rows), "inverse_transform", inverse);
    }

    // A scaled copy of the rows; the rows are left as they were.
    template <class Rows>
    [[nodiscard]] auto transformed(const Rows& rows) const {
        static_assert(takes_rows<Rows>, "transformed takes rows: " CTNN_SCALER_ROWS_HINT);
        if constexpr (ScalerRows<Rows>) return copy(rows, "transformed", forward);
    }
    template <class Rows>
    [[nodiscard]] auto inverse_transformed(const Rows& rows) const {
        static_assert(takes_rows<Rows>, "inverse_transformed takes rows: " CTNN_SCALER_ROWS_HINT);
        if constexpr (ScalerRows<Rows>) return copy(rows, "inverse_transformed", inverse);
    }

protected:
    enum Direction { forward, inverse };

    template <class T, std::size_t N>
    void apply(std::span<std::array<T, N>> rows, const char* what, Direction direction) const {
        check<N>(what);
        for (auto& row : rows)
            for (std::size_t c = 0; c < N; ++c)
                row[c] = static_cast<T>(direction == forward ? (double(row[c]) - offset[c]) / scale[c]
                                                             : double(row[c]) * scale[c] + offset[c]);
    }
    template <class Rows>
    std::vector<scaler_row_t<Rows>> copy(const Rows& rows, const char* what, Direction direction) const {
        const auto view = std::span(rows);
        std::vector<scaler_row_t<Rows>> out(view.begin(), view.end());
        apply(std::span(out), what, direction);
        return out;
    }

    template <std::size_t N>
    void check(const char* what) const {
        if (offset.empty()) throw Error(std::string(what) + ": the scaler has not been fitted; call fit() first");
        if (offset.size() != N)
            throw Error(std::string(what) + ": rows of " + std::to_string(N) + " values, but the scaler was fitted on " +
                        std::to_string(offset.size()));
    }
    static void require_rows(std::size_t n) {
        if (n == 0) throw Error("fit: no rows; expected at least one");
    }
};

}  // namespace detail

class StandardScaler : public detail::AffineScaler {
public:
    template <class Rows>
    StandardScaler& fit(const Rows& rows) {
        static_assert(detail::takes_rows<Rows>, "StandardScaler::fit takes rows: " CTNN_SCALER_ROWS_HINT);
        if constexpr (detail::ScalerRows<Rows>) {
            const auto view = std::span(rows);
            constexpr std::size_t N = std::tuple_size_v<detail::scaler_row_t<Rows>>;
            require_rows(view.size());
            offset.resize(N);
            scale.resize(N);
            for (std::size_t c = 0; c < N; ++c) {
                const auto [mean, variance] =
                    detail::moments(view.size(), [&](std::size_t r) { return double(view[r][c]); });
                offset[c] = mean;
                scale[c] = variance > 0 ? std::sqrt(variance) : 1.0;  // a constant column stays as it is, centred
            }
        }
        return *this;
    }
};

class MinMaxScaler : public detail::AffineScaler {
public:
    template <class Rows>
    MinMaxScaler& fit(const Rows& rows) {
        static_assert(detail::takes_rows<Rows>, "MinMaxScaler::fit takes rows: " CTNN_SCALER_ROWS_HINT);
        if constexpr (detail::ScalerRows<Rows>) {
            const auto view = std::span(rows);
            constexpr std::size_t N = std::tuple_size_v<detail::scaler_row_t<Rows>>;
            require_rows(view.size());
            offset.assign(view[0].begin(), view[0].end());
            std::vector<double> high(offset);
            for (const auto& row : view)
                for (std::size_t c = 0; c < N; ++c) {
                    offset[c] = std::min(offset[c], double(row[c]));
                    high[c] = std::max(high[c], double(row[c]));
                }
            scale.resize(N);
            for (std::size_t c = 0; c < N; ++c) scale[c] = high[c] > offset[c] ? high[c] - offset[c] : 1.0;
        }
        return *this;
    }
};

#undef CTNN_SCALER_ROWS_HINT

}  // namespace ctnn

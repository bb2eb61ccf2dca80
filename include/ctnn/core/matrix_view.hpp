// A small 2-D view of a Dense kernel inside the parameter block: Rows x Cols
// in Keras' layout (row i holds the weights from input i), element (i, j) at
// i * Cols + j. libstdc++ 12 has no std::mdspan; this is all we need of it.
#pragma once

#include <cstddef>
#include <span>

#include "config.hpp"

namespace ctnn {

template <class P, std::size_t Rows, std::size_t Cols>
class MatrixView {
public:
    static constexpr std::size_t rows = Rows;
    static constexpr std::size_t cols = Cols;

    constexpr explicit MatrixView(P* data) noexcept : data_(data) {}

    constexpr P& operator()(std::size_t i, std::size_t j) const noexcept {
        CTNN_ASSERT(i < Rows && j < Cols, "ctnn::MatrixView: index out of range");
        return data_[i * Cols + j];
    }
    constexpr std::span<P, Rows * Cols> span() const noexcept {
        return std::span<P, Rows * Cols>(data_, Rows * Cols);
    }

private:
    P* data_;
};

}  // namespace ctnn

// The kernels against plain loops in double, over the shapes that exercise
// their edges: the register-tiled product (kernels/gemm.hpp) with row counts
// that leave every possible short tile, column counts that need narrower
// vectors and scalars, and A read both row-major and transposed; the tile
// transposes (detail/transpose.hpp) with leftover columns.
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/detail/transpose.hpp>
#include <ctnn/kernels/gemm.hpp>
#include <ctnn/random.hpp>

namespace {

template <class T>
std::vector<T> random_values(std::size_t n, unsigned seed) {
    ctnn::Rng rng(ctnn::Seed{seed});
    std::vector<T> v(n);
    for (T& x : v) x = T(rng.uniform(-1, 1));
    return v;
}

// C = A B (+ bias) for m x k by k x N, A transposed or not, against a double loop.
template <class T, std::size_t N>
double gemm_error(std::size_t m, std::size_t k, bool transposed, bool with_bias) {
    const auto a = random_values<T>(m * k, 1), b = random_values<T>(k * N, 2), bias = random_values<T>(N, 3);
    // A is m x k; stored row-major (a_m = k, a_k = 1) or as its transpose (a_m = 1, a_k = m).
    const std::size_t a_m = transposed ? 1 : k, a_k = transposed ? m : 1;
    std::vector<T> c(m * N + 1, T(7));  // one guard value after the end
    ctnn::kernels::gemm<T, N>(m, k, a.data(), a_m, a_k, b.data(), N, with_bias ? bias.data() : nullptr, c.data(), N);
    double worst = c[m * N] == T(7) ? 0.0 : 1e9;  // nothing written past C
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < N; ++j) {
            double want = with_bias ? double(bias[j]) : 0.0;
            for (std::size_t t = 0; t < k; ++t) want += double(a[i * a_m + t * a_k]) * double(b[t * N + j]);
            worst = std::max(worst, std::abs(double(c[i * N + j]) - want));
        }
    return worst;
}

template <class T, std::size_t N>
void check_gemm() {
    const double tolerance = std::is_same_v<T, float> ? 2e-5 : 1e-13;
    for (std::size_t m : {1, 2, 3, 4, 5, 6, 7, 11, 13, 128})
        for (std::size_t k : {1, 3, 33})
            for (bool transposed : {false, true})
                for (bool bias : {false, true}) {
                    CAPTURE(N);
                    CAPTURE(m);
                    CAPTURE(k);
                    CAPTURE(transposed);
                    CHECK(gemm_error<T, N>(m, k, transposed, bias) < tolerance);
                }
}

}  // namespace

TEST_CASE_TEMPLATE("gemm matches a double loop for every tile edge", T, float, double) {
    check_gemm<T, 1>();
    check_gemm<T, 3>();
    check_gemm<T, 4>();
    check_gemm<T, 10>();
    check_gemm<T, 16>();
    check_gemm<T, 17>();
    check_gemm<T, 64>();
    check_gemm<T, 70>();
    check_gemm<T, 128>();
}

TEST_CASE_TEMPLATE("rows to lanes and back, with leftover columns", T, float, double) {
    constexpr std::size_t L = ctnn::simd::max_lanes<T>;
    auto check = [&]<std::size_t Cols>(std::integral_constant<std::size_t, Cols>) {
        const auto rows = random_values<T>(L * Cols, 4);
        std::vector<T> lanes(L * Cols), back(L * Cols);
        ctnn::detail::rows_to_lanes<T, Cols>(rows.data(), lanes.data());
        bool transposed = true;
        for (std::size_t s = 0; s < L; ++s)
            for (std::size_t c = 0; c < Cols; ++c) transposed = transposed && lanes[c * L + s] == rows[s * Cols + c];
        ctnn::detail::lanes_to_rows<T, Cols>(lanes.data(), back.data());
        CAPTURE(Cols);
        CHECK(transposed);
        CHECK(back == rows);
    };
    check(std::integral_constant<std::size_t, 1>{});
    check(std::integral_constant<std::size_t, 4>{});
    check(std::integral_constant<std::size_t, 16>{});
    check(std::integral_constant<std::size_t, 33>{});
    check(std::integral_constant<std::size_t, 64>{});
}

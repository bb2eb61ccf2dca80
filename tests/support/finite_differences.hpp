// The finite-difference gradient check, in double, shared by tests/gradients.cpp
// and tests/conformance.cpp: random weights, a batch, the analytic gradient of
// the batch loss from Backprop (the trainer's pass) against central
// differences with Richardson's extrapolation, relative error below 1e-6.
// (4 D(h) - D(2h)) / 3 of the central difference D has a truncation error of
// order h^4, so h can be 1e-4, where the loss's rounding noise (about 1e-14
// of it with Winograd's transforms, whose intermediate sums are larger than a
// direct convolution's) divided by h stays near 1e-10. The plain central
// difference at h = 1e-6 turned that noise into errors of 5e-8, above the
// bound for gradients near 1e-2.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

#include "reference.hpp"

namespace test {

template <class Model, class L>
void check_gradient(L loss, double target_low, double target_high, bool one_hot = false, unsigned seed = 1) {
    constexpr std::size_t n = 5, P = Model::parameter_count;
    Model model(ctnn::Seed{seed});
    ctnn::Rng rng(ctnn::Seed{seed + 100});
    for (double& w : model.parameters()) w = rng.uniform(-0.8, 0.8);
    ctnn::Backprop<Model, L> pass(loss, n);
    const auto xs = random_inputs<double, Model::input_size>(n, seed, 1.5);
    auto load = [&] {
        for (std::size_t r = 0; r < n; ++r) {
            for (std::size_t i = 0; i < Model::input_size; ++i) pass.inputs()[r * Model::input_size + i] = xs[r][i];
            for (std::size_t j = 0; j < Model::output_size; ++j) {
                double& t = pass.targets()[r * Model::output_size + j];
                t = one_hot ? (j == (r % Model::output_size) ? 1.0 : 0.0)
                            : target_low + (target_high - target_low) * double((r * 7 + j * 3) % 11) / 10.0;
            }
        }
    };
    std::vector<double> analytic(P), ignored(P);
    // Each run draws the same dropout masks, so the loss is one function of the weights.
    auto run = [&](std::vector<double>& gradient) {
        ctnn::Rng masks(ctnn::Seed{seed});
        load();
        return pass.run(model, n, std::span<double, P>(gradient), masks);
    };
    run(analytic);

    const double h = 1e-4;
    double diff2 = 0, norm2 = 0;
    for (std::size_t k = 0; k < P; ++k) {
        const double saved = model.parameters()[k];
        auto central = [&](double step) {
            model.parameters()[k] = saved + step;
            const double up = run(ignored);
            model.parameters()[k] = saved - step;
            const double down = run(ignored);
            model.parameters()[k] = saved;
            return (up - down) / (2 * step);
        };
        const double numeric = (4 * central(h) - central(2 * h)) / 3;
        CAPTURE(k);
        CHECK(std::abs(analytic[k] - numeric) <= 1e-6 * std::max(std::abs(numeric), 1e-3));
        diff2 += (analytic[k] - numeric) * (analytic[k] - numeric);
        norm2 += numeric * numeric;
    }
    CHECK(norm2 > 0);
    CHECK(std::sqrt(diff2 / norm2) < 1e-6);
}

}  // namespace test

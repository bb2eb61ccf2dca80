// split, StandardScaler, MinMaxScaler and the Normalization layer against
// their formulas; split sizes and determinism; the scalers' copies
// (transformed) and the rows they take; Table::to_rows into trainer.predict.
#include <algorithm>
#include <cmath>
#include <set>
#include <span>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

#include "support/reference.hpp"

using namespace ctnn;

namespace {
Dataset<float, 2, 1> numbered(std::size_t n) {
    Dataset<float, 2, 1> d;
    for (std::size_t r = 0; r < n; ++r) {
        d.x.push_back({float(r), float(r) * 2});
        d.y.push_back({float(r) * 10});
    }
    return d;
}
}  // namespace

TEST_CASE("split: train gets round(fraction * N) rows, shuffled by the seed; every row lands once") {
    const auto data = numbered(351);
    const auto [train, valid] = split(data, 0.7, 0);
    CHECK(train.size() == 246);  // round(245.7)
    CHECK(valid.size() == 105);
    std::set<float> seen;
    for (const auto* part : {&train, &valid})
        for (std::size_t r = 0; r < part->size(); ++r) {
            CHECK(part->y[r][0] == part->x[r][0] * 10);  // rows stay whole
            seen.insert(part->x[r][0]);
        }
    CHECK(seen.size() == 351);
    const auto again = split(data, 0.7, 0), other = split(data, 0.7, 1);
    CHECK(again.first.x == train.x);
    CHECK(other.first.x != train.x);
    CHECK(split(numbered(5), 0.5, 0).first.size() == 2);  // 2.5 rounds to even, as Python's round
    CHECK(split(numbered(7), 0.5, 0).first.size() == 4);  // 3.5 too
    CHECK_THROWS_WITH_AS((void)split(data, 1.0, 0), doctest::Contains("expected a number in (0, 1)"), Error);
}

TEST_CASE("StandardScaler: (x - mean) / std, fitted on training rows; inverse; constant columns") {
    std::vector<std::array<double, 3>> train = {{1, 10, 5}, {2, 20, 5}, {3, 60, 5}, {6, 30, 5}};
    StandardScaler scaler;
    scaler.fit(train);
    CHECK(scaler.offset[0] == doctest::Approx(3.0));
    CHECK(scaler.scale[0] == doctest::Approx(std::sqrt((4 + 1 + 0 + 9) / 4.0)));
    CHECK(scaler.offset[1] == doctest::Approx(30.0));
    CHECK(scaler.scale[2] == 1.0);  // constant: scale 1, so it maps to 0
    auto scaled = train;
    scaler.transform(scaled);
    for (std::size_t c = 0; c < 3; ++c) {
        double mean = 0, var = 0;
        for (const auto& row : scaled) mean += row[c] / 4;
        for (const auto& row : scaled) var += (row[c] - mean) * (row[c] - mean) / 4;
        CHECK(mean == doctest::Approx(0.0).epsilon(1e-12));
        CHECK(var == doctest::Approx(c == 2 ? 0.0 : 1.0).epsilon(1e-12));
    }
    // New rows use the training statistics.
    std::vector<std::array<double, 3>> fresh = {{3, 30, 7}};
    scaler.transform(fresh);
    CHECK(fresh[0][0] == doctest::Approx(0.0));
    CHECK(fresh[0][2] == doctest::Approx(2.0));
    scaler.inverse_transform(scaled);
    for (std::size_t r = 0; r < 4; ++r)
        for (std::size_t c = 0; c < 3; ++c) CHECK(scaled[r][c] == doctest::Approx(train[r][c]).epsilon(1e-12));

    StandardScaler unfitted;
    CHECK_THROWS_WITH_AS(unfitted.transform(fresh), doctest::Contains("not been fitted"), Error);
    std::vector<std::array<double, 2>> narrow = {{1, 2}};
    CHECK_THROWS_WITH_AS(scaler.transform(narrow), doctest::Contains("rows of 2 values, but the scaler was fitted on 3"),
                         Error);
    CHECK_THROWS_AS(StandardScaler{}.fit(std::vector<std::array<double, 3>>{}), Error);
}

TEST_CASE("MinMaxScaler: (x - min) / (max - min) into [0, 1]; inverse for targets") {
    std::vector<std::array<float, 2>> y = {{3.f, 1.f}, {5.f, 1.f}, {9.f, 1.f}};
    MinMaxScaler scaler;
    scaler.fit(y);
    auto scaled = y;
    scaler.transform(scaled);
    CHECK(scaled[0][0] == 0.f);
    CHECK(scaled[1][0] == doctest::Approx(2.f / 6.f));
    CHECK(scaled[2][0] == 1.f);
    CHECK(scaled[1][1] == 0.f);  // constant column
    std::vector<std::array<float, 2>> prediction = {{0.5f, 0.f}};
    scaler.inverse_transform(prediction);
    CHECK(prediction[0][0] == doctest::Approx(6.f));
}

TEST_CASE("Scalers take a Dataset's rows as they are; transformed returns a scaled copy") {
    Dataset<float, 2, 1> data;
    data.x = {{1, 10}, {3, 10}, {5, 40}};
    data.y = {{2}, {4}, {12}};
    StandardScaler features;
    features.fit(data.x);  // mean {3, 20}, std {sqrt(8/3), sqrt(200)}
    CHECK(features.offset == std::vector<double>{3, 20});
    CHECK(features.scale[0] == doctest::Approx(std::sqrt(8.0 / 3)));
    CHECK(features.scale[1] == doctest::Approx(std::sqrt(200.0)));
    MinMaxScaler targets;
    targets.fit(data.y);  // min 2, max 12

    // transformed: a copy, scaled; the rows are left as they were.
    const auto original = data.x;
    const std::vector<std::array<float, 2>> x = features.transformed(data.x);
    CHECK(data.x == original);
    REQUIRE(x.size() == 3);
    CHECK(x[0][0] == doctest::Approx(-2 / std::sqrt(8.0 / 3)));
    CHECK(x[1][0] == 0.f);
    CHECK(x[2][1] == doctest::Approx(20 / std::sqrt(200.0)));
    const auto y = targets.transformed(data.y);
    CHECK(y == std::vector<std::array<float, 1>>{{0.f}, {0.2f}, {1.f}});
    // ... the same numbers as transform in place.
    auto in_place = data.x;
    features.transform(in_place);
    CHECK(in_place == x);
    // inverse_transformed: predictions back in the original units.
    const std::vector<std::array<float, 1>> predictions = {{0.5f}, {0.f}};
    CHECK(targets.inverse_transformed(predictions) == std::vector<std::array<float, 1>>{{7.f}, {2.f}});
    CHECK(predictions[0][0] == 0.5f);
    const auto back = features.inverse_transformed(x);
    for (std::size_t r = 0; r < 3; ++r)
        for (std::size_t c = 0; c < 2; ++c) CHECK(back[r][c] == doctest::Approx(original[r][c]));

    // Spans work too, const ones for fit and the copies, mutable ones in place.
    const std::span<const std::array<float, 2>> view(data.x);
    CHECK(StandardScaler{}.fit(view).offset == features.offset);
    CHECK(features.transformed(view) == x);
    std::vector<std::array<float, 2>> buffer = original;
    features.transform(std::span(buffer));
    CHECK(buffer == x);
    // The copy keeps the rows' scalar type.
    const std::vector<std::array<double, 1>> wide = {{4.0}};
    static_assert(std::is_same_v<decltype(targets.transformed(wide)), std::vector<std::array<double, 1>>>);
    CHECK(targets.transformed(wide)[0][0] == doctest::Approx(0.2));
    // Errors are those of transform.
    CHECK_THROWS_WITH_AS((void)StandardScaler{}.transformed(data.x), doctest::Contains("not been fitted"), Error);
    CHECK_THROWS_WITH_AS((void)targets.transformed(data.x),
                         doctest::Contains("transformed: rows of 2 values, but the scaler was fitted on 1"), Error);

    // What a scaler takes (anything else is one static_assert: tests/compile_fail/scaler_fit_dataset.cpp).
    static_assert(detail::takes_rows<std::vector<std::array<float, 3>>>);
    static_assert(detail::takes_rows<std::span<const std::array<double, 3>>>);
    static_assert(!detail::takes_rows<Dataset<float, 2, 1>>);
    static_assert(!detail::takes_rows<Table>);
    static_assert(!detail::takes_rows<std::vector<float>>);
    static_assert(!detail::takes_rows<std::vector<std::array<int, 2>>>);
    static_assert(detail::takes_mutable_rows<std::vector<std::array<float, 3>>&>);
    static_assert(!detail::takes_mutable_rows<const std::vector<std::array<float, 3>>&>);
}

TEST_CASE("Table::to_rows feeds trainer.predict: predictions for unlabeled rows") {
    Table unlabeled;
    unlabeled.add_column("a", {0.5, -1, 2}).add_column("b", {1, 0, -3});
    const std::vector<std::array<float, 2>> rows = unlabeled.to_rows<2>();
    Sequential<Dense<2, 1>> model(Seed{4});
    const auto trainer = compile(model, SGD{}, MSE{});
    const std::vector<std::array<float, 1>> predictions = trainer.predict(rows);
    REQUIRE(predictions.size() == 3);
    for (std::size_t r = 0; r < 3; ++r) CHECK(predictions[r] == model(rows[r]));
    CHECK(predictions[1] == model({-1.f, 0.f}));
}

TEST_CASE("Normalization adapts to the training rows and normalizes inside the model") {
    using Model = BasicSequential<double, Normalization, Dense<3, 2>>;
    Model model(Seed{1});
    static_assert(Model::state_count == 6 && Model::input_size == 3);
    Dataset<double, 3, 2> data;
    data.x = {{1, 100, 5}, {3, 300, 5}, {5, 200, 5}, {7, 400, 5}};
    data.y.assign(4, {0, 0});
    const auto x = std::array<double, 3>{4, 250, 6};
    const auto before = model(x);  // identity before adapt: mean 0, variance 1
    Model plain_dense(Seed{1});
    CHECK(before == plain_dense(x));
    model.layer<0>().adapt(data);
    auto norm = model.layer<0>();
    CHECK(norm.mean()[0] == 4.0);
    CHECK(norm.variance()[0] == 5.0);
    CHECK(norm.variance()[2] == 0.0);
    // Output (x - mean) / max(sqrt(variance), 1e-7), then the Dense layer.
    const std::array<double, 3> normalized = {(4 - 4.0) / std::sqrt(5.0), (250 - 250.0) / std::sqrt(12500.0),
                                              (6 - 5.0) / 1e-7};
    using DenseOnly = BasicSequential<double, Dense<3, 2>>;
    DenseOnly dense(std::array<double, 8>{});
    std::copy(model.parameters().begin(), model.parameters().end(), dense.parameters().begin());
    const auto want = dense(normalized), got = model(x);
    CHECK(got[0] == doctest::Approx(want[0]).epsilon(1e-12));
    CHECK(got[1] == doctest::Approx(want[1]).epsilon(1e-12));
    Model raw(Seed{1});
    raw.layer<0>().adapt(data.x);  // the rows alone work too
    CHECK(std::ranges::equal(raw.state(), model.state()));
}

// The library's PRNG: SplitMix64 reference outputs (so every platform draws
// the same numbers) and the uniform mapping.
#include <algorithm>
#include <cstdint>

#include <doctest/doctest.h>

#include <ctnn/core/random.hpp>

TEST_CASE("Rng is SplitMix64: reference outputs for seeds 0 and 42") {
    ctnn::Rng zero(ctnn::Seed{0});
    CHECK(zero.next() == 0xe220a8397b1dcdafull);
    CHECK(zero.next() == 0x6e789e6aa1b965f4ull);
    CHECK(zero.next() == 0x06c45d188009454full);
    ctnn::Rng answer(ctnn::Seed{42});
    CHECK(answer.next() == 0xbdd732262feb6e95ull);
    CHECK(answer.next() == 0x28efe333b266f103ull);
}

TEST_CASE("uniform() uses the top 53 bits and stays in [0, 1)") {
    ctnn::Rng a(ctnn::Seed{7}), b(ctnn::Seed{7});
    double lowest = 1, highest = 0, sum = 0;
    constexpr int n = 100000;
    for (int i = 0; i < n; ++i) {
        const double u = a.uniform();
        CHECK_EQ(u, double(b.next() >> 11) * 0x1.0p-53);
        REQUIRE(u >= 0.0);
        REQUIRE(u < 1.0);
        lowest = std::min(lowest, u), highest = std::max(highest, u), sum += u;
    }
    CHECK(lowest < 1e-3);
    CHECK(highest > 1 - 1e-3);
    CHECK(sum / n == doctest::Approx(0.5).epsilon(0.01));
}

TEST_CASE("Rng works in constant expressions") {
    constexpr auto first = [] { ctnn::Rng r(ctnn::Seed{0}); return r.next(); }();
    static_assert(first == 0xe220a8397b1dcdafull);
    CHECK(first == 0xe220a8397b1dcdafull);
}

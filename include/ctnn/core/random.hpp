// The library's own pseudo-random numbers: initial weights (and later shuffling
// orders and dropout masks) depend on their seed alone, identically on every
// platform and standard library. std::uniform_real_distribution is not used
// because libstdc++, libc++ and MSVC compute it differently.
#pragma once

#include <cstdint>

namespace ctnn {

// The seed a model is initialized from: `Model m(ctnn::Seed{42});`.
struct Seed {
    std::uint64_t value = 0;
};

// SplitMix64 (Steele, Lea and Flood 2014): 64 bits of state, passes BigCrush,
// and each output is a pure function of the seed and the draw's position.
class Rng {
public:
    constexpr explicit Rng(Seed seed) noexcept : state_(seed.value) {}

    constexpr std::uint64_t next() noexcept {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    // Uniform on [0, 1) with 53 random bits; exact in double on every platform.
    constexpr double uniform() noexcept {
        return static_cast<double>(next() >> 11) * 0x1.0p-53;
    }

    // Uniform on [low, high), computed in double and rounded once to the caller's type.
    constexpr double uniform(double low, double high) noexcept {
        return low + (high - low) * uniform();
    }

private:
    std::uint64_t state_;
};

}  // namespace ctnn

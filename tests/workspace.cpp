// The caller-owned inference workspace (Model::workspace_bytes, Model::Workspace):
// its size against the formula, outputs bit-identical to the stack path for
// several models (vectors, one and two layers, double, rank 2, a streaming
// step), a byte span at every misalignment, writes confined to the span, the
// rejection of a span of the wrong size, and no allocation.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <span>
#include <type_traits>

#include <doctest/doctest.h>

#include <ctnn/core.hpp>

#include "support/allocation_counter.hpp"
#include "support/reference.hpp"

using namespace ctnn;

namespace {

using Card = Sequential<Dense<33, 4, ReLU>, Dense<4, 4, ReLU>, Dense<4, 1, Sigmoid>>;
using Deep = Sequential<Dense<5, 70, Tanh>, Dense<70, 9, ReLU>, Dense<9, 40, ELU>, Dense<40, 3, Softmax>>;
using One = Sequential<Dense<7, 3, Tanh>>;
using Two = BasicSequential<double, Dense<8, 30, ReLU>, Dense<30, 2>>;
using Rank2 = Sequential<Input<8, 3>, Dense<3, 4>, Flatten, Dense<32, 2>>;
using Normalized = Sequential<Dense<6, 12, ReLU>, BatchNormalization, Dense<12, 4, Sigmoid>>;

constexpr std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

// The formula, written out per model: output buffer + ping-pong buffers of the
// widest hidden width, rounded to whole vectors, plus alignment slack.
template <class T>
constexpr std::size_t expected_bytes(std::size_t output, std::size_t buffers, std::size_t widest_hidden) {
    constexpr std::size_t L = simd::max_lanes<T>;
    return (round_up(output, L) + buffers * round_up(widest_hidden, L)) * sizeof(T) + L * sizeof(T) - 1;
}

static_assert(Card::workspace_bytes == expected_bytes<float>(1, 2, 4));
static_assert(Deep::workspace_bytes == expected_bytes<float>(3, 2, 70));
static_assert(One::workspace_bytes == expected_bytes<float>(3, 0, 0));
static_assert(Two::workspace_bytes == expected_bytes<double>(2, 1, 30));
static_assert(Rank2::workspace_bytes == expected_bytes<float>(2, 2, 32));  // (8, 4) = 32, flattened 32
static_assert(Normalized::workspace_bytes == expected_bytes<float>(4, 2, 12));
static_assert(Card::workspace_bytes ==
              (kernels::padded_size<float>(Card::output_size) +
               Card::inference_buffer_count * Card::inference_buffer_size) * sizeof(float) +
                  simd::block_alignment<float> - 1);

template <class Model>
constexpr bool workspace_type_fits =
    sizeof(typename Model::Workspace) >= Model::workspace_bytes &&
    alignof(typename Model::Workspace) == simd::block_alignment<typename Model::value_type>;
static_assert(workspace_type_fits<Card> && workspace_type_fits<Deep> && workspace_type_fits<One> &&
              workspace_type_fits<Two> && workspace_type_fits<Rank2> && workspace_type_fits<Normalized>);

// The overloads are noexcept, and only a span of exactly workspace_bytes binds:
// a smaller (or dynamic-extent) one does not compile instead of overrunning.
template <class Model>
using In = std::array<typename Model::value_type, Model::input_size>;
static_assert(noexcept(std::declval<const Card&>()(std::declval<const In<Card>&>(),
                                                   std::declval<Card::Workspace&>())));
static_assert(noexcept(std::declval<const Card&>().predict(
    std::declval<const In<Card>&>(), std::declval<std::span<std::byte, Card::workspace_bytes>>())));
static_assert(std::is_invocable_v<const Card&, const In<Card>&, std::span<std::byte, Card::workspace_bytes>>);
static_assert(!std::is_invocable_v<const Card&, const In<Card>&, std::span<std::byte, Card::workspace_bytes - 1>>);
static_assert(!std::is_invocable_v<const Card&, const In<Card>&, std::span<std::byte>>);
static_assert(!std::is_invocable_v<const Card&, const In<Card>&, Deep::Workspace&>);

template <class T, std::size_t N>
bool same_bits(const std::array<T, N>& a, const std::array<T, N>& b) {
    return std::memcmp(a.data(), b.data(), sizeof(a)) == 0;
}

// Non-zero biases and statistics, so every part of every layer counts.
template <class Model>
Model model_with_biases() {
    using T = typename Model::value_type;
    Model m(Seed{31});
    Rng rng(Seed{5});
    for (T& v : m.parameters()) v += T(rng.uniform(-0.2, 0.2));
    for (T& v : m.state()) v = T(rng.uniform(0.5, 1.5));
    return m;
}

}  // namespace

TEST_CASE_TEMPLATE("a workspace gives the stack path's outputs to the bit", Model, Card, Deep, One, Two, Rank2,
                   Normalized) {
    using T = typename Model::value_type;
    constexpr std::size_t W = Model::workspace_bytes;
    constexpr std::size_t A = simd::block_alignment<T>;
    const Model m = model_with_biases<Model>();
    static typename Model::Workspace arena;
    // A byte buffer with guard bytes, so each misalignment can be tried and the
    // writes can be seen to stay inside the span.
    alignas(64) static std::array<std::byte, W + 2 * 64> bytes;

    const auto xs = test::random_inputs<T, Model::input_size>(12, 17);
    std::size_t differing = 0;
    for (std::size_t k = 0; k < xs.size(); ++k) {
        const auto y = m(xs[k]);
        if (k > 0 && !same_bits(y, m(xs[0]))) ++differing;
        CHECK(same_bits(m(xs[k], arena), y));
        CHECK(same_bits(m.predict(xs[k], arena), y));
        CHECK(same_bits(m(std::span<const T, Model::input_size>(xs[k]), arena), y));
        CHECK(same_bits(m.predict(std::span<const T, Model::input_size>(xs[k]), arena), y));
        const std::size_t offset = 64 + k % A;
        std::ranges::fill(bytes, std::byte{0xA5});
        const std::span<std::byte, W> span(bytes.data() + offset, W);
        CHECK(same_bits(k % 2 ? m(xs[k], span) : m.predict(xs[k], span), y));
        CHECK(std::all_of(bytes.begin(), bytes.begin() + offset, [](std::byte b) { return b == std::byte{0xA5}; }));
        CHECK(std::all_of(bytes.begin() + offset + W, bytes.end(), [](std::byte b) { return b == std::byte{0xA5}; }));
        // The pass did run in the span (it is not the stack path in disguise).
        CHECK(std::any_of(span.begin(), span.end(), [](std::byte b) { return b != std::byte{0xA5}; }));
    }
    CHECK(differing > 0);  // the inputs reach the outputs
}

// The values themselves, against plain double loops over the Keras layout:
// Dense<3, 4> on each of the 8 rows, flattened row-major, then Dense<32, 2>.
TEST_CASE("the rank-2 model in a workspace matches an independent forward pass") {
    const Rank2 m = model_with_biases<Rank2>();
    static Rank2::Workspace arena;
    const auto xs = test::random_inputs<float, 24>(5, 3);
    for (const auto& x : xs) {
        std::array<double, 32> hidden{};
        for (std::size_t r = 0; r < 8; ++r)
            for (std::size_t j = 0; j < 4; ++j) {
                double s = m.layer<0>().bias()[j];
                for (std::size_t c = 0; c < 3; ++c) s += double(x[r * 3 + c]) * m.layer<0>().kernel()(c, j);
                hidden[r * 4 + j] = s;
            }
        const auto y = m(x, arena);
        for (std::size_t j = 0; j < 2; ++j) {
            double s = m.layer<2>().bias()[j];
            for (std::size_t i = 0; i < 32; ++i) s += hidden[i] * m.layer<2>().kernel()(i, j);
            CHECK(double(y[j]) == doctest::Approx(s).epsilon(1e-5));
        }
    }
}

TEST_CASE("a streaming step in a workspace matches the stack step") {
    const Card m = model_with_biases<Card>();
    static Card::Workspace arena;
    Card::Stream a, b;
    for (const auto& x : test::random_inputs<float, 33>(4, 8)) {
        const auto y = m.step(a, x);
        CHECK(same_bits(m.step(b, x, arena), y));
        CHECK(same_bits(m.step(b, std::span<const float, 33>(x), std::span<std::byte, Card::workspace_bytes>(
                                                                       arena.bytes)),
                        y));
        CHECK(same_bits(y, m(x)));
    }
}

TEST_CASE("inference in a workspace allocates nothing") {
    const Rank2 m = model_with_biases<Rank2>();
    static Rank2::Workspace arena;
    alignas(64) static std::array<std::byte, Rank2::workspace_bytes> bytes;
    const auto xs = test::random_inputs<float, 24>(3, 1);
    const long before = test::allocation_count();
    float sum = 0;
    for (const auto& x : xs) {
        sum += m(x, arena)[0];
        sum += m.predict(x, std::span<std::byte, Rank2::workspace_bytes>(bytes))[1];
    }
    CHECK(test::allocation_count() == before);
    CHECK(sum == sum);  // keeps the calls
}

// Training throughput of the card's 33-4-4-1 model on 351 rows of 33 features
// (the Ionosphere data set's shape; random values here), Adam, batch 32,
// binary cross-entropy: what fit() sustains, in samples per second. Each
// iteration runs fit() for 20 epochs, so its set-up is amortized as in real use.
#include <array>
#include <vector>

#include <benchmark/benchmark.h>

#include <ctnn/ctnn.hpp>

namespace {

using Card = ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<4, 4, ctnn::ReLU>,
                              ctnn::Dense<4, 1, ctnn::Sigmoid>>;

ctnn::Dataset<float, 33, 1> ionosphere_shaped() {
    ctnn::Rng rng(ctnn::Seed{351});
    ctnn::Dataset<float, 33, 1> data;
    for (int r = 0; r < 351; ++r) {
        std::array<float, 33> x{};
        for (float& v : x) v = float(rng.uniform(-1, 1));
        data.x.push_back(x);
        data.y.push_back({x[0] + x[1] > 0 ? 1.f : 0.f});
    }
    return data;
}

void train_card(benchmark::State& state) {
    const auto data = ionosphere_shaped();
    Card model(ctnn::Seed{1});
    auto trainer = ctnn::compile(model, ctnn::Adam{}, ctnn::BinaryCrossentropy{}, ctnn::BinaryAccuracy{});
    constexpr std::size_t epochs = 20;
    for (auto _ : state) {
        auto history = trainer.fit(data, {.batch_size = 32, .epochs = epochs, .verbose = 0});
        benchmark::DoNotOptimize(history);
    }
    state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(epochs * data.size()));
}

}  // namespace

BENCHMARK(train_card)->Name("BM_Train_33_4_4_1/ctnn")->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();

// Training speed of ctnn's fit(), under the names the peers' programs use
// (benchmarks/peers/*.cpp, benchmarks/pytorch_training.py) so that one table
// lines them up:
//
// - BM_Train_33_4_4_1/ctnn: the card's 33-4-4-1 model (ReLU, ReLU, Sigmoid) on
//   351 Ionosphere-shaped rows (benchmarks/common/training_data.hpp), Adam
//   (learning rate 1e-3), batch 32, binary cross-entropy. Each iteration runs
//   fit() for 20 epochs on the same model, so its set-up is amortized as in
//   real use; items/s are samples/s.
// - BM_TrainEpoch_FashionMNIST/ctnn: 784-128(ReLU)-10(Softmax) on the real
//   Fashion-MNIST, Adam, batch 128, categorical cross-entropy, one epoch over
//   the 60,000 training images, shuffled. Each iteration starts from a fresh
//   model; only fit() is timed. The test accuracy afterwards (10,000 images,
//   not timed) is the counter test_accuracy, so a fast but wrong epoch shows.
//   Skipped with a message when the data set is not in $CTNN_DATA (default
//   data/).
#include <cstdint>
#include <memory>

#include <benchmark/benchmark.h>

#include <ctnn/ctnn.hpp>

#include "common/training_data.hpp"

namespace {

using Card = ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<4, 4, ctnn::ReLU>,
                              ctnn::Dense<4, 1, ctnn::Sigmoid>>;

void train_card(benchmark::State& state) {
    const auto data = bench::ionosphere_shaped().dataset;
    Card model(ctnn::Seed{1});
    auto trainer = ctnn::compile(model, ctnn::Adam{}, ctnn::BinaryCrossentropy{}, ctnn::BinaryAccuracy{});
    constexpr std::size_t epochs = 20;
    for (auto _ : state) {
        auto history = trainer.fit(data, {.batch_size = 32, .epochs = epochs, .verbose = 0});
        benchmark::DoNotOptimize(history);
    }
    state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(epochs * data.size()));
}

using Fashion = ctnn::Sequential<ctnn::Dense<784, 128, ctnn::ReLU>, ctnn::Dense<128, 10, ctnn::Softmax>>;

struct FashionData {
    ctnn::Dataset<float, 784, 10> train, test;
};

void train_fashion_epoch(benchmark::State& state) {
    static const auto loaded = bench::load_once([] {
        const bench::FashionMnist plain = bench::load_fashion_mnist(bench::data_dir());
        return FashionData{bench::to_dataset(plain.train), bench::to_dataset(plain.test)};
    });
    if (!loaded.data) {
        state.SkipWithError(loaded.error.c_str());
        return;
    }
    const FashionData& data = *loaded.data;

    double accuracy_sum = 0;
    for (auto _ : state) {
        state.PauseTiming();  // a fresh model (400 KB of weights: on the heap) and trainer, not timed
        auto model = std::make_unique<Fashion>(ctnn::Seed{0});
        auto trainer = ctnn::compile(*model, ctnn::Adam{}, ctnn::CategoricalCrossentropy{},
                                     ctnn::CategoricalAccuracy{});
        state.ResumeTiming();

        auto history = trainer.fit(data.train, {.batch_size = 128, .epochs = 1, .shuffle = true, .seed = 0,
                                                .verbose = 0});
        benchmark::DoNotOptimize(history);

        state.PauseTiming();
        accuracy_sum += trainer.evaluate(data.test)["categorical_accuracy"];
        state.ResumeTiming();
    }
    state.counters["test_accuracy"] = accuracy_sum / double(state.iterations());
    state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(data.train.size()));
}

}  // namespace

BENCHMARK(train_card)->Name("BM_Train_33_4_4_1/ctnn")->Unit(benchmark::kMillisecond);
// No ->Iterations(1): Google Benchmark 1.7.1 would append "/iterations:1" to
// the name. An epoch takes about the default minimum time (0.5 s), so a
// repetition runs one or a few of them.
BENCHMARK(train_fashion_epoch)->Name("BM_TrainEpoch_FashionMNIST/ctnn")->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();

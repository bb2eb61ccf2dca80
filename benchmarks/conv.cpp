// The convolution cases of issue 15 (benchmarks/common/conv_cases.hpp), ctnn's
// side: single images and the Conv1D sequences in a caller-owned Workspace
// (the CNN's activations are about 170 KB), the batch with the model's batch
// predict, the epoch with the trainer's fit. Before timing, each path is
// checked against the single-sample outputs.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <benchmark/benchmark.h>

#include <ctnn/ctnn.hpp>

#include "common/conv_cases.hpp"

namespace {

using namespace bench::conv;

template <class Model>
void register_single(const char* name, const ConvCase<Model>& c, bool per_step) {
    auto workspace = std::make_shared<typename Model::Workspace>();
    for (std::size_t k = 0; k < c.inputs.size(); ++k) c.check("ctnn workspace", k, (*c.model)(c.inputs[k], *workspace));
    benchmark::RegisterBenchmark(name, [&c, workspace, per_step](benchmark::State& state) {
        const Model& model = *c.model;
        std::size_t k = 0;
        for (auto _ : state) {
            auto y = model(c.inputs[k], *workspace);
            benchmark::DoNotOptimize(y);
            k = (k + 1) % c.inputs.size();
        }
        if (per_step) count_steps(state);
    });
}

void register_batch(const ConvCase<CNN>& c) {
    using Input = ConvCase<CNN>::Input;
    using Output = ConvCase<CNN>::Output;
    auto ys = std::make_shared<std::vector<Output>>(c.inputs.size());
    c.model->predict(std::span<const Input>(c.inputs), std::span<Output>(*ys));
    for (std::size_t k = 0; k < ys->size(); ++k) c.check("ctnn batch", k, (*ys)[k]);
    benchmark::RegisterBenchmark("BM_InferBatchCNN/ctnn", [&c, ys](benchmark::State& state) {
        for (auto _ : state) {
            c.model->predict(std::span<const Input>(c.inputs), std::span<Output>(*ys));
            benchmark::DoNotOptimize(ys->data());
            benchmark::ClobberMemory();
        }
        state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(ys->size()));
    });
}

// One epoch with fit's `threads` (the model is the same bits for every count).
void train_cnn_epoch(benchmark::State& state, std::size_t threads) {
    if (!bench::conv::has_cores_for(state, threads)) return;
    const auto& loaded = epoch_data();
    if (!loaded.data) {
        state.SkipWithError(loaded.error.c_str());
        return;
    }
    // Once, not per repetition.
    static const auto train = bench::to_dataset(loaded.data->train), test = bench::to_dataset(loaded.data->test);
    double accuracy_sum = 0;
    for (auto _ : state) {
        state.PauseTiming();  // a fresh model and trainer, not timed
        auto model = std::make_unique<CNN>(ctnn::Seed{0});
        auto trainer = ctnn::compile(*model, ctnn::Adam{}, ctnn::CategoricalCrossentropy{}, ctnn::CategoricalAccuracy{});
        state.ResumeTiming();
        auto history = trainer.fit(
            train, {.batch_size = 128, .epochs = 1, .shuffle = true, .seed = 0, .verbose = 0, .threads = threads});
        benchmark::DoNotOptimize(history);
        state.PauseTiming();
        accuracy_sum += trainer.evaluate(test)["categorical_accuracy"];
        state.ResumeTiming();
    }
    count_epoch(state, train.size(), accuracy_sum);
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    const auto cases = std::make_unique<const Cases>();
    register_single("BM_InferCNN/ctnn", cases->cnn, false);
    register_batch(cases->cnn_batch);
    register_single("BM_Conv1D_8x8k3_1024/ctnn", cases->conv1, true);
    register_single("BM_DilatedStack_1024/ctnn", cases->dilated, true);
    // No ->Iterations(1) (1.7.1 would append "/iterations:1" to the name).
    benchmark::RegisterBenchmark("BM_TrainEpochCNN_FashionMNIST/ctnn", train_cnn_epoch, 1)->Unit(benchmark::kMillisecond);
    // Wall-clock time: the CPU time counts the calling thread alone.
    benchmark::RegisterBenchmark("BM_TrainEpochCNN_FashionMNIST_2threads/ctnn", train_cnn_epoch, 2)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

// What a user's translation unit costs to compile: all of ctnn, the three
// benchmark models, inference (one sample and a batch) and a trainer for each.
// scripts/compile-time times this file and examples/ionosphere.cpp at -O2; it
// is also built as part of the benchmarks so that it keeps compiling.
#include <array>
#include <cstdio>
#include <memory>
#include <vector>

#include <ctnn/ctnn.hpp>

namespace {

using Card = ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<4, 4, ctnn::ReLU>,
                              ctnn::Dense<4, 1, ctnn::Sigmoid>>;
using Wide = ctnn::Sequential<ctnn::Dense<16, 64, ctnn::ReLU>, ctnn::Dense<64, 64, ctnn::ReLU>,
                              ctnn::Dense<64, 1, ctnn::Linear>>;
using Mnist = ctnn::Sequential<ctnn::Dense<784, 128, ctnn::ReLU>, ctnn::Dense<128, 10, ctnn::Softmax>>;

template <class Model, class Loss, class Metric>
double exercise(Loss loss, Metric metric) {
    auto model = std::make_unique<Model>(ctnn::Seed{1});
    ctnn::Dataset<float, Model::input_size, Model::output_size> data;
    data.x.resize(40);
    data.y.resize(40);
    for (std::size_t r = 0; r < data.size(); ++r) {
        data.x[r].fill(float(r % 7) / 7.f);
        data.y[r].fill(0.f);
        data.y[r][0] = 1.f;
    }
    auto trainer = ctnn::compile(*model, ctnn::Adam{}, loss, metric);
    trainer.fit(data, {.batch_size = 8, .epochs = 1, .verbose = 0});
    std::vector<std::array<float, Model::output_size>> ys(data.size());
    model->predict(data.x, ys);
    return double((*model)(data.x[0])[0]) + double(ys[1][0]);
}

}  // namespace

int main() {
    const double sum = exercise<Card>(ctnn::BinaryCrossentropy{}, ctnn::BinaryAccuracy{}) +
                       exercise<Wide>(ctnn::MeanSquaredError{}, ctnn::MeanAbsoluteError{}) +
                       exercise<Mnist>(ctnn::CategoricalCrossentropy{}, ctnn::CategoricalAccuracy{});
    std::printf("%g\n", sum);
    return 0;
}

// What the LibTorch peers (benchmarks/peers/libtorch.cpp, libtorch_conv.cpp)
// share for training: Fashion-MNIST as tensors and the usual PyTorch epoch.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "training_data.hpp"

namespace bench::torch_training {

// The split's images (pixels / 255) as a float tensor of `shape` (rows first:
// {rows, 784} for a Dense network, {rows, 1, 28, 28} for a convolution).
inline torch::Tensor images(const FashionSplit& split, std::vector<long> shape) {
    return torch::from_blob(const_cast<float*>(split.x.data()), shape).clone();
}

// The split's class numbers as int64, as CrossEntropyLoss takes them.
inline torch::Tensor labels(const FashionSplit& split) {
    return torch::from_blob(const_cast<std::uint8_t*>(split.labels.data()), {long(split.rows)}, torch::kUInt8)
        .to(torch::kLong);
}

// One epoch of mini-batch training in a fresh random order: randperm,
// index_select, zero_grad, forward, loss, backward, step.
template <class Loss>
void train_epoch(torch::nn::Sequential& net, torch::optim::Adam& adam, Loss& loss, const torch::Tensor& x,
                 const torch::Tensor& y, long batch) {
    const long rows = x.size(0);
    const torch::Tensor order = torch::randperm(rows, torch::kLong);
    for (long begin = 0; begin < rows; begin += batch) {
        const torch::Tensor rows_of_batch = order.slice(0, begin, std::min(begin + batch, rows));
        adam.zero_grad();
        torch::Tensor value = loss(net->forward(x.index_select(0, rows_of_batch)), y.index_select(0, rows_of_batch));
        value.backward();
        adam.step();
    }
}

}  // namespace bench::torch_training

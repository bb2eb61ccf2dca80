// The card's model, end to end at inference: build it from a seed, look at it,
// run one sample and a batch. (Training arrives with the trainer; this is the
// quick start's demo until then.)
#include <array>
#include <cstdio>
#include <iostream>
#include <vector>

#include <ctnn/ctnn.hpp>

using Model = ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<4, 4, ctnn::ReLU>,
                               ctnn::Dense<4, 1, ctnn::Sigmoid>>;

int main() {
    const Model model(ctnn::Seed{42});  // Glorot-uniform weights, zero biases, as Keras
    ctnn::summary(model, std::cout);

    std::array<float, Model::input_size> x{};
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = (i % 2 ? 0.5f : -0.25f) * float(i % 5);
    const std::array<float, 1> y = model(x);
    std::printf("\nP(class 1) for one sample: %.6f\n", double(y[0]));

    std::vector<std::array<float, Model::input_size>> batch(4, x);
    for (std::size_t k = 0; k < batch.size(); ++k) batch[k][0] = float(k);
    std::vector<std::array<float, Model::output_size>> out(batch.size());
    model.predict(batch, out);
    for (std::size_t k = 0; k < out.size(); ++k) std::printf("batch row %zu: %.6f\n", k, double(out[k][0]));

    std::printf("first kernel weight: %.6f, parameters: %zu floats in one %zu-byte-aligned block\n",
                double(model.layer<0>().kernel()(0, 0)), Model::parameter_count,
                ctnn::simd::block_alignment<float>);
}

// What an inference-only translation unit costs to compile: a user's program
// that includes only <ctnn/core.hpp> (no training, no data loading, no host
// utilities), builds the card's 33-4-4-1 model from a seed and runs it once.
// scripts/compile-time times this file at -O2 (issue 14's target: at most 0.9x
// of its time before the compile-time work); it is also built as part of the
// benchmarks so that it keeps compiling. The input comes from the command line
// (the first argument, 0.5 without one) so that the call is not folded away.
#include <array>
#include <cstdio>
#include <cstdlib>

#include <ctnn/core.hpp>

using Model = ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<4, 4, ctnn::ReLU>,
                               ctnn::Dense<4, 1, ctnn::Sigmoid>>;

int main(int argc, char** argv) {
    const float value = argc > 1 ? std::strtof(argv[1], nullptr) : 0.5f;
    std::array<float, Model::input_size> x;
    x.fill(value);
    const Model model(ctnn::Seed{0});
    const std::array<float, Model::output_size> y = model(x);
    std::printf("%.6f\n", double(y[0]));
    return 0;
}

// Softmax over one value is always 1: a model with Dense<16, 1, Softmax> does
// not compile, and the message says to use Sigmoid.
// expect: softmax_over_one_value<1>
#include <ctnn/core.hpp>

float run() {
    ctnn::Sequential<ctnn::Dense<4, 16, ctnn::ReLU>, ctnn::Dense<16, 1, ctnn::Softmax>> m;
    return m({1.f, 2.f, 3.f, 4.f})[0];
}

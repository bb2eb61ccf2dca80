// A Dense acts on the last axis: after Input<8, 3> it takes 3 inputs per step,
// so Dense<24, 1>, whose In is the flattened size, is one error naming the
// layer, its In and the last axis' width, and saying to add a Flatten.
// expect: dense_needs_flatten<0, 24, 3>
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<8, 3>, ctnn::Dense<24, 1>> model;

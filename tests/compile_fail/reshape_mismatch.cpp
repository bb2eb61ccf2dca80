// A Reshape to a shape of another number of values than its input is one
// error naming the layer and both counts.
// expect: reshape_mismatch<1, 32, 30>
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<8, 3>, ctnn::Dense<3, 4>, ctnn::Reshape<5, 6>, ctnn::Flatten, ctnn::Dense<30, 1>> model;

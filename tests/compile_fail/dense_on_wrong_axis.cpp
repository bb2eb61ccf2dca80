// A Dense acts on the last axis: after Input<8, 3> it takes 3 inputs per step,
// so Dense<24, 1> without a Flatten before it is one error naming the layer
// and both widths.
// expect: shape_mismatch<0, 24, 3>
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<8, 3>, ctnn::Dense<24, 1>> model;

// A Dense whose In is neither the last axis' width (3 after Input<8, 3>) nor
// the flattened size (24) is a plain shape_mismatch naming the layer, its In
// and the last axis' width.
// expect: shape_mismatch<0, 5, 3>
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<8, 3>, ctnn::Dense<5, 1>> model;

// A stride of 0 never moves the window.
// expect: strides must be at least 1
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<8, 3>, ctnn::Conv1D<4, 3, ctnn::Linear, ctnn::Conv{.strides = 0}>> model;

// Keras rejects strides and dilation_rate both above 1.
// expect: strides above 1 together with dilation_rate above 1
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<16, 3>, ctnn::Conv1D<4, 3, ctnn::Linear, ctnn::Conv{.strides = 2, .dilation_rate = 2}>> model;

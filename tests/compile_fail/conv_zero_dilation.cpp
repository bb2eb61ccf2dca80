// A dilation of 0 puts every tap on the same value.
// expect: dilation_rate must be at least 1
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<8, 8, 3>, ctnn::Conv2D<4, 3, 3, ctnn::Linear, ctnn::Conv{.dilation_rate = {1, 0}}>> model;

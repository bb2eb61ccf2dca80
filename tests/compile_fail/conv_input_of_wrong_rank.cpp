// A Conv2D on (steps, channels): it takes (rows, cols, channels).
// expect: conv_input_of_wrong_rank<1, 2, 3>
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<8, 3>, ctnn::Dense<3, 3>, ctnn::Conv2D<4, 3, 3>> model;

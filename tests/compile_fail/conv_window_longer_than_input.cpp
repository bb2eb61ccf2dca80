// A valid Conv1D whose dilated window (2 * (3 - 1) + 1 = 5 steps) is longer than its 4-step input.
// expect: conv_window_longer_than_input<0, 5, 4>
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<4, 2>, ctnn::Conv1D<3, 3, ctnn::Linear, ctnn::Conv{.dilation_rate = 2}>> model;

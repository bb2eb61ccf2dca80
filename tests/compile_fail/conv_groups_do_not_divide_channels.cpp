// groups = 2 on an input of 3 channels.
// expect: conv_groups_do_not_divide_channels<0, 3, 2>
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<8, 3>, ctnn::Conv1D<4, 3, ctnn::Linear, ctnn::Conv{.groups = 2}>> model;

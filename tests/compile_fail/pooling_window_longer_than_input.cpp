// A valid 2 x 5 pool on a 4 x 4 image: no window fits along the columns.
// expect: pooling_window_longer_than_input<0, 5, 4>
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<4, 4, 3>, ctnn::MaxPooling2D<2, 5>> model;

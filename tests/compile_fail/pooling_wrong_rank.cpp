// A 1D pooling on an image.
// expect: pooling1d_wrong_rank<0, 3>
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<4, 4, 3>, ctnn::AveragePooling1D<2>> model;

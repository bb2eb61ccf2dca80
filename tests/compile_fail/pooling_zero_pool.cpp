// A pool of no values.
// expect: a pool holds at least one value
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<8, 3>, ctnn::MaxPooling1D<0>> model;

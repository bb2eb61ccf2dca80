// A dropout rate of 1 would drop everything.
// expect: expected 0 <= rate < 1
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Dense<3, 4>, ctnn::Dropout<1.0>, ctnn::Dense<4, 1>> model;

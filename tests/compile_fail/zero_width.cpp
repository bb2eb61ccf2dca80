// A Dense layer with no inputs.
// expect: a Dense layer needs at least one input and one output
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Dense<33, 4>, ctnn::Dense<4, 0>> model;

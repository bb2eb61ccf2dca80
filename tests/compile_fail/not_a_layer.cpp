// Something that is not a layer.
// expect: each layer must be a layer type
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Dense<2, 2>, ctnn::ReLU> model;

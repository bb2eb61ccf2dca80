// Only shape-preserving layers: no width to infer.
// expect: every layer is shape-preserving
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Activation<ctnn::ReLU>, ctnn::Activation<ctnn::Tanh>> model;

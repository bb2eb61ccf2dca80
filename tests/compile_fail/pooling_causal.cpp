// Keras' poolings have no causal padding.
// expect: causal
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<8, 3>, ctnn::MaxPooling1D<2, ctnn::Pooling{.padding = ctnn::Padding::causal}>> model;

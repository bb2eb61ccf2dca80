// Causal padding is Conv1D's alone.
// expect: causal
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Input<8, 8, 3>, ctnn::Conv2D<4, 3, 3, ctnn::Linear, ctnn::Conv{.padding = ctnn::Padding::causal}>> model;

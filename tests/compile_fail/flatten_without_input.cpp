// A Flatten that opens a model without Input<...> cannot know its shape: one
// error that names the layer and says to add an Input.
// expect: first_layer_needs_input<0>
#include <ctnn/core.hpp>

ctnn::Sequential<ctnn::Flatten, ctnn::Dense<24, 1>> model;

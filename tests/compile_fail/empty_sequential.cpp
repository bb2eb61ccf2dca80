// A model needs at least one layer.
// expect: ctnn::Sequential needs at least one layer
#include <ctnn/core.hpp>

ctnn::Sequential<> model;

// layer<I>() past the last layer.
// expect: I is past the last layer
#include <ctnn/core.hpp>

float run() {
    ctnn::Sequential<ctnn::Dense<3, 1>> m;
    return m.layer<1>().bias()[0];
}

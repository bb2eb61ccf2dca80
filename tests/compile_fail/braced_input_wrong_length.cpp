// A braced input with two values for a three-input model must not compile
// (rather than zero-filling the third value).
// expect: deleted
#include <ctnn/core.hpp>

float run() {
    ctnn::Sequential<ctnn::Dense<3, 1>> m;
    return m({1.f, 2.f})[0];
}

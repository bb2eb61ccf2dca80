// A braced input with two values for a three-input model must not compile
// (rather than zero-filling the third value), and the error names both numbers.
// expect: model_takes_inputs<3>::given<2>
#include <ctnn/core.hpp>

float run() {
    ctnn::Sequential<ctnn::Dense<3, 1>> m;
    return m({1.f, 2.f})[0];
}

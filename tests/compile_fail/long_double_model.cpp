// A model computes in float or double: long double is one short error at the
// model's type, not a failure deep inside xsimd.
// expect: FloatOrDouble
#include <ctnn/core.hpp>

ctnn::BasicSequential<long double, ctnn::Dense<2, 1>> model;

// A std::array of three values for a two-input model is one error that names
// both numbers, not a list of every candidate overload.
// expect: model_takes_inputs<2>::given<3>
#include <array>
#include <ctnn/core.hpp>

float run() {
    ctnn::Sequential<ctnn::Dense<2, 1>> m;
    const std::array<float, 3> x{1.f, 2.f, 3.f};
    return m.predict(x)[0];
}

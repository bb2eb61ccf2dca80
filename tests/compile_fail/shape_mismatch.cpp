// A Dense whose In differs from the previous layer's Out: one error naming
// the position (1, 0-based), the inputs it takes (5) and the width it gets (4).
// expect: shape_mismatch<1, 5, 4>
#include <ctnn/core.hpp>

using Model = ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<5, 1>>;

float run() {
    Model m;
    return m(std::array<float, 33>{})[0];
}

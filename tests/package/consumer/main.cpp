// A program that uses ctnn as an installed package or a meson subproject.
#include <ctnn/core.hpp>

int main() {
    ctnn::Sequential<ctnn::Dense<3, 2, ctnn::ReLU>, ctnn::Dense<2, 1, ctnn::Sigmoid>> m(ctnn::Seed{1});
    const float y = m({0.5f, -1.f, 2.f})[0];
    return (y > 0.f && y < 1.f) ? 0 : 1;
}

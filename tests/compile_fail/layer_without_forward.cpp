// A user's layer without forward: the model gives one error naming layer 0
// and what it lacks (core/layer.hpp, InferenceLayer), not errors inside Sequential.
// expect: layer_has_no_forward<0>
#include <ctnn/core.hpp>

struct Nothing {
    static constexpr bool shape_preserving = true;
    static constexpr ctnn::detail::fixed_string name{"Nothing"};
    template <class T, std::size_t Width>
    struct bind {
        using value_type = T;
        static constexpr std::size_t input_size = Width, output_size = Width, parameter_count = 0, state_count = 0;
        static constexpr auto name = Nothing::name;
        static constexpr ctnn::detail::fixed_string kind{"Nothing"};
        static void initialize(T*, T*, ctnn::Rng&) noexcept {}
    };
};

int main() {
    ctnn::Sequential<Nothing, ctnn::Dense<2, 1>> model;
    const auto y = model({1.f, 2.f});
    (void)y;
}

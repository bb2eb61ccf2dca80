// A user's layer with a forward pass and no backward: the model runs, and
// compile() gives one error at the user's line naming layer 1 and what it
// lacks, not errors inside the training pass.
// expect: layer_has_no_backward<1>
#include <ctnn/ctnn.hpp>

// Doubles its input; inference only.
struct Double {
    static constexpr bool shape_preserving = true;
    static constexpr ctnn::detail::fixed_string name{"Double"};
    template <class T, std::size_t Width>
    struct bind {
        using value_type = T;
        static constexpr std::size_t input_size = Width, output_size = Width, parameter_count = 0, state_count = 0;
        static constexpr auto name = Double::name;
        static constexpr ctnn::detail::fixed_string kind{"Double"};
        static void initialize(T*, T*, ctnn::Rng&) noexcept {}
        static void forward(const T*, const T*, const T* x, T* y) noexcept {
            for (std::size_t i = 0; i < Width; ++i) y[i] = 2 * x[i];
        }
        static constexpr std::size_t scratch_per_sample = 0;
        static void forward_train(const T* p, T* s, const T* x, T* y, T*, std::size_t n, ctnn::Rng&) noexcept {
            for (std::size_t r = 0; r < n; ++r) forward(p, s, x + r * Width, y + r * Width);
        }
    };
};

int main() {
    ctnn::Sequential<ctnn::Dense<2, 3>, Double, ctnn::Dense<3, 1>> model;
    const auto y = model({1.f, 2.f});  // inference works
    (void)y;
    auto trainer = ctnn::compile(model, ctnn::Adam{}, ctnn::MeanSquaredError{});
    ctnn::Dataset<float, 2, 1> data;
    const ctnn::History history = trainer.fit(data, {.epochs = 2});
    (void)history;
}

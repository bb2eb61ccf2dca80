// Every operation of the SIMD vocabulary (core/detail/simd.hpp), instantiated
// for the widest vector and one of each narrower width, in float and double,
// and a model with convolutions and the elementary functions: compiled, not
// run, by tests/simd_levels.sh at each x86 level from the baseline to
// AVX-512, since the suite's other builds use -march=native only and a
// branch of one level can break the others (a 64-byte comparison outside its
// #if broke every build without AVX-512).
#include <ctnn/core.hpp>

namespace {
template <class V>
V every_operation(const ctnn::simd::scalar_t<V>* p, ctnn::simd::scalar_t<V>* q) {
    namespace s = ctnn::simd;
    const V a = s::load<V>(p), b = s::load<V>(p + s::lanes<V>);
    V r = s::fma(a, b, a + b - a * b / b);
    r = s::select(a < b, -r, r) + s::select(a > b, r, a) + s::select(a <= b, b, r) + s::select(a >= b, a, b);
    r = r + s::sqrt(a) + s::exp(a) + s::expm1(b) + s::tanh(r);
    r = r + s::from_bits<V>((s::to_bits(a) >> 3) << 2) + s::from_bits<V>(s::to_bits(b) + s::to_bits(a) - s::to_bits(r));
    s::store(q, r);
    return V(s::sum_lanes(r));
}

template <class T, std::size_t... E>
void each_width(const T* p, T* q, std::index_sequence<E...>) {
    const auto width = [&]<std::size_t Lanes>() {
        if constexpr (ctnn::simd::has_lanes<T, Lanes>) every_operation<ctnn::simd::with_lanes<T, Lanes>>(p, q);
    };
    (width.template operator()<std::size_t{1} << E>(), ...);
}
}  // namespace

using Model = ctnn::Sequential<ctnn::Input<9, 9, 3>, ctnn::Conv2D<8, 3, 3, ctnn::Tanh>, ctnn::MaxPooling2D<2, 2>,
                               ctnn::Flatten, ctnn::Dense<72, 5, ctnn::Softmax>>;

float levels_check(const float* pf, float* qf, const double* pd, double* qd) {
    each_width<float>(pf, qf, std::make_index_sequence<5>{});
    each_width<double>(pd, qd, std::make_index_sequence<4>{});
    static const Model model(ctnn::Seed{1});
    std::array<float, Model::input_size> x{};
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = pf[i % 4];
    return model(x)[0];
}

// The baseline: the loop a competent engineer writes by hand for a fixed
// model. The same weights in std::arrays in Keras' layout, a double loop per
// layer (one accumulator per output, so the 33-4-4-1 model's first layer runs
// four independent chains), the same activations with std::exp, no
// intrinsics, compiled with the same flags as ctnn. Same cases and names as
// benchmarks/inference.cpp, with /plain_loop.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <tuple>
#include <vector>

#include <benchmark/benchmark.h>

#include "common/cases.hpp"

namespace {

using bench::Act;

// One Dense layer: y = act(x W + b), W In x Out input-major (element i * Out + j
// links input i to output j), then b, exactly as ctnn and Keras store them.
template <std::size_t In, std::size_t Out, Act A>
struct PlainDense {
    static constexpr std::size_t input_size = In;
    static constexpr std::size_t output_size = Out;

    std::array<float, In * Out> kernel{};
    std::array<float, Out> bias{};

    void load(const bench::Layer& layer) {
        if (layer.in != In || layer.out != Out || layer.act != A) {
            std::fprintf(stderr, "plain_loop: layer %zu x %zu does not match the case\n", layer.in, layer.out);
            std::abort();
        }
        std::copy(layer.kernel.begin(), layer.kernel.end(), kernel.begin());
        std::copy(layer.bias.begin(), layer.bias.end(), bias.begin());
    }

    std::array<float, Out> forward(const std::array<float, In>& x) const noexcept {
        // Inputs outer, outputs inner: the weights are read in memory order
        // and the Out sums are independent (and vectorizable over j).
        std::array<float, Out> y{};
        for (std::size_t i = 0; i < In; ++i) {
            const float xi = x[i];
            for (std::size_t j = 0; j < Out; ++j) y[j] += xi * kernel[i * Out + j];
        }
        for (std::size_t j = 0; j < Out; ++j) y[j] += bias[j];

        if constexpr (A == Act::relu) {
            for (auto& v : y) v = v > 0.f ? v : 0.f;
        } else if constexpr (A == Act::sigmoid) {
            for (auto& v : y) v = 1.f / (1.f + std::exp(-v));
        } else if constexpr (A == Act::softmax) {
            float largest = y[0];
            for (std::size_t j = 1; j < Out; ++j) largest = std::max(largest, y[j]);
            float sum = 0.f;
            for (auto& v : y) {
                v = std::exp(v - largest);
                sum += v;
            }
            const float scale = 1.f / sum;
            for (auto& v : y) v *= scale;
        }
        return y;
    }
};

template <class... Layers>
struct PlainModel {
    using First = std::tuple_element_t<0, std::tuple<Layers...>>;
    using Last = std::tuple_element_t<sizeof...(Layers) - 1, std::tuple<Layers...>>;
    static constexpr std::size_t input_size = First::input_size;
    static constexpr std::size_t output_size = Last::output_size;

    std::tuple<Layers...> layers;

    void load(const std::vector<bench::Layer>& from) {
        if (from.size() != sizeof...(Layers)) std::abort();
        std::size_t at = 0;
        std::apply([&](auto&... layer) { (layer.load(from[at++]), ...); }, layers);
    }

    std::array<float, output_size> operator()(const std::array<float, input_size>& x) const noexcept {
        return run<0>(x);
    }

private:
    template <std::size_t I, std::size_t N>
    std::array<float, output_size> run(const std::array<float, N>& x) const noexcept {
        if constexpr (I + 1 == sizeof...(Layers)) {
            return std::get<I>(layers).forward(x);
        } else {
            return run<I + 1>(std::get<I>(layers).forward(x));
        }
    }
};

template <class Shape>
struct Plain;
template <>
struct Plain<bench::Shape_33_4_4_1> {
    using type = PlainModel<PlainDense<33, 4, Act::relu>, PlainDense<4, 4, Act::relu>, PlainDense<4, 1, Act::sigmoid>>;
};
template <>
struct Plain<bench::Shape_16_64_64_1> {
    using type = PlainModel<PlainDense<16, 64, Act::relu>, PlainDense<64, 64, Act::relu>,
                            PlainDense<64, 1, Act::linear>>;
};
template <>
struct Plain<bench::Shape_784_128_10> {
    using type = PlainModel<PlainDense<784, 128, Act::relu>, PlainDense<128, 10, Act::softmax>>;
};

// The case and its plain model, loaded and checked against ctnn's outputs.
template <class Shape>
struct Setup {
    using Model = typename Plain<Shape>::type;
    bench::Case<Shape> c;
    Model plain;

    explicit Setup(std::size_t rows) : c(rows) {
        static_assert(Model::input_size == bench::Case<Shape>::input_size &&
                      Model::output_size == bench::Case<Shape>::output_size);
        plain.load(c.layers);
        for (std::size_t k = 0; k < rows; ++k) c.check("plain_loop", k, plain(c.inputs[k]));
    }
};

template <class Shape>
void register_single(const Setup<Shape>& s) {
    bench::register_single<Shape>("plain_loop", [&plain = s.plain, inputs = s.c.inputs.data()](std::size_t k) {
        return plain(inputs[k]);
    });
}

// The batch is the same loop over the rows: the plain loop has no batch form.
template <class Shape>
void register_batch(const Setup<Shape>& s) {
    using Output = typename bench::Case<Shape>::Output;
    auto ys = std::make_shared<std::vector<Output>>(s.c.inputs.size());
    bench::register_batch<Shape>("plain_loop", ys->size(), [&s, ys] {
        for (std::size_t k = 0; k < ys->size(); ++k) (*ys)[k] = s.plain(s.c.inputs[k]);
        return ys->data();
    });
}

}  // namespace

template <class Shape>
using ConstSetup = const Setup<Shape>;

int main(int argc, char** argv) {
    return bench::run_inference_cases<ConstSetup>(
        argc, argv, [](auto& s) { register_single(s); }, [](auto& s) { register_batch(s); });
}

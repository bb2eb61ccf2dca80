// Eigen 3.4 (Debian's libeigen3-dev) on the inference cases of
// common/cases.hpp: the forward pass written by hand with Eigen's matrices, as
// an Eigen user would, in two flavours:
//   /eigen_fixed    sizes in the types (Eigen::Matrix<float, Out, In>), so
//                   Eigen unrolls and vectorizes for the shape as ctnn does;
//   /eigen_dynamic  MatrixXf / VectorXf, sizes at run time, buffers allocated
//                   once up front (no allocation in the timed loop).
// A single sample is y = act(W x + b) per layer with W Out x In: Keras' In x Out
// input-major kernel is exactly Eigen's column-major Out x In, so the weights
// are copied as they are. The batch is one matrix product per layer over the
// whole batch (rows x In times In x Out, Eigen's GEMM), plus bias and
// activation.
//
// One thread: Eigen parallelizes products only with OpenMP, which is not
// enabled here; main() also calls Eigen::setNbThreads(1).
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <tuple>
#include <vector>

#include <benchmark/benchmark.h>

// Eigen refuses fixed-size objects over 128 KB, meant for the stack; the
// 784-128-10 model's 128 x 784 fixed-size kernel (392 KB) lives on the heap
// here (std::make_unique), so lift the limit.
#define EIGEN_STACK_ALLOCATION_LIMIT 0
// GCC 12 reports false "used uninitialized" warnings inside its own AVX-512
// intrinsic headers when they are inlined (GCC bug 105593), attributed to
// lines of those headers: silenced for the headers first included here, as
// ctnn's core/detail/simd.hpp does for xsimd.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <Eigen/Dense>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include "common/cases.hpp"

namespace {

using bench::Act;

// Elementwise activations on a column (one sample). Works for fixed and
// dynamic sizes.
template <class V>
void activate(Act act, V& y) {
    switch (act) {
        case Act::relu:
            y = y.cwiseMax(0.f);
            break;
        case Act::sigmoid:
            y = (1.f + (-y.array()).exp()).inverse().matrix();
            break;
        case Act::softmax:
            y = (y.array() - y.maxCoeff()).exp().matrix();
            y /= y.sum();
            break;
        case Act::linear:
            break;
    }
}

// The same on a batch, one sample per row.
template <class M>
void activate_rows(Act act, M& h) {
    switch (act) {
        case Act::relu:
            h = h.cwiseMax(0.f);
            break;
        case Act::sigmoid:
            h = (1.f + (-h.array()).exp()).inverse().matrix();
            break;
        case Act::softmax:
            h.colwise() -= h.rowwise().maxCoeff();
            h = h.array().exp().matrix();
            h.array().colwise() /= h.rowwise().sum().array();
            break;
        case Act::linear:
            break;
    }
}

// ---- fixed sizes ------------------------------------------------------------

template <int In, int Out, Act A>
struct FixedDense {
    static constexpr int input_size = In, output_size = Out;
    using Column = Eigen::Matrix<float, Out, 1>;

    Eigen::Matrix<float, Out, In> w;  // w(j, i) links input i to output j
    Column b;
    Eigen::Matrix<float, Eigen::Dynamic, Out> h;  // batch outputs, rows x Out

    void load(const bench::Layer& layer, std::size_t rows) {
        if (layer.in != In || layer.out != Out || layer.act != A) std::abort();
        w = Eigen::Map<const Eigen::Matrix<float, Out, In>>(layer.kernel.data());
        b = Eigen::Map<const Column>(layer.bias.data());
        h.resize(static_cast<Eigen::Index>(rows), Out);
    }

    Column operator()(const Eigen::Matrix<float, In, 1>& x) const {
        Column y = w * x + b;
        activate(A, y);
        return y;
    }

    template <class X>
    const auto& batch(const X& x) {
        h.noalias() = x * w.transpose();
        h.rowwise() += b.transpose();
        activate_rows(A, h);
        return h;
    }
};

template <class... Layers>
struct FixedModel {
    static constexpr int input_size = std::tuple_element_t<0, std::tuple<Layers...>>::input_size;
    std::tuple<Layers...> layers;

    void load(const std::vector<bench::Layer>& from, std::size_t rows) {
        if (from.size() != sizeof...(Layers)) std::abort();
        std::size_t at = 0;
        std::apply([&](auto&... layer) { (layer.load(from[at++], rows), ...); }, layers);
    }

    auto operator()(const float* x) const {
        return run<0>(Eigen::Map<const Eigen::Matrix<float, input_size, 1>>(x));
    }

    // Rows are samples, row-major as they lie in memory; returns the last layer's outputs.
    const auto& batch(const float* x, std::size_t rows) {
        using Rows = Eigen::Matrix<float, Eigen::Dynamic, input_size, Eigen::RowMajor>;
        return run_batch<0>(Eigen::Map<const Rows>(x, static_cast<Eigen::Index>(rows), input_size));
    }

private:
    template <std::size_t I, class X>
    auto run(const X& x) const {
        if constexpr (I + 1 == sizeof...(Layers)) {
            return std::get<I>(layers)(x);
        } else {
            return run<I + 1>(std::get<I>(layers)(x));
        }
    }
    template <std::size_t I, class X>
    const auto& run_batch(const X& x) {
        if constexpr (I + 1 == sizeof...(Layers)) {
            return std::get<I>(layers).batch(x);
        } else {
            return run_batch<I + 1>(std::get<I>(layers).batch(x));
        }
    }
};

template <class Shape>
struct Fixed;
template <>
struct Fixed<bench::Shape_33_4_4_1> {
    using type = FixedModel<FixedDense<33, 4, Act::relu>, FixedDense<4, 4, Act::relu>, FixedDense<4, 1, Act::sigmoid>>;
};
template <>
struct Fixed<bench::Shape_16_64_64_1> {
    using type = FixedModel<FixedDense<16, 64, Act::relu>, FixedDense<64, 64, Act::relu>,
                            FixedDense<64, 1, Act::linear>>;
};
template <>
struct Fixed<bench::Shape_784_128_10> {
    using type = FixedModel<FixedDense<784, 128, Act::relu>, FixedDense<128, 10, Act::softmax>>;
};

// ---- dynamic sizes ----------------------------------------------------------

struct DynamicModel {
    struct Layer {
        Act act;
        Eigen::MatrixXf w;  // Out x In
        Eigen::VectorXf b, y;  // y: this layer's output for one sample
        Eigen::MatrixXf h;     // batch outputs, rows x Out
    };
    std::vector<Layer> layers;

    DynamicModel(const std::vector<bench::Layer>& from, std::size_t rows) {
        for (const bench::Layer& l : from) {
            const auto in = static_cast<Eigen::Index>(l.in), out = static_cast<Eigen::Index>(l.out);
            layers.push_back({l.act, Eigen::Map<const Eigen::MatrixXf>(l.kernel.data(), out, in),
                              Eigen::Map<const Eigen::VectorXf>(l.bias.data(), out), Eigen::VectorXf(out),
                              Eigen::MatrixXf(static_cast<Eigen::Index>(rows), out)});
        }
    }

    // Returns the outputs, in the last layer's preallocated buffer.
    const float* operator()(const float* x) {
        const auto in = layers.front().w.cols();
        const Eigen::VectorXf* previous = nullptr;
        for (Layer& l : layers) {
            if (previous == nullptr) {
                l.y.noalias() = l.w * Eigen::Map<const Eigen::VectorXf>(x, in);
            } else {
                l.y.noalias() = l.w * *previous;
            }
            l.y += l.b;
            activate(l.act, l.y);
            previous = &l.y;
        }
        return layers.back().y.data();
    }

    const Eigen::MatrixXf& batch(const float* x, std::size_t rows) {
        using Rows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        const Eigen::Map<const Rows> xs(x, static_cast<Eigen::Index>(rows), layers.front().w.cols());
        const Eigen::MatrixXf* previous = nullptr;
        for (Layer& l : layers) {
            if (previous == nullptr) {
                l.h.noalias() = xs * l.w.transpose();
            } else {
                l.h.noalias() = *previous * l.w.transpose();
            }
            l.h.rowwise() += l.b.transpose();
            activate_rows(l.act, l.h);
            previous = &l.h;
        }
        return layers.back().h;
    }
};

// ---- cases ------------------------------------------------------------------

template <class Shape>
struct Setup {
    bench::Case<Shape> c;
    std::unique_ptr<typename Fixed<Shape>::type> fixed = std::make_unique<typename Fixed<Shape>::type>();
    DynamicModel dynamic;

    explicit Setup(std::size_t rows) : c(rows), dynamic(c.layers, rows) {
        fixed->load(c.layers, rows);
        constexpr std::size_t n = bench::Case<Shape>::output_size;
        for (std::size_t k = 0; k < rows; ++k) {
            const auto y = (*fixed)(c.inputs[k].data());
            c.check("eigen_fixed", k, std::span<const float>(y.data(), n));
            c.check("eigen_dynamic", k, std::span<const float>(dynamic(c.inputs[k].data()), n));
        }
    }
};

template <class Shape>
void register_single(Setup<Shape>& s) {
    bench::register_single<Shape>("eigen_fixed", [&model = *s.fixed, inputs = s.c.inputs.data()](std::size_t k) {
        return model(inputs[k].data());
    });
    bench::register_single<Shape>("eigen_dynamic", [&model = s.dynamic, inputs = s.c.inputs.data()](std::size_t k) {
        return model(inputs[k].data());
    });
}

template <class Shape>
void register_batch(Setup<Shape>& s) {
    const float* xs = s.c.inputs.front().data();  // std::array rows are contiguous: a row-major matrix
    const std::size_t rows = s.c.inputs.size();
    constexpr std::size_t n = bench::Case<Shape>::output_size;
    // Not timed: the batch outputs (rows x n, column-major) must match too.
    const auto check = [&](const char* library, const auto& h) {
        for (std::size_t k = 0; k < rows; ++k) {
            float y[n];
            for (std::size_t j = 0; j < n; ++j) y[j] = h(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(j));
            s.c.check(library, k, y);
        }
    };
    check("eigen_fixed batch", s.fixed->batch(xs, rows));
    check("eigen_dynamic batch", s.dynamic.batch(xs, rows));

    bench::register_batch<Shape>("eigen_fixed", rows, [&model = *s.fixed, xs, rows] {
        return model.batch(xs, rows).data();
    });
    bench::register_batch<Shape>("eigen_dynamic", rows, [&model = s.dynamic, xs, rows] {
        return model.batch(xs, rows).data();
    });
}

}  // namespace

int main(int argc, char** argv) {
    Eigen::setNbThreads(1);
    return bench::run_inference_cases<Setup>(
        argc, argv, [](auto& s) { register_single(s); }, [](auto& s) { register_batch(s); });
}

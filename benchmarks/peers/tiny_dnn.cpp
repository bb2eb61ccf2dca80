// tiny-dnn 1.0.0a3 (Debian's tiny-dnn, header-only) on the inference cases of
// common/cases.hpp, under the same names with /tiny_dnn: network<sequential>
// of fully_connected_layer<relu / sigmoid / identity / softmax>, the cases'
// weights copied in, network::predict(vec_t) per sample, and for the batch
// network::predict over a std::vector<tensor_t> of all the rows (tiny-dnn's
// batch path: each layer runs over the whole batch before the next).
// tiny-dnn's fully-connected kernel reads W[i * out + j], Keras' layout, so
// the kernels are copied as they are. Its softmax recomputes the sum of
// exponentials for every output (10 x 10 exp for 784-128-10): that is the
// library's cost.
//
// One thread: CNN_SINGLE_THREAD (set by meson) makes tiny-dnn's parallel_for
// a plain loop, and every layer's set_parallelize(false) skips it anyway.
//
// Inputs are converted to tiny-dnn's vec_t (an aligned std::vector) once, up
// front; predict copies them into the network, which is tiny-dnn's cost.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include <benchmark/benchmark.h>

// Not <tiny_dnn/tiny_dnn.h>: it pulls in the quantized layers, which need
// gemmlowp, which Debian's tiny-dnn does not depend on. These headers in
// tiny_dnn.h's order; convolutional_layer.h is there because it is what
// brings tiny_dnn::core's names (fully_params) into the kernels' scope.
// util/image.h includes "third_party/stb/...": meson adds peers/tiny_dnn_compat,
// whose headers forward to Debian's <stb/...>.
#include <tiny_dnn/config.h>
#include <tiny_dnn/network.h>
#include <tiny_dnn/nodes.h>
#include <tiny_dnn/layers/feedforward_layer.h>
#include <tiny_dnn/layers/convolutional_layer.h>
#include <tiny_dnn/layers/fully_connected_layer.h>
#include <tiny_dnn/activations/activation_function.h>

#include "common/cases.hpp"

namespace {

using Net = tiny_dnn::network<tiny_dnn::sequential>;
using tiny_dnn::tensor_t;
using tiny_dnn::vec_t;

void add_layer(Net& net, const bench::Layer& l) {
    using namespace tiny_dnn;
    const auto in = static_cast<serial_size_t>(l.in), out = static_cast<serial_size_t>(l.out);
    switch (l.act) {
        case bench::Act::relu: net << fully_connected_layer<activation::relu>(in, out); break;
        case bench::Act::sigmoid: net << fully_connected_layer<activation::sigmoid>(in, out); break;
        case bench::Act::linear: net << fully_connected_layer<activation::identity>(in, out); break;
        case bench::Act::softmax: net << fully_connected_layer<activation::softmax>(in, out); break;
    }
}

template <class Shape>
struct Setup {
    bench::Case<Shape> c;
    Net net;
    std::vector<vec_t> inputs;     // c.inputs as vec_t
    std::vector<tensor_t> batch;   // c.inputs as a batch: one tensor of one vec_t per sample

    explicit Setup(std::size_t rows) : c(rows) {
        for (const bench::Layer& l : c.layers) add_layer(net, l);
        net.init_weight();  // allocates the weights and marks them initialized, so nothing re-initializes them
        for (std::size_t l = 0; l < c.layers.size(); ++l) {
            net[l]->set_parallelize(false);
            const std::vector<vec_t*> w = net[l]->weights();  // kernel, then bias
            if (w.size() != 2 || w[0]->size() != c.layers[l].kernel.size() || w[1]->size() != c.layers[l].bias.size())
                std::abort();
            w[0]->assign(c.layers[l].kernel.begin(), c.layers[l].kernel.end());
            w[1]->assign(c.layers[l].bias.begin(), c.layers[l].bias.end());
        }

        for (const auto& x : c.inputs) {
            inputs.emplace_back(x.begin(), x.end());
            batch.push_back(tensor_t{inputs.back()});
        }

        // Not timed: single and batch outputs must match ctnn's.
        for (std::size_t k = 0; k < rows; ++k) c.check("tiny_dnn", k, net.predict(inputs[k]));
        const std::vector<tensor_t> ys = net.predict(batch);
        if (ys.size() != rows) std::abort();
        for (std::size_t k = 0; k < rows; ++k) c.check("tiny_dnn batch", k, ys[k].at(0));
    }
};

template <class Shape>
void register_single(Setup<Shape>& s) {
    bench::register_single<Shape>("tiny_dnn", [&net = s.net, inputs = s.inputs.data()](std::size_t k) {
        return net.predict(inputs[k]);
    });
}

template <class Shape>
void register_batch(Setup<Shape>& s) {
    auto ys = std::make_shared<std::vector<tensor_t>>();
    bench::register_batch<Shape>("tiny_dnn", s.batch.size(), [&s, ys] {
        *ys = s.net.predict(s.batch);
        return ys->data();
    });
}

}  // namespace

int main(int argc, char** argv) {
    return bench::run_inference_cases<Setup>(
        argc, argv, [](auto& s) { register_single(s); }, [](auto& s) { register_batch(s); });
}

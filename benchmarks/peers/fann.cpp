// FANN 2.2 (Debian's libfann-dev, float build) on the inference cases of
// common/cases.hpp, under the same names with /fann: fann_create_standard,
// the cases' weights written into the network, fann_run per sample. FANN has
// no batch API, so the batch case loops fann_run over the rows. fann_run
// copies each input into the network's input neurons and returns a pointer
// to its output neurons' values: that copy is part of FANN's cost.
//
// FANN 2.2 lacks two of the cases' activations; how each is handled:
// - ReLU: 2.2 has none (FANN_LINEAR_PIECE_RECT came in 2.3). FANN_LINEAR_PIECE
//   is clamp(s * sum, 0, 1) with s the neuron's steepness, so with s = 2^-16
//   a hidden neuron outputs relu(sum) / 2^16 for any sum below 2^16, and the
//   next layer's weights from it are multiplied by 2^16. Powers of two scale
//   floats exactly, so this is ReLU to the bit, at the price FANN charges for
//   any activation (its steepness multiply and a switch per neuron).
// - Softmax: FANN has none. The 784-128-10 network ends in FANN_LINEAR (the
//   logits) and the timed call applies softmax to FANN's 10 outputs after
//   fann_run, as a FANN user would; it is a small part of that case's time.
// Sigmoid is FANN_SIGMOID, 1 / (1 + exp(-2 s sum)): steepness s = 0.5 makes
// it the logistic function. Linear is FANN_LINEAR with steepness 1.
// So every case computes ctnn's function and is checked against ctnn's outputs.
//
// The weights go straight into ann->weights: fann_set_weight_array calls
// fann_set_weight per connection, which scans the whole network each time
// (10^10 steps for 784-128-10). fann_get_connection_array lists the
// connections in the order of ann->weights, which is what makes the direct
// write correct; the outputs' check against ctnn confirms it.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <type_traits>
#include <vector>

#include <benchmark/benchmark.h>
#include <fann.h>

#include "common/cases.hpp"

namespace {

static_assert(std::is_same_v<fann_type, float>, "the float build of FANN (fann.h without FIXEDFANN)");

constexpr float relu_scale = 65536.f;  // 2^16: hidden ReLUs output relu(sum) / relu_scale

struct Network {
    fann* ann;
    bool softmax_after;  // the last layer is softmax: FANN gives the logits

    explicit Network(const std::vector<bench::Layer>& layers) {
        std::vector<unsigned> sizes{static_cast<unsigned>(layers.front().in)};
        for (const bench::Layer& l : layers) sizes.push_back(static_cast<unsigned>(l.out));
        ann = fann_create_standard_array(static_cast<unsigned>(sizes.size()), sizes.data());
        if (ann == nullptr) std::abort();

        for (std::size_t l = 0; l < layers.size(); ++l) {
            const int layer = static_cast<int>(l + 1);  // FANN's layer 0 is the input layer
            fann_activationfunc_enum function = FANN_LINEAR;
            fann_type steepness = 1.f;
            switch (layers[l].act) {
                case bench::Act::relu:
                    function = FANN_LINEAR_PIECE;
                    steepness = 1.f / relu_scale;
                    break;
                case bench::Act::sigmoid:
                    function = FANN_SIGMOID;
                    steepness = 0.5f;
                    break;
                case bench::Act::linear:
                case bench::Act::softmax:
                    break;
            }
            fann_set_activation_function_layer(ann, function, layer);
            fann_set_activation_steepness_layer(ann, steepness, layer);
        }
        softmax_after = layers.back().act == bench::Act::softmax;
        load(layers);
    }
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;
    ~Network() { fann_destroy(ann); }

    // Neurons are numbered across layers, each layer followed by its bias
    // neuron (constant 1), which FANN connects to every neuron of the next layer.
    void load(const std::vector<bench::Layer>& layers) {
        std::vector<unsigned> first{0};  // number of each layer's first neuron
        for (std::size_t l = 0; l < layers.size(); ++l)
            first.push_back(first.back() + static_cast<unsigned>(layers[l].in) + 1);

        std::vector<fann_connection> connections(fann_get_total_connections(ann));
        fann_get_connection_array(ann, connections.data());
        std::size_t written = 0;
        for (std::size_t c = 0; c < connections.size(); ++c) {
            const unsigned to = connections[c].to_neuron, from = connections[c].from_neuron;
            const std::size_t l = static_cast<std::size_t>(std::upper_bound(first.begin(), first.end(), to) - first.begin()) - 2;
            const bench::Layer& layer = layers[l];
            const std::size_t j = to - first[l + 1], i = from - first[l];
            if (j >= layer.out || i > layer.in) std::abort();
            float w;
            if (i == layer.in) {
                w = layer.bias[j];
            } else {
                w = layer.kernel[i * layer.out + j];
                if (l > 0 && layers[l - 1].act == bench::Act::relu) w *= relu_scale;
            }
            ann->weights[c] = w;
            ++written;
        }
        std::size_t expected = 0;
        for (const bench::Layer& l : layers) expected += (l.in + 1) * l.out;
        if (written != expected) std::abort();
    }

    // FANN's outputs for one sample (softmax applied after it when the case
    // ends in softmax), in FANN's own output buffer.
    const float* operator()(const float* x) {
        // fann_run takes a non-const pointer but only reads the input.
        float* y = fann_run(ann, const_cast<float*>(x));
        if (softmax_after) softmax(y, fann_get_num_output(ann));
        return y;
    }

    static void softmax(float* y, unsigned n) {
        const float largest = *std::max_element(y, y + n);
        float sum = 0.f;
        for (unsigned j = 0; j < n; ++j) sum += (y[j] = std::exp(y[j] - largest));
        const float scale = 1.f / sum;
        for (unsigned j = 0; j < n; ++j) y[j] *= scale;
    }
};

template <class Shape>
struct Setup {
    bench::Case<Shape> c;
    Network net;

    explicit Setup(std::size_t rows) : c(rows), net(c.layers) {
        for (std::size_t k = 0; k < rows; ++k)
            c.check("fann", k, std::span<const float>(net(c.inputs[k].data()), bench::Case<Shape>::output_size));
    }
};

template <class Shape>
void register_single(Setup<Shape>& s) {
    bench::register_single<Shape>("fann", [&net = s.net, inputs = s.c.inputs.data()](std::size_t k) {
        return net(inputs[k].data());
    });
}

// No batch API: fann_run row after row, each output copied out of FANN's buffer.
template <class Shape>
void register_batch(Setup<Shape>& s) {
    using Output = typename bench::Case<Shape>::Output;
    auto ys = std::make_shared<std::vector<Output>>(s.c.inputs.size());
    const auto run = [&s, ys] {
        for (std::size_t k = 0; k < ys->size(); ++k) {
            const float* y = s.net(s.c.inputs[k].data());
            std::copy_n(y, (*ys)[k].size(), (*ys)[k].begin());
        }
        return ys->data();
    };
    run();
    for (std::size_t k = 0; k < ys->size(); ++k) s.c.check("fann batch", k, (*ys)[k]);
    bench::register_batch<Shape>("fann", ys->size(), run);
}

}  // namespace

int main(int argc, char** argv) {
    return bench::run_inference_cases<Setup>(
        argc, argv, [](auto& s) { register_single(s); }, [](auto& s) { register_batch(s); });
}

// summary(): the Keras-style table, exactly.
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

TEST_CASE("summary prints Keras' table for the card's model") {
    ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<4, 4, ctnn::ReLU>, ctnn::Dense<4, 1, ctnn::Sigmoid>> m;
    std::ostringstream os;
    ctnn::summary(m, os);
    CHECK(os.str() ==
          "Model: \"ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<4, 4, ctnn::ReLU>, "
          "ctnn::Dense<4, 1, ctnn::Sigmoid>>\"\n"
          "__________________________________________\n"
          "Layer (type)      Output Shape     Param #\n"
          "==========================================\n"
          "dense (Dense)     (None, 4)            136\n"
          "__________________________________________\n"
          "dense_1 (Dense)   (None, 4)             20\n"
          "__________________________________________\n"
          "dense_2 (Dense)   (None, 1)              5\n"
          "==========================================\n"
          "Total params: 161 (644.00 B)\n"
          "Trainable params: 161 (644.00 B)\n"
          "Non-trainable params: 0 (0.00 B)\n"
          "__________________________________________\n");
}

TEST_CASE("summary(model) prints the same table to standard output") {
    ctnn::Sequential<ctnn::Dense<3, 2, ctnn::ReLU>, ctnn::Dense<2, 1>> m;
    std::ostringstream expected, captured;
    ctnn::summary(m, expected);
    std::streambuf* const standard = std::cout.rdbuf(captured.rdbuf());
    ctnn::summary(m);
    std::cout.rdbuf(standard);
    CHECK(captured.str() == expected.str());
    CHECK(captured.str().find("Total params: 11") != std::string::npos);
}

TEST_CASE("summary names repeated kinds like Keras and sizes in KB") {
    ctnn::Sequential<ctnn::Dense<784, 128, ctnn::ReLU>, ctnn::Activation<ctnn::ReLU>, ctnn::Dense<128, 10>,
                     ctnn::Activation<ctnn::Softmax>>
        m;
    std::ostringstream os;
    ctnn::summary(m, os);
    const std::string s = os.str();
    CHECK(s.find("activation (Activation)") != std::string::npos);
    CHECK(s.find("activation_1 (Activation)") != std::string::npos);
    CHECK(s.find("dense_1 (Dense)") != std::string::npos);
    CHECK(s.find("(None, 128)") != std::string::npos);
    CHECK(s.find("Total params: 101770 (397.54 KB)") != std::string::npos);
}

// The weight manifests (core/weights.hpp): every layer's tensors, in Keras' order,
// fill its blocks exactly, lie where its view reads them, and carry Keras'
// names and shapes.
namespace {
template <class T>
using AllLayers = ctnn::BasicSequential<T, ctnn::Normalization, ctnn::Dense<3, 4, ctnn::ReLU>, ctnn::BatchNormalization,
                                        ctnn::Dropout<0.25f>, ctnn::Activation<ctnn::Tanh>, ctnn::Dense<4, 2, ctnn::Softmax>>;
}

TEST_CASE_TEMPLATE("every layer's weight manifest fills its blocks exactly", T, float, double) {
    using Model = AllLayers<T>;
    ctnn::detail::static_for<Model::layer_count>([&](auto i) {
        using L = typename Model::template layer_type<i>;
        std::size_t trainable = 0, state = 0;
        for (const ctnn::WeightTensor& w : L::weights) (w.trainable ? trainable : state) += w.size();
        CAPTURE(i.value);
        CHECK(trainable == L::parameter_count);
        CHECK(state == L::state_count);
    });
    // Where the views read them.
    Model m;
    using D = typename Model::template layer_type<1>;
    CHECK(m.template layer<1>().bias().data() == m.parameters().data() + Model::template parameter_offset<1> +
                                                     ctnn::detail::weight_offset<D>(1));
    using B = typename Model::template layer_type<2>;
    CHECK(m.template layer<2>().beta().data() ==
          m.parameters().data() + Model::template parameter_offset<2> + ctnn::detail::weight_offset<B>(1));
    CHECK(m.template layer<2>().moving_variance().data() ==
          m.state().data() + Model::template state_offset<2> + ctnn::detail::weight_offset<B>(3));
    using N = typename Model::template layer_type<0>;
    CHECK(m.template layer<0>().variance().data() == m.state().data() + ctnn::detail::weight_offset<N>(1));
}

TEST_CASE("weight_names lists a model's tensors as Keras names them, in model.weights order") {
    const std::vector<std::string> want = {
        "normalization/mean (3)",         "normalization/variance (3)",
        "dense/kernel (3, 4)",            "dense/bias (4)",
        "batch_normalization/gamma (4)",  "batch_normalization/beta (4)",
        "batch_normalization/moving_mean (4)", "batch_normalization/moving_variance (4)",
        "dense_1/kernel (4, 2)",          "dense_1/bias (2)"};
    CHECK(ctnn::weight_names<AllLayers<float>>() == want);
    CHECK(ctnn::layer_names<AllLayers<float>>() ==
          std::vector<std::string>{"normalization", "dense", "batch_normalization", "dropout", "activation", "dense_1"});
}

TEST_CASE("layer names follow Keras' to_snake_case: a digit and a capital stay together") {
    using Model = ctnn::Sequential<ctnn::Input<8, 8, 2>, ctnn::Conv2D<3, 3, 3>, ctnn::DepthwiseConv2D<3, 3>,
                                   ctnn::MaxPooling2D<2, 2>, ctnn::Reshape<6, 2>, ctnn::Conv1D<2, 2>,
                                   ctnn::AveragePooling1D<2>, ctnn::GlobalAveragePooling1D, ctnn::Dense<2, 1>>;
    CHECK(ctnn::layer_names<Model>() ==
          std::vector<std::string>{"conv2d", "depthwise_conv2d", "max_pooling2d", "reshape", "conv1d",
                                   "average_pooling1d", "global_average_pooling1d", "dense"});
}

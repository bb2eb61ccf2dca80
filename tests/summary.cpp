// summary(): the Keras-style table, exactly.
#include <sstream>

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

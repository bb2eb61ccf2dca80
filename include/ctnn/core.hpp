// The microcontroller-safe part of ctnn: models, layers, activations and
// inference (ctnn/core/, ctnn/layers/, ctnn/activations/). No heap, no
// exceptions, no RTTI, no iostream; this is what an exported model header
// includes. tests/layout.sh fails if any of these headers includes training,
// I/O, data or a hosted standard header. Host programs include <ctnn/ctnn.hpp>.
#pragma once

#include "activations/elu.hpp"
#include "activations/leaky_relu.hpp"
#include "activations/linear.hpp"
#include "activations/relu.hpp"
#include "activations/selu.hpp"
#include "activations/sigmoid.hpp"
#include "activations/softmax.hpp"
#include "activations/swish.hpp"
#include "activations/tanh.hpp"
#include "core/activation.hpp"
#include "core/layer.hpp"
#include "core/random.hpp"
#include "core/sequential.hpp"
#include "core/shape.hpp"
#include "core/weights.hpp"
#include "layers/activation.hpp"
#include "layers/batch_normalization.hpp"
#include "layers/conv1d.hpp"
#include "layers/conv2d.hpp"
#include "layers/dense.hpp"
#include "layers/depthwise_conv2d.hpp"
#include "layers/dropout.hpp"
#include "layers/global_pooling.hpp"
#include "layers/normalization.hpp"
#include "layers/pooling.hpp"
#include "layers/reshape.hpp"

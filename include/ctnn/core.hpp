// The microcontroller-safe part of ctnn: models, layers, activations and
// inference. No heap, no exceptions, no RTTI, no iostream; this is what an
// exported model header includes. Host programs include <ctnn/ctnn.hpp>.
#pragma once

#include "activation.hpp"
#include "activations/elu.hpp"
#include "activations/leaky_relu.hpp"
#include "activations/linear.hpp"
#include "activations/relu.hpp"
#include "activations/selu.hpp"
#include "activations/sigmoid.hpp"
#include "activations/softmax.hpp"
#include "activations/swish.hpp"
#include "activations/tanh.hpp"
#include "layer.hpp"
#include "layers/activation.hpp"
#include "layers/batch_normalization.hpp"
#include "layers/dense.hpp"
#include "layers/dropout.hpp"
#include "layers/normalization.hpp"
#include "layers/reshape.hpp"
#include "random.hpp"
#include "sequential.hpp"
#include "shape.hpp"
#include "weights.hpp"

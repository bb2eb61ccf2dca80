// Everything ctnn has, for host programs: the core (models, layers,
// activations, inference) and the host-only parts (errors, summary, training:
// losses, metrics, optimizers, the trainer, data sets, callbacks, History).
#pragma once

#include "backprop.hpp"
#include "callback.hpp"
#include "callbacks/early_stopping.hpp"
#include "core.hpp"
#include "dataset.hpp"
#include "error.hpp"
#include "history.hpp"
#include "logs.hpp"
#include "loss.hpp"
#include "losses/binary_crossentropy.hpp"
#include "losses/categorical_crossentropy.hpp"
#include "losses/huber.hpp"
#include "losses/mean_absolute_error.hpp"
#include "losses/mean_squared_error.hpp"
#include "metric.hpp"
#include "metrics/binary_accuracy.hpp"
#include "metrics/categorical_accuracy.hpp"
#include "optimizer.hpp"
#include "optimizers/adam.hpp"
#include "optimizers/sgd.hpp"
#include "progress.hpp"
#include "summary.hpp"
#include "trainer.hpp"

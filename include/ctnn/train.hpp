// Training (ctnn/train/): compile(), the Trainer and its training pass,
// losses, metrics, optimizers, callbacks, Logs, History and the progress bar,
// with the core and the Dataset it trains on. Host only.
#pragma once

#include "core.hpp"
#include "data/dataset.hpp"
#include "train/backprop.hpp"
#include "train/callback.hpp"
#include "train/callbacks/early_stopping.hpp"
#include "train/history.hpp"
#include "train/logs.hpp"
#include "train/loss.hpp"
#include "train/losses/binary_crossentropy.hpp"
#include "train/losses/categorical_crossentropy.hpp"
#include "train/losses/huber.hpp"
#include "train/losses/mean_absolute_error.hpp"
#include "train/losses/mean_squared_error.hpp"
#include "train/metric.hpp"
#include "train/metrics/binary_accuracy.hpp"
#include "train/metrics/categorical_accuracy.hpp"
#include "train/optimizer.hpp"
#include "train/optimizers/adam.hpp"
#include "train/optimizers/sgd.hpp"
#include "train/progress.hpp"
#include "train/trainer.hpp"

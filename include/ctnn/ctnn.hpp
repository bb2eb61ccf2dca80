// Everything ctnn has, for host programs: the core (models, layers,
// activations, inference), training, data and I/O. Each part has its own
// umbrella for programs that need less:
//   <ctnn/core.hpp>   models, layers, activations, inference; freestanding
//   <ctnn/train.hpp>  the trainer, losses, metrics, optimizers, callbacks
//   <ctnn/data.hpp>   Dataset, CSV, ARFF and IDX loaders, scalers, split
//   <ctnn/io.hpp>     errors, save/load, export_header, summary, plots
#pragma once

#include "core.hpp"
#include "data.hpp"
#include "io.hpp"
#include "train.hpp"

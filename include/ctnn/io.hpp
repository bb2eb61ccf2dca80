// Input and output (ctnn/io/): ctnn::Error, save/load, export_header, the
// weight manifest's names, summary and plot_history. Host only.
#pragma once

#include "io/error.hpp"
#include "io/export.hpp"
#include "io/persistence.hpp"
#include "io/plot.hpp"
#include "io/summary.hpp"
#include "io/weight_names.hpp"

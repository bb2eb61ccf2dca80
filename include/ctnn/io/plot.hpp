// plot_history(history, png_path, keys, title): the course's learning curves
// as one PNG drawn by gnuplot (Debian's gnuplot-nox). The losses ("loss",
// "val_loss") are drawn in one panel and the metrics (accuracy, MAE, ... and
// their "val_" curves) in a second panel below it. By default every key the
// History has is drawn; named keys draw just those, and a named key that is
// not there is an Error. Only the PNG is written: the script (with the data
// inline) lives in a private temporary directory, removed on every path, and
// a failed plot leaves an earlier PNG as it was. Host only (POSIX).
#pragma once

#include <string>
#include <vector>

#include "../train/history.hpp"
#include "detail/linkage.hpp"

namespace ctnn {

namespace detail {

// text as a gnuplot single-quoted string: a quote inside is doubled.
std::string gnuplot_quoted(const std::string& text);

// The keys plot_history draws, split into its two panels.
struct PlotPanels {
    std::vector<std::string> losses;   // "loss", "val_loss"
    std::vector<std::string> metrics;  // everything else: metrics and their "val_" curves
};

// The named keys (each must be in the History: else the Error that lists the
// keys there are), or every key the History has when none are named.
PlotPanels plot_panels(const History& history, const std::vector<std::string>& keys);

// The gnuplot script that draws `keys` of `history` into the PNG `output`:
// the History as an inline data block, then one `plot` command per panel
// (losses above metrics, in a `multiplot` when there are both).
std::string gnuplot_script(const History& history, const std::vector<std::string>& keys, const std::string& title,
                           const std::string& output);

}  // namespace detail

void plot_history(const History& history, const std::string& png_path, const std::vector<std::string>& keys = {},
                  const std::string& title = "Learning curves");

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/plot.ipp"
#endif

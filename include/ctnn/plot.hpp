// plot_history(history, png_path, keys): the course's learning-curve plot
// (e.g. loss and val_loss against epochs) as a PNG, drawn by gnuplot (Debian's
// gnuplot-nox). The History is written as CSV next to the PNG (same name,
// .csv) and gnuplot reads it. Host only; an Error says what is missing if
// gnuplot is not installed or fails.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "detail/atomic_write.hpp"
#include "error.hpp"
#include "history.hpp"

namespace ctnn {

namespace detail {
// text as a gnuplot single-quoted string: a quote inside is doubled.
inline std::string gnuplot_quoted(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    return quoted + "'";
}
}  // namespace detail

inline void plot_history(const History& history, const std::string& png_path,
                         const std::vector<std::string>& keys = {"loss", "val_loss"},
                         const std::string& title = "Learning curves") {
    if (history.epochs() == 0) throw Error("plot_history: the History has no epochs to plot");
    // The script's path goes through the shell (popen), and newlines would end
    // gnuplot's commands: such paths are refused rather than escaped twice.
    if (png_path.find_first_of("'\n") != std::string::npos)
        throw Error("plot_history: the path " + png_path +
                    " contains a single quote or a newline; expected a path without them");
    const std::string stem = png_path.size() > 4 && png_path.ends_with(".png") ? png_path.substr(0, png_path.size() - 4)
                                                                              : png_path;
    const std::string csv = stem + ".csv", script = stem + ".gnuplot";
    history.to_csv(csv);
    const std::vector<std::string> columns = history.keys();
    std::string plots;
    for (const auto& key : keys) {
        std::size_t column = 0;
        for (std::size_t c = 0; c < columns.size(); ++c)
            if (columns[c] == key) column = c + 2;  // column 1 is the epoch
        if (column == 0) {
            (void)history[key];  // throws the Error that lists the keys there are
        }
        plots += (plots.empty() ? "" : ", ") + detail::gnuplot_quoted(csv) + " using 1:" + std::to_string(column) +
                 " with lines linewidth 2 title " + detail::gnuplot_quoted(key);
    }
    // gnuplot draws into a temporary file, renamed over the PNG once it
    // succeeded: a failed plot leaves an earlier PNG as it was.
    const std::string temporary = detail::temporary_path(png_path);
    std::string text = "set terminal pngcairo size 800,500 noenhanced\n";
    text += "set output " + detail::gnuplot_quoted(temporary) + "\nset datafile separator ','\nset key top right\n";
    text += "set title " + detail::gnuplot_quoted(title) + "\nset xlabel 'epoch'\nset grid\n";
    text += "plot " + plots + "\nset output\n";
    detail::write_file_atomically(script, text, "plot_history");
    const std::string command = "gnuplot '" + script + "' 2>&1";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) throw Error("plot_history: cannot run gnuplot");
    std::string output;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    const int status = ::pclose(pipe);
    if (status != 0) {
        std::remove(temporary.c_str());
        throw Error("plot_history: gnuplot failed (install Debian's gnuplot-nox; scripts/setup does); " + png_path +
                    " was left as it was: " +
                    (output.empty() ? std::string("exit status ") + std::to_string(status) : output));
    }
    detail::replace_with_temporary(png_path, "plot_history");
}

}  // namespace ctnn

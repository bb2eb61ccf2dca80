// Definitions of io/plot.hpp (see io/detail/linkage.hpp).
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../detail/atomic_write.hpp"
#include "../detail/read_file.hpp"
#include "../error.hpp"
#include "../plot.hpp"

namespace ctnn {

namespace detail {

// text as a gnuplot single-quoted string: a quote inside is doubled.
CTNN_HOST_INLINE std::string gnuplot_quoted(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    return quoted + "'";
}

// The named keys (each must be in the History: else the Error that lists the
// keys there are), or every key the History has when none are named.
CTNN_HOST_INLINE PlotPanels plot_panels(const History& history, const std::vector<std::string>& keys) {
    PlotPanels panels;
    for (const auto& key : keys.empty() ? history.keys() : keys) {
        (void)history[key];  // throws the Error that lists the keys there are
        (key == "loss" || key == "val_loss" ? panels.losses : panels.metrics).push_back(key);
    }
    return panels;
}

// The gnuplot script that draws `keys` of `history` into the PNG `output`:
// the History as an inline data block, then one `plot` command per panel
// (losses above metrics, in a `multiplot` when there are both).
CTNN_HOST_INLINE std::string gnuplot_script(const History& history, const std::vector<std::string>& keys,
                                            const std::string& title, const std::string& output) {
    const PlotPanels panels = plot_panels(history, keys);
    const std::vector<std::string> columns = history.keys();
    const bool two_panels = !panels.losses.empty() && !panels.metrics.empty();
    // A single epoch is a point: a line needs two.
    const std::string style = history.epochs() > 1 ? " with lines linewidth 2" : " with points pointtype 7 pointsize 1.5";

    std::string text = "set terminal pngcairo size 800," + std::string(two_panels ? "800" : "500") + " noenhanced\n";
    text += "set output " + gnuplot_quoted(output) + "\nset datafile separator ','\n";
    text += "$history << EOD\n# epoch";
    for (const auto& column : columns) text += ',' + column;
    text += '\n';
    std::vector<const std::vector<double>*> series;
    for (const auto& column : columns) series.push_back(&history[column]);
    char number[32];
    for (std::size_t e = 0; e < history.epochs(); ++e) {
        text += std::to_string(e + 1);
        for (const auto* values : series) {
            std::snprintf(number, sizeof number, "%.17g", (*values)[e]);
            text += ',';
            text += number;
        }
        text += '\n';
    }
    text += "EOD\n";
    text += two_panels ? "set multiplot layout 2,1 title " + gnuplot_quoted(title) + '\n'
                       : "set title " + gnuplot_quoted(title) + '\n';
    text += "set grid\nset xlabel 'epoch'\n";
    if (history.epochs() <= 10) text += "set xtics 1\n";  // whole epochs, not 1.5

    auto panel = [&](const std::vector<std::string>& panel_keys, const std::string& ylabel, const char* key_place) {
        text += "set ylabel " + gnuplot_quoted(ylabel) + "\nset key " + key_place + "\nplot ";
        for (std::size_t k = 0; k < panel_keys.size(); ++k) {
            std::size_t column = 0;
            for (std::size_t c = 0; c < columns.size(); ++c)
                if (columns[c] == panel_keys[k]) column = c + 2;  // column 1 is the epoch
            text += (k == 0 ? "" : ", ") + std::string("$history using 1:") + std::to_string(column) + style +
                    " title " + gnuplot_quoted(panel_keys[k]);
        }
        text += '\n';
    };
    if (!panels.losses.empty()) panel(panels.losses, "loss", "top right");
    if (!panels.metrics.empty()) {
        // The metrics' names without "val_", each once: "binary_accuracy".
        std::vector<std::string> names;
        bool accuracies = true;
        for (const auto& key : panels.metrics) {
            const std::string name = key.starts_with("val_") ? key.substr(4) : key;
            bool seen = false;
            for (const auto& n : names) seen = seen || n == name;
            if (!seen) names.push_back(name);
            accuracies = accuracies && name.find("accuracy") != std::string::npos;
        }
        std::string ylabel;
        for (const auto& name : names) ylabel += (ylabel.empty() ? "" : ", ") + name;
        panel(panels.metrics, ylabel, accuracies ? "bottom right" : "top right");  // accuracies rise
    }
    if (two_panels) text += "unset multiplot\n";
    return text + "set output\n";
}

// A fresh directory only this process uses (mkdtemp under $TMPDIR, else
// /tmp), removed with everything in it when the object goes.
class PrivateDirectory {
public:
    explicit PrivateDirectory(const char* what) {
        const char* tmpdir = std::getenv("TMPDIR");
        std::string pattern = (tmpdir != nullptr && *tmpdir != '\0' ? std::string(tmpdir) : std::string("/tmp")) +
                              "/ctnn-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            const int error = errno;
            throw Error(std::string(what) + ": cannot create a temporary directory " + pattern + ": " +
                        std::strerror(error) + "; expected $TMPDIR (or /tmp) to be a writable directory");
        }
        path_ = pattern;
    }
    PrivateDirectory(const PrivateDirectory&) = delete;
    PrivateDirectory& operator=(const PrivateDirectory&) = delete;
    ~PrivateDirectory() {
        // Everything in it, then the directory itself (nftw, not <filesystem>'s
        // remove_all: <filesystem> cost every translation unit 0.3 s to parse).
        constexpr auto remove_entry = [](const char* path, const struct stat*, int, struct FTW*) noexcept -> int {
            std::remove(path);
            return 0;  // on to the next entry: a failure leaves that entry behind
        };
        ::nftw(path_.c_str(), +remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    std::string operator/(const std::string& name) const { return path_ + '/' + name; }

private:
    std::string path_;
};

// Runs `program` (found on PATH, no shell between) with `arguments`, its
// standard output and error going to the file `log`; returns its wait status,
// or -1 with errno set when it could not be started.
CTNN_HOST_INLINE int run_program(const char* program, std::vector<std::string> arguments, const std::string& log) {
    std::vector<char*> argv{const_cast<char*>(program)};
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    if ((errno = ::posix_spawn_file_actions_init(&actions)) != 0) return -1;
    int error = ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (error == 0) error = ::posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (error == 0) error = ::posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = 0;
    if (error == 0) error = ::posix_spawnp(&pid, program, &actions, nullptr, argv.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
        errno = error;
        return -1;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) == -1)
        if (errno != EINTR) return -1;
    return status;
}

// Removes a file when it goes, unless it was renamed away first.
struct RemovedOnExit {
    std::string path;
    ~RemovedOnExit() { std::remove(path.c_str()); }
};

}  // namespace detail

CTNN_HOST_INLINE void plot_history(const History& history, const std::string& png_path,
                                   const std::vector<std::string>& keys, const std::string& title) {
    if (history.epochs() == 0) throw Error("plot_history: the History has no epochs to plot");
    // The PNG's path is a gnuplot string on one line of the script.
    for (char c : png_path)
        if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f')
            throw Error("plot_history: the path " + png_path +
                        " contains a newline or another control character; expected a path without them");
    // gnuplot draws into a temporary file beside the PNG, renamed over it once
    // gnuplot succeeded: a failed plot leaves an earlier PNG as it was.
    const std::string temporary = detail::temporary_path(png_path);
    const std::string script = detail::gnuplot_script(history, keys, title, temporary);  // checks the keys
    const detail::PrivateDirectory directory("plot_history");
    detail::write_file_atomically(directory / "plot.gnuplot", script, "plot_history");
    const detail::RemovedOnExit partial_png{temporary};
    const int status = detail::run_program("gnuplot", {directory / "plot.gnuplot"}, directory / "gnuplot.log");
    const auto outcome = [&] {
        struct stat info;
        return ::stat(png_path.c_str(), &info) == 0 ? png_path + " was left as it was"
                                                     : std::string("nothing was written");
    };
    if (status == -1) {
        const int error = errno;
        throw Error("plot_history: cannot run gnuplot: " + std::string(std::strerror(error)) +
                    " (install Debian's gnuplot-nox; scripts/setup does); " + outcome());
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::string output = detail::read_whole_file(directory / "gnuplot.log", "plot_history");
        while (!output.empty() && output.back() == '\n') output.pop_back();
        const std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                                  : "signal " + std::to_string(WTERMSIG(status));
        throw Error("plot_history: gnuplot failed (" + how + "); " + outcome() +
                    (output.empty() ? std::string() : ": " + output));
    }
    detail::replace_with_temporary(png_path, "plot_history");
}

}  // namespace ctnn

// plot_history: only the named PNG is written (files beside it and an earlier
// PNG stay byte for byte, on success and on every failure, and no temporary
// directory is left), the training loss alone plots, metrics go in a second
// panel, and what the keys mean.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/io/plot.hpp>

#include "support/error_of.hpp"
#include "support/temp_dir.hpp"

using namespace ctnn;
using test::error_of;
namespace fs = std::filesystem;

namespace {

History history_of(const std::vector<std::pair<std::string, std::vector<double>>>& series) {
    History h;
    for (std::size_t e = 0; e < series.front().second.size(); ++e) {
        Logs logs;
        for (const auto& [key, values] : series) logs.set(key, values[e]);
        h.append(logs);
    }
    return h;
}

History classification_history() {
    return history_of({{"loss", {0.9, 0.6, 0.4}},
                       {"binary_accuracy", {0.5, 0.7, 0.8}},
                       {"val_loss", {1.0, 0.8, 0.7}},
                       {"val_binary_accuracy", {0.45, 0.6, 0.7}}});
}

// An environment variable set for one scope, then restored.
struct ScopedEnv {
    std::string name, old;
    bool had;
    ScopedEnv(const std::string& n, const std::string& value) : name(n), had(std::getenv(n.c_str()) != nullptr) {
        if (had) old = std::getenv(n.c_str());
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    ~ScopedEnv() { had ? (void)::setenv(name.c_str(), old.c_str(), 1) : (void)::unsetenv(name.c_str()); }
};

std::vector<std::string> entries(const std::string& directory) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(directory)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

bool is_png(const std::string& bytes) { return bytes.size() > 24 && bytes.substr(0, 8) == "\x89PNG\r\n\x1a\n"; }

// Width and height from the PNG's IHDR chunk (big-endian, bytes 16 to 23).
std::pair<unsigned, unsigned> png_size(const std::string& bytes) {
    auto at = [&](std::size_t i) {
        unsigned v = 0;
        for (std::size_t k = i; k < i + 4; ++k) v = v << 8 | static_cast<unsigned char>(bytes[k]);
        return v;
    };
    return {at(16), at(20)};
}

std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
    std::vector<std::string> out;
    std::size_t begin = 0;
    while (begin < text.size()) {
        const std::size_t end = std::min(text.find('\n', begin), text.size());
        const std::string line = text.substr(begin, end - begin);
        if (line.rfind(prefix, 0) == 0) out.push_back(line);
        begin = end + 1;
    }
    return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string user_csv = "epoch,loss\n1,42\n", user_script = "plot sin(x) # mine\n";

}  // namespace

TEST_CASE("plot_history writes only the PNG it is given: files beside it stay as they were, no temporary is left") {
    test::TempDir dir, tmpdir;
    const ScopedEnv private_tmpdir("TMPDIR", tmpdir.path.string());
    dir.file("curves.csv", user_csv);
    dir.file("curves.gnuplot", user_script);
    plot_history(classification_history(), dir / "curves.png");
    CHECK(is_png(test::read_bytes(dir / "curves.png")));
    CHECK(test::read_bytes(dir / "curves.csv") == user_csv);
    CHECK(test::read_bytes(dir / "curves.gnuplot") == user_script);
    CHECK(entries(dir.path.string()) == std::vector<std::string>{"curves.csv", "curves.gnuplot", "curves.png"});
    CHECK(entries(tmpdir.path.string()).empty());
}

TEST_CASE("a failed plot_history leaves every file as it was and no temporary behind") {
    test::TempDir dir, tmpdir, fake_bin;
    const ScopedEnv private_tmpdir("TMPDIR", tmpdir.path.string());
    const History h = classification_history();
    const std::string png = dir / "curves.png";
    plot_history(h, png);
    const std::string earlier_png = test::read_bytes(png);
    REQUIRE(is_png(earlier_png));
    dir.file("curves.csv", user_csv);
    dir.file("curves.gnuplot", user_script);
    const std::vector<std::string> before = entries(dir.path.string());
    const std::string bin = fake_bin.path.string();
    // A gnuplot that records the script it was given, then runs `body`.
    auto fake_gnuplot = [&](const std::string& body) {
        const std::string path = fake_bin.file("gnuplot", "#!/bin/sh\necho \"$1\" > '" + bin + "/argument'\n" + body);
        fs::permissions(path, fs::perms::owner_all);
    };
    std::string message, expected;
    SUBCASE("gnuplot fails after starting to write its output") {
        fake_gnuplot("printf broken > '" + png + ".ctnn-tmp'\necho 'no luck' >&2\nexit 1\n");
        const ScopedEnv path("PATH", bin + ":" + std::getenv("PATH"));
        message = error_of([&] { plot_history(h, png); });
        expected = "ctnn: plot_history: gnuplot failed (exit status 1); " + png + " was left as it was: no luck";
        // The script gnuplot was given was in the private TMPDIR, and is gone.
        const std::string argument = test::read_bytes(bin + "/argument");
        CHECK(argument.rfind(tmpdir / "ctnn-", 0) == 0);
        CHECK(contains(argument, "plot.gnuplot"));
    }
    SUBCASE("gnuplot succeeds without writing the PNG (the rename throws)") {
        fake_gnuplot("exit 0\n");
        const ScopedEnv path("PATH", bin + ":" + std::getenv("PATH"));
        message = error_of([&] { plot_history(h, png); });
        expected = "ctnn: plot_history: cannot ";
        CHECK(contains(message, png + " was left as it was"));
    }
    SUBCASE("there is no gnuplot") {
        const ScopedEnv path("PATH", bin);
        message = error_of([&] { plot_history(h, png); });
        expected = "ctnn: plot_history: cannot run gnuplot: No such file or directory (install Debian's gnuplot-nox";
    }
    SUBCASE("the real gnuplot cannot write the PNG's directory") {
        message = error_of([&] { plot_history(h, dir / "missing/curves.png"); });
        expected = "ctnn: plot_history: gnuplot failed (exit status 1); nothing was written: ";
        CHECK(contains(message, "cannot open file"));
    }
    CAPTURE(message);
    CHECK(message.rfind(expected, 0) == 0);
    CHECK(test::read_bytes(png) == earlier_png);
    CHECK(test::read_bytes(dir / "curves.csv") == user_csv);
    CHECK(test::read_bytes(dir / "curves.gnuplot") == user_script);
    CHECK(entries(dir.path.string()) == before);
    CHECK(entries(tmpdir.path.string()).empty());
}

TEST_CASE("plot_history draws the training loss alone, in one panel") {
    test::TempDir dir;
    const History h = history_of({{"loss", {1.0, 0.5, 0.25}}});
    const std::string png = dir / "loss.png";
    plot_history(h, png);
    const std::string bytes = test::read_bytes(png);
    REQUIRE(is_png(bytes));
    CHECK(bytes.size() > 5000);
    CHECK(png_size(bytes) == std::pair{800u, 500u});
    const std::string script = detail::gnuplot_script(h, {}, "Learning curves", "out.png");
    CHECK_FALSE(contains(script, "multiplot"));
    CHECK(lines_starting(script, "plot ") ==
          std::vector<std::string>{"plot $history using 1:2 with lines linewidth 2 title 'loss'"});
    CHECK(contains(script, "\n1,1\n2,0.5\n3,0.25\nEOD\n"));  // the History, inline
    SUBCASE("one epoch is a point") {
        const History one = history_of({{"loss", {0.5}}});
        plot_history(one, png);
        CHECK(is_png(test::read_bytes(png)));
        CHECK(contains(detail::gnuplot_script(one, {}, "t", "o.png"), "with points"));
    }
}

TEST_CASE("plot_history draws losses above and metrics in a second panel of the same PNG") {
    test::TempDir dir;
    const History h = classification_history();  // keys: loss, binary_accuracy, val_loss, val_binary_accuracy
    const std::string png = dir / "curves.png";
    plot_history(h, png, {}, "Bob's curves");  // quotes in titles are escaped
    const std::string bytes = test::read_bytes(png);
    REQUIRE(is_png(bytes));
    CHECK(png_size(bytes) == std::pair{800u, 800u});
    CHECK(entries(dir.path.string()) == std::vector<std::string>{"curves.png"});

    const std::string script = detail::gnuplot_script(h, {}, "Bob's curves", "out.png");
    CHECK(contains(script, "set multiplot layout 2,1 title 'Bob''s curves'\n"));
    CHECK(contains(script, "\nunset multiplot\n"));
    const auto plots = lines_starting(script, "plot ");
    REQUIRE(plots.size() == 2);
    CHECK(plots[0] ==
          "plot $history using 1:2 with lines linewidth 2 title 'loss', "
          "$history using 1:4 with lines linewidth 2 title 'val_loss'");
    CHECK(plots[1] ==
          "plot $history using 1:3 with lines linewidth 2 title 'binary_accuracy', "
          "$history using 1:5 with lines linewidth 2 title 'val_binary_accuracy'");
    CHECK(lines_starting(script, "set ylabel ") ==
          std::vector<std::string>{"set ylabel 'loss'", "set ylabel 'binary_accuracy'"});
    CHECK(contains(script, "# epoch,loss,binary_accuracy,val_loss,val_binary_accuracy\n1,0.90000000000000002,0.5,1,"
                           "0.45000000000000001\n"));
    // The first plot comes before the second panel's label.
    CHECK(script.find(plots[0]) < script.find("set ylabel 'binary_accuracy'"));
}

TEST_CASE("plot_history's keys: named keys are drawn alone; a named key that is absent is an Error") {
    const History h = classification_history();
    auto plots_of = [&](const std::vector<std::string>& keys) {
        return lines_starting(detail::gnuplot_script(h, keys, "t", "o.png"), "plot ");
    };
    CHECK(plots_of({"loss", "val_loss"}) ==
          std::vector<std::string>{"plot $history using 1:2 with lines linewidth 2 title 'loss', "
                                   "$history using 1:4 with lines linewidth 2 title 'val_loss'"});
    CHECK(plots_of({"val_binary_accuracy"}) ==
          std::vector<std::string>{"plot $history using 1:5 with lines linewidth 2 title 'val_binary_accuracy'"});
    CHECK(plots_of({"binary_accuracy", "loss"}).size() == 2);  // losses above metrics, whatever the order
    CHECK_FALSE(contains(detail::gnuplot_script(h, {"loss"}, "t", "o.png"), "multiplot"));
    // A regression metric: top-right legend, its own label.
    const History regression = history_of({{"loss", {3.0, 2.0}}, {"mae", {1.5, 1.2}}, {"val_mae", {1.6, 1.4}}});
    const std::string script = detail::gnuplot_script(regression, {}, "t", "o.png");
    CHECK(lines_starting(script, "set ylabel ") == std::vector<std::string>{"set ylabel 'loss'", "set ylabel 'mae'"});
    CHECK(lines_starting(script, "set key ") == std::vector<std::string>{"set key top right", "set key top right"});

    test::TempDir dir;
    const History loss_only = history_of({{"loss", {1.0, 0.5}}, {"mae", {0.9, 0.4}}});
    const std::string message = error_of([&] { plot_history(loss_only, dir / "curves.png", {"loss", "val_loss"}); });
    CHECK(message == "ctnn: History has no key \"val_loss\"; the keys are: loss, mae");
    CHECK(entries(dir.path.string()).empty());
}

TEST_CASE("plot_history: quotes in paths and titles are fine; control characters and empty Histories are refused") {
    test::TempDir dir;
    const History h = classification_history();
    plot_history(h, dir / "Bob's curves.png", {"loss"}, "it's 'quoted'");
    CHECK(is_png(test::read_bytes(dir / "Bob's curves.png")));
    const std::string odd = dir / "two\nlines.png";
    CHECK(error_of([&] { plot_history(h, odd); }) ==
          "ctnn: plot_history: the path " + odd + " contains a newline or another control character; expected a path "
          "without them");
    CHECK(error_of([&] { plot_history(History{}, dir / "empty.png"); }) ==
          "ctnn: plot_history: the History has no epochs to plot");
    CHECK(entries(dir.path.string()) == std::vector<std::string>{"Bob's curves.png"});
}

// What the course's examples share: command-line options (where the data
// sets are, where results go, an epoch count for quick runs), and the
// results every example leaves behind: the History as CSV, the learning
// curves as PNG (gnuplot), the trained model (ctnn::save) and its exported
// header (ctnn::export_header).
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <sys/stat.h>  // mkdir: <filesystem> would cost every example 0.3 s of compile time

#include <ctnn/ctnn.hpp>

namespace example {

struct Options {
    std::string data = "data";     // --data DIR: where scripts/get-datasets put the data sets
    std::string out = "results";   // --out DIR: where results go
    std::size_t epochs = 0;        // --epochs N: 0 means the example's own schedule
    int verbose = 1;               // --quiet: no progress lines
    double require = -1;           // --require X: exit 1 unless the example's score reaches X (the accuracy tests)
    std::size_t rows = 0;          // --rows N: train and test on the first N rows only (quick runs); 0: all
};

// mkdir -p: creates every missing folder of `path`; exits with a message on failure.
inline void make_directories(const std::string& path) {
    for (std::size_t end = path.find('/', 1);; end = path.find('/', end + 1)) {
        const std::string prefix = path.substr(0, end);
        struct stat info;
        if (::stat(prefix.c_str(), &info) != 0 && ::mkdir(prefix.c_str(), 0777) != 0 &&
            (::stat(prefix.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))) {
            std::fprintf(stderr, "cannot create the folder %s\n", prefix.c_str());
            std::exit(2);
        }
        if (end == std::string::npos) return;
    }
}

inline Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&] {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", argv[i]);
                std::exit(2);
            }
            return std::string(argv[++i]);
        };
        if (arg == "--data") options.data = value();
        else if (arg == "--out") options.out = value();
        else if (arg == "--epochs") options.epochs = std::stoul(value());
        else if (arg == "--quiet") options.verbose = 0;
        else if (arg == "--require") options.require = std::stod(value());
        else if (arg == "--rows") options.rows = std::stoul(value());
        else {
            std::fprintf(stderr,
                         "usage: %s [--data DIR] [--out DIR] [--epochs N] [--quiet] [--require SCORE] [--rows N]\n",
                         argv[0]);
            std::exit(2);
        }
    }
    make_directories(options.out);
    return options;
}

// Writes NAME.csv and NAME.png (learning curves), NAME.ctnn and NAME_model.hpp
// into the output folder, and says where they are.
template <class Model>
void write_results(const Model& model, const ctnn::History& history, const Options& options, const std::string& name,
                   const std::vector<std::string>& curves = {}) {  // {}: every key, metrics below the losses
    const std::string base = options.out + "/" + name;
    history.to_csv(base + ".csv");
    std::string plot = base + ".png";
    try {
        ctnn::plot_history(history, plot, curves, name + ": learning curves");
    } catch (const ctnn::Error& e) {  // the results stand without the picture
        std::fprintf(stderr, "%s\n", e.what());
        plot = "(no plot: " + std::string(e.what()) + ")";
    }
    ctnn::save(model, base + ".ctnn");
    ctnn::export_header(model, base + "_model.hpp", name);
    std::printf("history:        %s.csv\nlearning curves: %s\nmodel:          %s.ctnn\nexported header: %s_model.hpp\n",
                base.c_str(), plot.c_str(), base.c_str(), base.c_str());
}

// The exit status: 0 unless --require asked for a score this run missed.
// higher_is_better: accuracies; otherwise an error such as MAE must stay below.
inline int check(const Options& options, const char* what, double score, bool higher_is_better) {
    if (options.require < 0) return 0;
    const bool met = higher_is_better ? score >= options.require : score <= options.require;
    std::printf("%s %.4f: %s (required %s %.4f)\n", what, score, met ? "met" : "MISSED", higher_is_better ? ">=" : "<=",
                options.require);
    return met ? 0 : 1;
}

// Min-max scales features and targets of both sets with statistics of the
// training rows alone, as the course does for its regression examples.
template <class T, std::size_t In, std::size_t Out>
void min_max_scale(ctnn::Dataset<T, In, Out>& train, ctnn::Dataset<T, In, Out>& valid) {
    ctnn::MinMaxScaler features, targets;
    features.fit(train.x);
    targets.fit(train.y);
    features.transform(train.x), features.transform(valid.x);
    targets.transform(train.y), targets.transform(valid.y);
}

// The mean absolute error on `valid` of always predicting the training targets' mean.
template <class T, std::size_t In, std::size_t Out>
double mean_baseline_mae(const ctnn::Dataset<T, In, Out>& train, const ctnn::Dataset<T, In, Out>& valid) {
    double mean[Out] = {}, error = 0;
    for (const auto& y : train.y)
        for (std::size_t j = 0; j < Out; ++j) mean[j] += double(y[j]) / double(train.size());
    for (const auto& y : valid.y)
        for (std::size_t j = 0; j < Out; ++j) error += std::abs(double(y[j]) - mean[j]);
    return error / double(valid.size() * Out);
}

}  // namespace example

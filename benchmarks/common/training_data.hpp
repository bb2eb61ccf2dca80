// The data every library trains on in the training benchmarks, in two forms:
// a ctnn::Dataset for ctnn, and plain row-major float vectors for the peers
// (libtorch, dlib, ...), so that all of them see exactly the same numbers.
//
// - ionosphere_shaped(): 351 rows x 33 features (the Ionosphere data set's
//   shape), uniform in [-1, 1] from ctnn::Rng Seed{351}, label x0 + x1 > 0.
//   Random but learnable, and no file needed. benchmarks/pytorch_training.py
//   re-implements the generator and gets the same values.
// - load_fashion_mnist(dir): the real Fashion-MNIST (60,000 training and
//   10,000 test images of 28 x 28 pixels, 10 classes) from the IDX files that
//   scripts/get-datasets puts in data/, read with ctnn::read_idx. Pixels are
//   scaled to [0, 1] (divided by 255, the common recipe every peer can repeat
//   exactly); labels are class numbers, one-hot for ctnn's Dataset.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <ctnn/ctnn.hpp>

namespace bench {

// ---- 351 x 33, Ionosphere-shaped ------------------------------------------

struct IonosphereShaped {
    static constexpr std::size_t rows = 351, features = 33;
    ctnn::Dataset<float, features, 1> dataset;  // for ctnn
    std::vector<float> x;                       // rows * features, row-major
    std::vector<float> y;                       // rows labels, 0 or 1
};

inline IonosphereShaped ionosphere_shaped() {
    IonosphereShaped data;
    ctnn::Rng rng(ctnn::Seed{351});
    for (std::size_t r = 0; r < IonosphereShaped::rows; ++r) {
        std::array<float, IonosphereShaped::features> x{};
        for (float& v : x) v = float(rng.uniform(-1, 1));
        const float label = x[0] + x[1] > 0 ? 1.f : 0.f;
        data.dataset.x.push_back(x);
        data.dataset.y.push_back({label});
        data.x.insert(data.x.end(), x.begin(), x.end());
        data.y.push_back(label);
    }
    return data;
}

// ---- Fashion-MNIST ------------------------------------------------------------

// The directory of the data sets: $CTNN_DATA, else "data" relative to the
// working directory (where scripts/get-datasets puts them).
inline std::string data_dir() {
    const char* dir = std::getenv("CTNN_DATA");
    return dir != nullptr && *dir != '\0' ? dir : "data";
}

struct FashionSplit {
    static constexpr std::size_t features = 784, classes = 10;
    std::size_t rows = 0;
    std::vector<float> x;              // rows * 784, row-major, pixels / 255
    std::vector<std::uint8_t> labels;  // rows class numbers, 0 to 9
};

struct FashionMnist {
    FashionSplit train, test;
};

namespace detail {

inline FashionSplit read_fashion_split(const std::string& images_path, const std::string& labels_path) {
    const ctnn::IdxArray images = ctnn::read_idx(images_path), labels = ctnn::read_idx(labels_path);
    if (images.shape.size() != 3 || images.shape[1] != 28 || images.shape[2] != 28)
        throw ctnn::Error(images_path + ": expected 28 x 28 images");
    if (labels.shape.size() != 1 || labels.shape[0] != images.shape[0])
        throw ctnn::Error(labels_path + ": expected one label per image of " + images_path);
    FashionSplit split;
    split.rows = images.shape[0];
    split.x.resize(images.values.size());
    for (std::size_t i = 0; i < split.x.size(); ++i) split.x[i] = float(images.values[i]) / 255.f;
    split.labels = labels.values;
    for (std::size_t r = 0; r < split.rows; ++r)
        if (split.labels[r] >= FashionSplit::classes)
            throw ctnn::Error(labels_path + ": label " + std::to_string(split.labels[r]) + " at row " +
                              std::to_string(r) + "; expected 0 to 9");
    return split;
}

}  // namespace detail

// Throws std::runtime_error "Fashion-MNIST not found in DIR: run
// scripts/get-datasets" when a file is missing, ctnn::Error (read_idx's
// message) when one is corrupt.
inline FashionMnist load_fashion_mnist(const std::string& dir) {
    for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                             "t10k-labels-idx1-ubyte"})
        if (!std::filesystem::exists(dir + "/" + name))
            throw std::runtime_error("Fashion-MNIST not found in " + dir + ": run scripts/get-datasets");
    return {detail::read_fashion_split(dir + "/train-images-idx3-ubyte", dir + "/train-labels-idx1-ubyte"),
            detail::read_fashion_split(dir + "/t10k-images-idx3-ubyte", dir + "/t10k-labels-idx1-ubyte")};
}

// The same rows as ctnn's Dataset, labels one-hot.
inline ctnn::Dataset<float, 784, 10> to_dataset(const FashionSplit& split) {
    ctnn::Dataset<float, 784, 10> data;
    data.x.resize(split.rows);
    data.y.assign(split.rows, std::array<float, 10>{});
    for (std::size_t r = 0; r < split.rows; ++r) {
        std::copy_n(split.x.begin() + std::ptrdiff_t(r * 784), 784, data.x[r].begin());
        data.y[r][split.labels[r]] = 1.f;
    }
    return data;
}

// Loads once per process (a benchmark function runs once per repetition) and
// remembers either the data or why there is none, for state.SkipWithError.
template <class Data>
struct Loaded {
    std::unique_ptr<const Data> data;
    std::string error;
};

template <class Load>
auto load_once(Load load) -> Loaded<decltype(load())> {
    try {
        return {std::make_unique<const decltype(load())>(load()), {}};
    } catch (const std::exception& e) {
        return {nullptr, e.what()};
    }
}

}  // namespace bench

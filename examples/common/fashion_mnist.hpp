// Fashion-MNIST (Xiao et al. 2017) from Debian's dataset-fashion-mnist, as the
// examples read it: 28 x 28 images of pixel values 0 to 255 as rows of 784
// floats, row-major (an Input<28, 28, 1> image), and one-hot labels of 10
// classes. The set's files are IDX (ctnn::read_idx); a wrong shape or label
// is an error naming the file.
#pragma once

#include <cstddef>
#include <string>

#include <ctnn/ctnn.hpp>

namespace example {

// The first `rows` images of a set (0: all of them).
inline ctnn::Dataset<float, 784, 10> load_fashion_mnist(const std::string& images_path,
                                                        const std::string& labels_path, std::size_t rows = 0) {
    const ctnn::IdxArray images = ctnn::read_idx(images_path), labels = ctnn::read_idx(labels_path);
    if (images.shape.size() != 3 || images.shape[1] != 28 || images.shape[2] != 28)
        throw ctnn::Error(images_path + ": expected 28 x 28 images");
    if (labels.shape.size() != 1 || labels.shape[0] != images.shape[0])
        throw ctnn::Error(labels_path + ": expected one label per image of " + images_path);
    const std::size_t count = rows != 0 && rows < images.shape[0] ? rows : images.shape[0];
    ctnn::Dataset<float, 784, 10> data;
    data.x.resize(count);
    data.y.resize(count);
    for (std::size_t r = 0; r < count; ++r) {
        for (std::size_t i = 0; i < 784; ++i) data.x[r][i] = float(images.values[r * 784 + i]);
        if (labels.values[r] > 9)
            throw ctnn::Error(labels_path + ": label " + std::to_string(labels.values[r]) + " at row " +
                              std::to_string(r) + "; expected 0 to 9");
        data.y[r] = {};
        data.y[r][labels.values[r]] = 1.f;
    }
    return data;
}

}  // namespace example

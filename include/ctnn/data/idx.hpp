// read_idx(path) and write_idx(path, array): IDX files, the format of MNIST
// and Fashion-MNIST, with unsigned-byte elements.
//
//   ctnn::IdxArray images = ctnn::read_idx("train-images-idx3-ubyte");  // shape {60000, 28, 28}
//   ctnn::IdxArray labels = ctnn::read_idx("train-labels-idx1-ubyte");  // shape {60000}
//
// Layout: a 4-byte magic number (two zero bytes, the element type -- 0x08 for
// unsigned byte -- and the number of dimensions: 0x00000803 for a 3-D array
// of images, 0x00000801 for labels), each dimension's size as a big-endian
// 32-bit integer, then the elements in row-major order (last index fastest).
//
// read_idx checks everything against the file's size before it allocates the
// array (a corrupt header cannot ask for more memory than the file holds) and
// throws ctnn::Error saying which check failed: too short, gzip-compressed
// (the files are usually distributed as .gz: decompress them first), not an
// IDX file, another element type, truncated, or longer than the shape says.
// write_idx writes atomically (temporary file, then rename). Host only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "../io/detail/linkage.hpp"
#include "../io/error.hpp"

namespace ctnn {

struct IdxArray {
    std::vector<std::uint32_t> shape;   // e.g. {60000, 28, 28}
    std::vector<std::uint8_t> values;   // row-major: the last index varies fastest
};

[[nodiscard]] IdxArray read_idx(const std::string& path);

void write_idx(const std::string& path, const IdxArray& array);

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/idx.ipp"
#endif

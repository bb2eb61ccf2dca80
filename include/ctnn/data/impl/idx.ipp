// Definitions of data/idx.hpp (see io/detail/linkage.hpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "../../io/detail/atomic_write.hpp"
#include "../../io/detail/read_file.hpp"
#include "../../io/error.hpp"
#include "../detail/text.hpp"
#include "../idx.hpp"

namespace ctnn {

namespace detail {

CTNN_HOST_INLINE std::string hex_text(std::uint32_t value, int digits) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "0x";
    for (int d = digits - 1; d >= 0; --d) out += hex[(value >> (4 * d)) & 15];
    return out;
}

CTNN_HOST_INLINE std::string idx_shape_text(const std::vector<std::uint32_t>& shape) {
    std::string out;
    for (std::size_t d = 0; d < shape.size(); ++d) out += (d == 0 ? "" : " x ") + std::to_string(shape[d]);
    return out;
}

CTNN_HOST_INLINE const char* idx_type_name(unsigned code) noexcept {
    switch (code) {
        case 0x08: return "unsigned byte";
        case 0x09: return "signed byte";
        case 0x0B: return "16-bit integer";
        case 0x0C: return "32-bit integer";
        case 0x0D: return "32-bit float";
        case 0x0E: return "64-bit float";
        default: return nullptr;
    }
}

}  // namespace detail

CTNN_HOST_INLINE IdxArray read_idx(const std::string& path) {
    return detail::out_of_memory_is_an_error("read_idx", path, [&] {
        const std::string bytes = detail::read_whole_file(path, "read_idx");
        auto fail = [&](const std::string& problem) { throw Error("read_idx: " + path + problem); };
        auto byte = [&](std::size_t at) { return static_cast<unsigned char>(bytes[at]); };

        if (bytes.size() >= 2 && byte(0) == 0x1f && byte(1) == 0x8b)
            fail(" is gzip-compressed; expected an uncompressed IDX file (decompress it first, e.g. gunzip -k " + path +
                 ")");
        if (bytes.size() < 4)
            fail(" has " + std::to_string(bytes.size()) +
                 " bytes, too short for an IDX file; expected at least the 4-byte magic number");
        const std::uint32_t magic = std::uint32_t(byte(0)) << 24 | std::uint32_t(byte(1)) << 16 |
                                    std::uint32_t(byte(2)) << 8 | std::uint32_t(byte(3));
        if (byte(0) != 0 || byte(1) != 0)
            fail(" is not an IDX file: its magic number " + detail::hex_text(magic, 8) +
                 " does not start with two zero bytes; expected 0x00000801 (labels), 0x00000803 (images) or the like");
        const unsigned type = byte(2);
        if (type != 0x08) {
            const char* name = detail::idx_type_name(type);
            fail(" has element type " + detail::hex_text(type, 2) +
                 (name != nullptr ? std::string(" (") + name + "), which read_idx does not read"
                                  : std::string(", which is not an IDX type")) +
                 "; expected 0x08 (unsigned byte)");
        }
        const std::size_t dimensions = byte(3);
        if (dimensions == 0) fail(" declares 0 dimensions (magic number 0x00000800); expected at least 1");
        const std::size_t header = 4 + 4 * dimensions;
        if (bytes.size() < header)
            fail(" is truncated: its header declares " + std::to_string(dimensions) + " dimensions (" +
                 std::to_string(header) + " bytes) but the file has " + std::to_string(bytes.size()) + " bytes");

        IdxArray array;
        array.shape.resize(dimensions);
        const std::size_t available = bytes.size() - header;
        bool empty = false;
        for (std::size_t d = 0; d < dimensions; ++d) {
            const std::size_t at = 4 + 4 * d;
            array.shape[d] = std::uint32_t(byte(at)) << 24 | std::uint32_t(byte(at + 1)) << 16 |
                             std::uint32_t(byte(at + 2)) << 8 | std::uint32_t(byte(at + 3));
            empty = empty || array.shape[d] == 0;
        }
        // The product is checked for overflow as it grows, and compared with what
        // the file holds before anything is allocated for it.
        std::size_t count = empty ? 0 : 1;
        bool overflow = false;
        for (std::size_t d = 0; d < dimensions && !empty && !overflow; ++d) {
            overflow = count > std::numeric_limits<std::size_t>::max() / array.shape[d];
            if (!overflow) count *= array.shape[d];
        }
        if (overflow || count > available)
            fail(" is truncated: the shape " + detail::idx_shape_text(array.shape) + " needs " +
                 (overflow ? std::string("more than 2^64") : std::to_string(count)) + " bytes of data after the " +
                 std::to_string(header) + "-byte header; the file has " + std::to_string(available));
        if (count < available)
            fail(" has " + detail::count_of(available - count, "byte", "bytes") + " after the " +
                 std::to_string(count) + " bytes of the shape " + detail::idx_shape_text(array.shape) + "; expected the file to end there");
        array.values.assign(bytes.begin() + std::ptrdiff_t(header), bytes.end());
        return array;
    });
}

CTNN_HOST_INLINE void write_idx(const std::string& path, const IdxArray& array) {
    if (array.shape.empty() || array.shape.size() > 255)
        throw Error("write_idx " + path + ": the shape has " + std::to_string(array.shape.size()) +
                    " dimensions; expected 1 to 255");
    std::size_t count = 1;
    bool overflow = false;
    for (std::uint32_t size : array.shape) {
        overflow = overflow || (size != 0 && count > std::size_t(-1) / size);
        if (!overflow) count *= size;
    }
    if (std::find(array.shape.begin(), array.shape.end(), 0u) != array.shape.end()) overflow = false, count = 0;
    if (overflow || count != array.values.size())
        throw Error("write_idx " + path + ": the shape " + detail::idx_shape_text(array.shape) + " has " +
                    (overflow ? std::string("too many") : std::to_string(count)) + " elements but " +
                    std::to_string(array.values.size()) + " values are given; expected as many");
    std::string bytes;
    bytes.reserve(4 + 4 * array.shape.size() + array.values.size());
    bytes += '\0';
    bytes += '\0';
    bytes += '\x08';
    bytes += static_cast<char>(array.shape.size());
    for (std::uint32_t size : array.shape)
        for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((size >> shift) & 0xFF);
    bytes.append(array.values.begin(), array.values.end());
    detail::write_file_atomically(path, bytes, "write_idx");
}

}  // namespace ctnn

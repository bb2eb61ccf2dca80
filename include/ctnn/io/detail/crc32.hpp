// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib and PNG), for
// the model file's checksum. Table built at compile time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ctnn::detail {

inline constexpr auto crc32_table = [] {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    return table;
}();

constexpr std::uint32_t crc32(std::string_view bytes) noexcept {
    std::uint32_t c = 0xFFFFFFFFu;
    for (char byte : bytes) c = crc32_table[(c ^ static_cast<unsigned char>(byte)) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

// FNV-1a, 64 bits: the architecture's fingerprint (a pure function of its text).
constexpr std::uint64_t fnv1a64(std::string_view bytes) noexcept {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (char byte : bytes) h = (h ^ static_cast<unsigned char>(byte)) * 0x100000001B3ull;
    return h;
}

}  // namespace ctnn::detail

// libFuzzer target: ctnn::load of a model file made of arbitrary bytes into a
// fixed model type. A ctnn::Error is the expected answer to bad input, and
// after one the model must be exactly as it was (load's documented guarantee);
// anything else is a finding.
//
// Every file is loaded twice: as given, and with its fingerprint and CRC-32
// recomputed. Without the second load almost every mutation would stop at the
// checksum and the checks after it (scalar type, architecture, counts) and the
// copy into the model would hardly ever run.
// The libFuzzer entry is fuzz/load.cpp; tests/fuzz_regressions.cpp replays
// the corpus and the regressions through run_load.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <ctnn/core.hpp>
#include <ctnn/io/persistence.hpp>

#include "input_file.hpp"

namespace fuzz {

using Model =
    ctnn::Sequential<ctnn::Dense<3, 4, ctnn::ReLU>, ctnn::BatchNormalization, ctnn::Dense<4, 1, ctnn::Sigmoid>>;

inline bool same_bits(const Model& a, const Model& b) {
    return std::memcmp(a.parameters().data(), b.parameters().data(), sizeof(float) * Model::parameter_count) == 0 &&
           std::memcmp(a.state().data(), b.state().data(), sizeof(float) * Model::state_count) == 0;
}

inline void load_and_check(fuzz::InputFile& file, const std::string& bytes) {
    static const Model initial(ctnn::Seed{1});
    Model model = initial;
    try {
        ctnn::load(model, file.write(bytes.data(), bytes.size()));
    } catch (const ctnn::Error&) {
        fuzz::require(same_bits(model, initial), "a failed load leaves the model unchanged");
    }
}

// The header's fingerprint and the trailing CRC-32 made right for the bytes
// (offsets from io/persistence.hpp), where the file is long enough to hold them.
inline std::string with_checksums(std::string bytes) {
    constexpr std::size_t header = ctnn::detail::model_file_header;
    if (bytes.size() < header + 4) return bytes;
    const std::uint32_t length = ctnn::detail::get_le<std::uint32_t>(bytes, 16);
    if (std::uint64_t(length) <= bytes.size() - header - 4) {
        std::string fingerprint;
        ctnn::detail::put_le(fingerprint, ctnn::detail::fnv1a64(std::string_view(bytes).substr(header, length)));
        bytes.replace(20, 8, fingerprint);
    }
    std::string crc;
    ctnn::detail::put_le(crc, ctnn::detail::crc32(std::string_view(bytes).substr(0, bytes.size() - 4)));
    bytes.replace(bytes.size() - 4, 4, crc);
    return bytes;
}

inline void run_load(const std::uint8_t* data, std::size_t size) {
    static fuzz::InputFile file("load");
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    load_and_check(file, bytes);
    const std::string fixed = with_checksums(bytes);
    if (fixed != bytes) load_and_check(file, fixed);
}

}  // namespace fuzz

// Definitions of io/persistence.hpp (see io/detail/linkage.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../detail/atomic_write.hpp"
#include "../detail/crc32.hpp"
#include "../error.hpp"
#include "../persistence.hpp"

namespace ctnn::detail {

CTNN_HOST_INLINE const char* scalar_code_name(unsigned code) noexcept {
    return code == 1 ? "float (binary32)" : code == 2 ? "double (binary64)" : "an unknown scalar type";
}

CTNN_HOST_INLINE std::string model_file_start(std::string_view architecture, unsigned scalar_code,
                                              std::uint64_t parameter_count, std::uint64_t state_count) {
    std::string out(model_file_magic);
    put_le<std::uint32_t>(out, model_file_version);
    out += static_cast<char>(scalar_code);
    out.append(3, '\0');
    put_le<std::uint32_t>(out, static_cast<std::uint32_t>(architecture.size()));
    put_le<std::uint64_t>(out, fnv1a64(architecture));
    put_le<std::uint64_t>(out, parameter_count);
    put_le<std::uint64_t>(out, state_count);
    out += architecture;
    return out;
}

CTNN_HOST_INLINE void finish_model_file(std::string& out, const std::string& path) {
    put_le<std::uint32_t>(out, crc32(out));
    write_file_atomically(path, out, "save");
}

CTNN_HOST_INLINE std::size_t check_model_file(const std::string& bytes, const std::string& path,
                                              std::string_view model_architecture, std::uint64_t model_parameters,
                                              std::uint64_t model_state, unsigned model_scalar,
                                              std::vector<std::string> (*weight_names)()) {
    auto fail = [&](const std::string& problem) { throw Error("load " + path + ": " + problem); };

    if (bytes.size() < model_file_magic.size() ||
        std::string_view(bytes).substr(0, model_file_magic.size()) != model_file_magic)
        fail("not a ctnn model file (it does not start with \"CTNNMODL\")");
    if (bytes.size() < model_file_header + 4)
        fail("truncated: " + std::to_string(bytes.size()) + " bytes, shorter than the " +
             std::to_string(model_file_header + 4) + "-byte header and checksum");
    const auto version = get_le<std::uint32_t>(bytes, 8);
    if (version != model_file_version)
        fail("format version " + std::to_string(version) + "; this build of ctnn reads version " +
             std::to_string(model_file_version));
    const unsigned scalar = static_cast<unsigned char>(bytes[12]);
    const std::size_t scalar_size = scalar == 1 ? 4 : scalar == 2 ? 8 : 0;
    if (scalar_size == 0) fail("unknown scalar type code " + std::to_string(scalar) + "; expected 1 or 2");
    const auto architecture_size = get_le<std::uint32_t>(bytes, 16);
    const auto fingerprint = get_le<std::uint64_t>(bytes, 20);
    const auto parameters = get_le<std::uint64_t>(bytes, 28);
    const auto state = get_le<std::uint64_t>(bytes, 36);
    // Sizes in the header are checked against the file before any arithmetic can overflow.
    const std::uint64_t limit = bytes.size();
    if (architecture_size > limit || parameters > limit || state > limit)
        fail("truncated or corrupt: the header announces more data than the file's " + std::to_string(bytes.size()) +
             " bytes");
    const std::uint64_t expected = model_file_header + architecture_size + (parameters + state) * scalar_size + 4;
    if (bytes.size() < expected)
        fail("truncated: " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(expected));
    if (bytes.size() > expected)
        fail("corrupt: " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(expected) +
             " (data after the checksum)");
    const auto stored_crc = get_le<std::uint32_t>(bytes, bytes.size() - 4);
    if (crc32(std::string_view(bytes).substr(0, bytes.size() - 4)) != stored_crc)
        fail("checksum mismatch: the file is corrupt");
    const std::string_view architecture = std::string_view(bytes).substr(model_file_header, architecture_size);
    if (fnv1a64(architecture) != fingerprint) fail("corrupt: the architecture's fingerprint does not match");
    if (scalar != model_scalar)
        fail("the file holds " + std::string(scalar_code_name(scalar)) + " values; this model is " +
             scalar_code_name(model_scalar));
    if (architecture != model_architecture)
        fail("the file holds another architecture:\n  file:  " + std::string(architecture) +
             "\n  model: " + std::string(model_architecture));
    if (parameters != model_parameters || state != model_state) {
        std::string tensors;  // what the architecture holds, from the layers' manifests
        for (const std::string& w : weight_names()) tensors += "\n  " + w;
        fail("corrupt: the counts (" + std::to_string(parameters) + ", " + std::to_string(state) +
             ") do not match the architecture's (" + std::to_string(model_parameters) + ", " +
             std::to_string(model_state) + "), whose weights are:" + tensors);
    }

    return model_file_header + architecture_size;
}

}  // namespace ctnn::detail

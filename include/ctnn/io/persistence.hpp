// save(model, path) and load(model, path): a model's numbers in a versioned,
// little-endian binary file. Format version 1:
//
//   offset  size  field
//   0       8     magic "CTNNMODL"
//   8       4     format version (1)
//   12      1     scalar type: 1 = IEEE binary32 (float), 2 = binary64 (double)
//   13      3     zero
//   16      4     A, the length of the architecture text
//   20      8     fingerprint: FNV-1a 64 of the architecture text
//   28      8     P, the parameter count
//   36      8     S, the state count
//   44      A     the architecture: the model's C++ spelling (Model::name)
//   44+A    P*s   the parameter block, canonical (Keras get_weights) order
//   ...     S*s   the state block
//   end-4   4     CRC-32 (IEEE) of every byte before it
//
// save writes atomically (temporary file, sync, rename): the previous file
// survives any failure, and the Error names `path` and the system's reason
// ("save: cannot write m.ctnn: No space left on device; m.ctnn was left as it
// was"). load checks everything before touching the model and
// throws ctnn::Error saying which check failed: not a ctnn model file, another
// format version, truncated or oversized, checksum mismatch, another scalar
// type, another architecture (naming both). On error the model is unchanged.
// Host only.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "detail/atomic_write.hpp"
#include "detail/crc32.hpp"
#include "detail/read_file.hpp"
#include "error.hpp"
#include "weight_names.hpp"

namespace ctnn {

namespace detail {

inline constexpr std::string_view model_file_magic = "CTNNMODL";
inline constexpr std::uint32_t model_file_version = 1;
inline constexpr std::size_t model_file_header = 44;

template <class T>
constexpr std::uint8_t scalar_code() noexcept {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "save/load: float or double models only");
    return std::is_same_v<T, float> ? 1 : 2;
}
inline const char* scalar_code_name(unsigned code) noexcept {
    return code == 1 ? "float (binary32)" : code == 2 ? "double (binary64)" : "an unknown scalar type";
}

template <class U>
void put_le(std::string& out, U value) {
    for (std::size_t k = 0; k < sizeof(U); ++k) out += static_cast<char>((value >> (8 * k)) & 0xFF);
}
template <class U>
U get_le(const std::string& in, std::size_t at) noexcept {
    U value = 0;
    for (std::size_t k = 0; k < sizeof(U); ++k) value |= U(static_cast<unsigned char>(in[at + k])) << (8 * k);
    return value;
}
template <class T>
using bits_t = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

}  // namespace detail

template <class Model>
void save(const Model& model, const std::string& path) {
    using T = typename Model::value_type;
    const std::string_view architecture = Model::name.view();
    std::string out(detail::model_file_magic);
    detail::put_le<std::uint32_t>(out, detail::model_file_version);
    out += static_cast<char>(detail::scalar_code<T>());
    out.append(3, '\0');
    detail::put_le<std::uint32_t>(out, static_cast<std::uint32_t>(architecture.size()));
    detail::put_le<std::uint64_t>(out, detail::fnv1a64(architecture));
    detail::put_le<std::uint64_t>(out, Model::parameter_count);
    detail::put_le<std::uint64_t>(out, Model::state_count);
    out += architecture;
    for (T v : model.parameters()) detail::put_le(out, std::bit_cast<detail::bits_t<T>>(v));
    for (T v : model.state()) detail::put_le(out, std::bit_cast<detail::bits_t<T>>(v));
    detail::put_le<std::uint32_t>(out, detail::crc32(out));
    detail::write_file_atomically(path, out, "save");
}

template <class Model>
void load(Model& model, const std::string& path) {
    using T = typename Model::value_type;
    auto fail = [&](const std::string& problem) { throw Error("load " + path + ": " + problem); };

    // Opening, reading and a file larger than memory are the loaders' errors.
    const std::string bytes = detail::read_whole_file(path, "load");

    if (bytes.size() < detail::model_file_magic.size() ||
        std::string_view(bytes).substr(0, detail::model_file_magic.size()) != detail::model_file_magic)
        fail("not a ctnn model file (it does not start with \"CTNNMODL\")");
    if (bytes.size() < detail::model_file_header + 4)
        fail("truncated: " + std::to_string(bytes.size()) + " bytes, shorter than the " +
             std::to_string(detail::model_file_header + 4) + "-byte header and checksum");
    const auto version = detail::get_le<std::uint32_t>(bytes, 8);
    if (version != detail::model_file_version)
        fail("format version " + std::to_string(version) + "; this build of ctnn reads version " +
             std::to_string(detail::model_file_version));
    const unsigned scalar = static_cast<unsigned char>(bytes[12]);
    const std::size_t scalar_size = scalar == 1 ? 4 : scalar == 2 ? 8 : 0;
    if (scalar_size == 0) fail("unknown scalar type code " + std::to_string(scalar) + "; expected 1 or 2");
    const auto architecture_size = detail::get_le<std::uint32_t>(bytes, 16);
    const auto fingerprint = detail::get_le<std::uint64_t>(bytes, 20);
    const auto parameters = detail::get_le<std::uint64_t>(bytes, 28);
    const auto state = detail::get_le<std::uint64_t>(bytes, 36);
    // Sizes in the header are checked against the file before any arithmetic can overflow.
    const std::uint64_t limit = bytes.size();
    if (architecture_size > limit || parameters > limit || state > limit)
        fail("truncated or corrupt: the header announces more data than the file's " + std::to_string(bytes.size()) +
             " bytes");
    const std::uint64_t expected = detail::model_file_header + architecture_size + (parameters + state) * scalar_size + 4;
    if (bytes.size() < expected)
        fail("truncated: " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(expected));
    if (bytes.size() > expected)
        fail("corrupt: " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(expected) +
             " (data after the checksum)");
    const auto stored_crc = detail::get_le<std::uint32_t>(bytes, bytes.size() - 4);
    if (detail::crc32(std::string_view(bytes).substr(0, bytes.size() - 4)) != stored_crc)
        fail("checksum mismatch: the file is corrupt");
    const std::string_view architecture = std::string_view(bytes).substr(detail::model_file_header, architecture_size);
    if (detail::fnv1a64(architecture) != fingerprint) fail("corrupt: the architecture's fingerprint does not match");
    if (scalar != detail::scalar_code<T>())
        fail("the file holds " + std::string(detail::scalar_code_name(scalar)) + " values; this model is " +
             detail::scalar_code_name(detail::scalar_code<T>()));
    if (architecture != Model::name.view())
        fail("the file holds another architecture:\n  file:  " + std::string(architecture) +
             "\n  model: " + std::string(Model::name.view()));
    if (parameters != Model::parameter_count || state != Model::state_count) {
        std::string tensors;  // what the architecture holds, from the layers' manifests
        for (const std::string& w : weight_names<Model>()) tensors += "\n  " + w;
        fail("corrupt: the counts (" + std::to_string(parameters) + ", " + std::to_string(state) +
             ") do not match the architecture's (" + std::to_string(Model::parameter_count) + ", " +
             std::to_string(Model::state_count) + "), whose weights are:" + tensors);
    }

    // Every check passed: only now is the model written.
    std::size_t at = detail::model_file_header + architecture_size;
    for (T& v : model.parameters()) {
        v = std::bit_cast<T>(detail::get_le<detail::bits_t<T>>(bytes, at));
        at += sizeof(T);
    }
    for (T& v : model.state()) {
        v = std::bit_cast<T>(detail::get_le<detail::bits_t<T>>(bytes, at));
        at += sizeof(T);
    }
}

}  // namespace ctnn

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
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "detail/atomic_write.hpp"
#include "detail/crc32.hpp"
#include "detail/read_file.hpp"
#include "detail/linkage.hpp"
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
const char* scalar_code_name(unsigned code) noexcept;

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

// The file up to the parameter block: magic, version, scalar code, the
// architecture's length and fingerprint, the counts, the architecture.
std::string model_file_start(std::string_view architecture, unsigned scalar_code, std::uint64_t parameter_count,
                             std::uint64_t state_count);

// Appends the CRC-32 of `out` and writes it to `path` atomically (save's last step).
void finish_model_file(std::string& out, const std::string& path);

// Every check load makes of a file's bytes against the model (its
// architecture, counts and scalar code; weight_names lists its tensors for
// the message about counts); throws the Error of the first that fails.
// Returns where the parameter block starts.
std::size_t check_model_file(const std::string& bytes, const std::string& path, std::string_view model_architecture,
                             std::uint64_t model_parameters, std::uint64_t model_state, unsigned model_scalar,
                             std::vector<std::string> (*weight_names)());

}  // namespace detail

template <class Model>
void save(const Model& model, const std::string& path) {
    using T = typename Model::value_type;
    std::string out = detail::model_file_start(Model::name.view(), detail::scalar_code<T>(), Model::parameter_count,
                                               Model::state_count);
    for (T v : model.parameters()) detail::put_le(out, std::bit_cast<detail::bits_t<T>>(v));
    for (T v : model.state()) detail::put_le(out, std::bit_cast<detail::bits_t<T>>(v));
    detail::finish_model_file(out, path);
}

template <class Model>
void load(Model& model, const std::string& path) {
    using T = typename Model::value_type;
    // Opening, reading and a file larger than memory are the loaders' errors.
    const std::string bytes = detail::read_whole_file(path, "load");
    const std::size_t start = detail::check_model_file(bytes, path, Model::name.view(), Model::parameter_count,
                                                       Model::state_count, detail::scalar_code<T>(),
                                                       &weight_names<Model>);

    // Every check passed: only now is the model written.
    std::size_t at = start;
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

#ifndef CTNN_COMPILED_LIB
#include "impl/persistence.ipp"
#endif

// export_header(model, path, name): writes a self-contained C++ header holding
// the model's type and its trained numbers as constexpr arrays, so firmware
// builds the model in flash with no file I/O:
//
//   #include "ionosphere_model.hpp"
//   constexpr ionosphere::Model model{ionosphere::parameters, ionosphere::state};
//
// Numbers are written as hexadecimal floating-point literals, which read back
// bit for bit. The header includes only <ctnn/core.hpp>. Written atomically: a
// failed export leaves any existing file as it was. Host only.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "detail/linkage.hpp"

namespace ctnn {

namespace detail {

// A C++ literal of exactly this value ("0x1.8e71f2p-3"), with the float
// suffix f when `is_float`.
std::string exact_literal_text(double value, bool is_float);

// A C++ literal of exactly this value: "0x1.8e71f2p-3f" for float.
template <class T>
std::string exact_literal(T value) {
    return exact_literal_text(double(value), std::is_same_v<T, float>);
}

bool is_identifier(std::string_view name);

// The header export_header writes for the model `model_name` (Model::name)
// with these numbers, written atomically to `path`.
void write_exported_header(std::span<const float> parameters, std::span<const float> state,
                           std::string_view model_name, const std::string& path, const std::string& name);
void write_exported_header(std::span<const double> parameters, std::span<const double> state,
                           std::string_view model_name, const std::string& path, const std::string& name);

}  // namespace detail

template <class Model>
void export_header(const Model& model, const std::string& path, const std::string& name) {
    using T = typename Model::value_type;
    detail::write_exported_header(std::span<const T>(model.parameters()), std::span<const T>(model.state()),
                                  Model::name.view(), path, name);
}

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/export.ipp"
#endif

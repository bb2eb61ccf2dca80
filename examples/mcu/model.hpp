// The exported model the firmware runs, chosen at configure time:
//   -Dmodel_header=/abs/path/model.hpp -Dmodel_namespace=card
// (the header written by ctnn::export_header(model, path, "card")). The model
// lives in flash as a constexpr object; mcu::infer runs it on one input.
#pragma once

#include <array>

#include CTNN_MCU_MODEL_HEADER

namespace mcu {

namespace exported = CTNN_MCU_MODEL_NAMESPACE;
using Model = exported::Model;

// One forward pass, defined in model.cpp: a translation unit of its own, so the
// compiler cannot fold an inference over inputs it knows at compile time.
std::array<float, Model::output_size> infer(const float* x) noexcept;

// The same call doing nothing: the baseline that the instruction count subtracts.
std::array<float, Model::output_size> infer_nothing(const float* x) noexcept;

}  // namespace mcu

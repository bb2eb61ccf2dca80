// What the PyTorch reference tests (tests/reference.cpp,
// tests/training_reference.cpp, tests/batch_normalization_reference.cpp) share:
// reading the files that scripts/make-reference.py writes into tests/data/
// (lines of words, '#' comments; numbers that must parse whole), the script's
// formulas for weights, inputs and targets, the error measures compared with
// the tolerances, and the CTNN_REFERENCE_REPORT switch. Each test keeps its own
// file layout (structs and parsers) and tolerances.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <ctnn/core/config.hpp>

#ifndef CTNN_TEST_DATA
#error "the reference tests need -DCTNN_TEST_DATA=\"<absolute path of tests/data>\""
#endif

namespace test::reference {

// ---- the data files ----------------------------------------------------------

inline std::string data_path(std::string_view file) {
    return std::string(CTNN_TEST_DATA) + "/" + std::string(file);
}

// The file's lines without comments ('#') and blank lines, each split into
// words; the file must open.
inline std::vector<std::vector<std::string>> read_words(std::string_view file) {
    const std::string path = data_path(file);
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.is_open(), "cannot open the reference file " << path
                                      << " (regenerate it with /usr/bin/python3 scripts/make-reference.py)");
    std::vector<std::vector<std::string>> lines;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream words(line);
        std::vector<std::string> split;
        for (std::string word; words >> word;) split.push_back(word);
        if (!split.empty()) lines.push_back(std::move(split));
    }
    return lines;
}

// words[first, last) joined by single spaces (model names are C++ with spaces
// after commas, split into several words).
inline std::string join_words(const std::vector<std::string>& words, std::size_t first,
                              std::size_t last = std::string::npos) {
    std::string text;
    for (std::size_t i = first; i < words.size() && i < last; ++i) text += (i > first ? " " : "") + words[i];
    return text;
}

// The whole word as a number; file names the file in the failure message.
inline double parse_number(const std::string& word, std::string_view file) {
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(word.c_str(), &end);
    REQUIRE_MESSAGE((end == word.c_str() + word.size() && errno == 0),
                    "bad number '" << word << "' in " << data_path(file));
    return value;
}

// words[first, last) as numbers.
inline std::vector<double> parse_numbers(const std::vector<std::string>& words, std::size_t first, std::size_t last,
                                         std::string_view file) {
    std::vector<double> values;
    for (std::size_t i = first; i < last && i < words.size(); ++i) values.push_back(parse_number(words[i], file));
    return values;
}

// words[first, end) as numbers.
inline std::vector<double> parse_numbers(const std::vector<std::string>& words, std::size_t first,
                                         std::string_view file) {
    return parse_numbers(words, first, words.size(), file);
}

// The element of items whose .name is name, nullptr if there is none.
template <class Named>
const Named* find_by_name(const std::vector<Named>& items, std::string_view name) {
    const auto it = std::find_if(items.begin(), items.end(), [&](const Named& item) { return item.name == name; });
    return it == items.end() ? nullptr : &*it;
}

// ---- the formulas of scripts/make-reference.py ----------------------------------

// u(k) = ((k * 40503 + 12345) mod 65536) / 32768 - 1: a multiple of 2^-15 in
// [-1, 1), exact in float (the script's u).
inline double u(std::uint64_t k) { return static_cast<double>((k * 40503u + 12345u) % 65536u) / 32768.0 - 1.0; }
// Parameter k of a model, in Keras' layout (the script's parameter; the Dense
// layers' in batch_normalization.txt).
inline double parameter_value(std::size_t k) { return 0.25 * u(k); }
// Input i of sample (or row) n (the script's input_value).
inline double input_value(std::size_t n, std::size_t i) { return 2.0 * u(n * 7919u + i * 31u + 7u); }
// The targets of the training rows: y0 = [x0 + x1 + x2 > 0], y1 = [x0 x1 x2 > 0].
inline std::array<double, 2> target_rule(const std::vector<double>& x) {
    return {x[0] + x[1] + x[2] > 0 ? 1.0 : 0.0, x[0] * x[1] * x[2] > 0 ? 1.0 : 0.0};
}

// Every parameter of the model set to parameter_value(k).
template <class Model>
void fill_formula_parameters(Model& model) {
    using T = typename Model::value_type;
    for (std::size_t k = 0; k < Model::parameter_count; ++k) model.parameters()[k] = static_cast<T>(parameter_value(k));
}

// ---- errors and reports ------------------------------------------------------------

// Which values of got count as infinitely wrong.
enum class Invalid { nan, non_finite };

inline bool invalid(double got, Invalid which) { return which == Invalid::nan ? std::isnan(got) : !std::isfinite(got); }

// |got - want| / max(1, |want|), infinite when got is invalid.
inline double scaled_error(double got, double want, Invalid which = Invalid::nan) {
    if (invalid(got, which)) return INFINITY;
    return std::abs(got - want) / std::max(1.0, std::abs(want));
}

// |got - want| / |want|, infinite when got is invalid.
inline double relative_error(double got, double want, Invalid which = Invalid::nan) {
    if (invalid(got, which)) return INFINITY;
    return std::abs(got - want) / std::abs(want);
}

// CTNN_REFERENCE_REPORT set: print the largest errors seen.
inline bool report() { return std::getenv("CTNN_REFERENCE_REPORT") != nullptr; }

inline const char* kernel_kind() { return CTNN_SIMD ? "SIMD" : "scalar"; }

}  // namespace test::reference

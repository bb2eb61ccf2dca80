// read_csv(path, options): a CSV (or whitespace-separated) file of numbers as
// a ctnn::Table.
//
//   auto iris = ctnn::read_csv("iris.csv", {.header = false, .skip_rows = 1});  // scikit-learn's files
//   auto table = ctnn::read_csv("runs.tsv", {.separator = '\t', .comment = '#'});
//
// The format is RFC 4180 with the usual liberties: fields in double quotes may
// hold separators, line breaks and "" for a quote; CRLF or LF line ends; a
// UTF-8 byte-order mark is skipped; spaces and tabs around a field are
// ignored (unless the tab is the separator); blank lines (empty, or only
// spaces and tabs) and, with a comment character, the rest of a line after
// it are skipped. separator ' ' means any run of spaces and tabs, with leading
// and trailing ones ignored. Without a header the columns are named "0", "1",
// .... Fields equal to one of `missing` (after trimming) are missing values
// (NaN), as is "nan"; "inf" reads as infinity (to_dataset refuses it). A
// number too small for a double reads as 0, as with strtod; one too large is
// an error.
//
// Every error is a ctnn::Error that names the file, the 1-based line and the
// 1-based column (field number, and the column's name when there is a header)
// and says what was expected. "column" in messages is the field's position,
// not a character offset. Two mistakes get a hint with the option that fixes
// them: a file with another separator (the header, or the first row, reads as
// one column holding ';', a tab, '|' or ',': "pass .separator = ';'"), and a
// column of text (if "class" is a column of text categories, read it with
// .categorical = {"class"}).
//
// The file is read in one go and parsed in place in one pass, each number
// straight from the buffer (detail::parse_double: std::from_chars' result,
// faster for short numbers), so loading is linear. On 1,000,000 rows x 10
// columns it runs at about 400 MB/s, where reading the file alone runs at
// about 1.9 GB/s and from_chars alone at about 650 MB/s
// (benchmarks/loaders.cpp). Host only.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "../io/detail/linkage.hpp"
#include "../io/error.hpp"
#include "table.hpp"

namespace ctnn {

struct CsvOptions {
    char separator = ',';   // ' ': any run of spaces and tabs
    bool header = true;     // the first line that is not skipped names the columns
    std::size_t skip_rows = 0;  // lines skipped first, whatever they hold (scikit-learn's metadata line)
    char comment = '\0';    // '\0': none; otherwise an unquoted comment character ends the line
    std::vector<std::string> missing = {"", "NA", "?"};  // fields read as missing values (NaN)
    // Columns of text categories (by name, or "0", "1", ... without a header),
    // read as nominal columns: codes 0, 1, ... for the distinct values in
    // sorted (byte) order.
    std::vector<std::string> categorical = {};
};

[[nodiscard]] Table read_csv(const std::string& path, const CsvOptions& options = {});

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/csv.ipp"
#endif

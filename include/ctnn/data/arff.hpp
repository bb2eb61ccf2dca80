// read_arff(path): a Weka ARFF file as a ctnn::Table.
//
//   ctnn::Table table = ctnn::read_arff("ionosphere.arff");   // 34 numeric attributes, class {b, g}
//   table.categories("class");                                // {"b", "g"}: codes 0 and 1
//
// What is read is ARFF as Weka writes it: '%' comments (anywhere outside
// quotes), blank lines, @relation, @attribute <name> <type> and @data, with
// keywords and types in any case; names and nominal values bare or quoted
// ('...' or "...", with Weka's backslash escapes); types numeric, real and
// integer (all read as numbers) and nominal ({a, b, ...}: codes 0, 1, ... in
// declaration order); then one comma-separated row per line, '?' for a
// missing value (NaN). string, date and relational attributes, sparse rows
// ({index value, ...}) and instance weights are reported as not supported.
//
// Every error is a ctnn::Error naming the file and the 1-based line. In a
// header line "column" is the character position; in a data row it is the
// value's position (the table column), followed by the attribute's name. A
// value that is not one of its attribute's declared values is reported with
// the declared ones. Linear time; numbers are read with std::from_chars
// straight from the file's buffer. Host only.
#pragma once

#include <string>

#include "../io/detail/linkage.hpp"
#include "../io/error.hpp"
#include "table.hpp"

namespace ctnn {

[[nodiscard]] Table read_arff(const std::string& path);

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/arff.ipp"
#endif

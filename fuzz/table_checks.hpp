// What the CSV and ARFF targets do with a Table a reader returned: check what
// every such table must satisfy (aborting if it does not), then turn its first
// two columns into a Dataset, which runs to_dataset's conversions and checks.
// A ctnn::Error from to_dataset is expected (a missing value, an infinity).
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

#include <ctnn/data/table.hpp>
#include <ctnn/io/error.hpp>

#include "input_file.hpp"

namespace fuzz {

template <class Data>
void check_dataset(const Data& data, std::size_t rows, bool all_rows) {
    require(data.x.size() == data.y.size(), "to_dataset: as many x as y");
    require(all_rows ? data.x.size() == rows : data.x.size() <= rows, "to_dataset: row count");
    for (const auto& x : data.x) require(std::isfinite(x[0]), "to_dataset: finite features");
    for (const auto& y : data.y) require(std::isfinite(y[0]), "to_dataset: finite targets");
}

inline void exercise(const ctnn::Table& table) {
    const auto& names = table.column_names();
    require(table.columns() == names.size() && !names.empty(), "a table has named columns");
    require(table.rows() > 0, "a reader's table has at least one row");
    for (std::size_t r = 0; r < table.rows(); ++r)
        require(table.source_line(r) > (r == 0 ? 0 : table.source_line(r - 1)), "rows' lines increase");
    for (const std::string& name : names) {
        require(table.has_column(name), "a listed column is found");
        require(table.column(name).size() == table.rows(), "every column has rows() values");
        if (!table.is_nominal(name)) continue;
        const double categories = double(table.categories(name).size());
        for (double code : table.column(name))
            require(std::isnan(code) || (code >= 0 && code < categories && code == std::floor(code)),
                    "a nominal code is a category's index");
    }
    if (names.size() < 2) return;
    using ctnn::MissingValues;
    try {
        check_dataset(table.to_dataset<1, 1>(names[0], names[1]), table.rows(), true);
    } catch (const ctnn::Error&) {
    }
    try {
        check_dataset(table.to_dataset<1, 1, double>(names[0], names[1], MissingValues::drop_rows), table.rows(),
                      false);
    } catch (const ctnn::Error&) {
    }
    // select(), and the other overload: every column but the target is a feature.
    try {
        check_dataset(table.select({names[0], names[1]}).to_dataset<1, 1>(names[1], MissingValues::drop_rows),
                      table.rows(), false);
    } catch (const ctnn::Error&) {
    }
}

}  // namespace fuzz

// Definitions of data/table.hpp (see io/detail/linkage.hpp).
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../../io/detail/number_text.hpp"
#include "../../io/error.hpp"
#include "../detail/text.hpp"
#include "../table.hpp"

namespace ctnn {

CTNN_HOST_INLINE Table& Table::add_column(std::string name, std::vector<double> values) {
    check_new_column(name, values.size(), "add_column");
    push(std::move(name), std::move(values), {}, false);
    return *this;
}

CTNN_HOST_INLINE Table& Table::add_nominal_column(std::string name, std::vector<double> codes,
                                                  std::vector<std::string> categories) {
    check_new_column(name, codes.size(), "add_nominal_column");
    for (std::size_t r = 0; r < codes.size(); ++r) {
        const double code = codes[r];
        if (!std::isnan(code) && !(code >= 0 && code < double(categories.size()) && code == std::floor(code)))
            throw Error("add_nominal_column(" + detail::quote_text(name) + "): row " + std::to_string(r) + " is " +
                        detail::number_text(code) + "; expected a category code from 0 to " +
                        std::to_string(categories.size()) + " - 1, or NaN for missing");
    }
    push(std::move(name), std::move(codes), std::move(categories), true);
    return *this;
}

CTNN_HOST_INLINE void Table::set_source(std::string path, std::vector<std::size_t> lines) {
    if (!lines.empty() && lines.size() != rows_)
        throw Error("Table::set_source: " + detail::count_of(lines.size(), "line", "lines") + " given for " +
                    detail::count_of(rows_, "row", "rows") + "; expected one line per row, or none");
    source_ = std::move(path);
    lines_ = std::move(lines);
}

CTNN_HOST_INLINE std::size_t Table::missing_count(std::string_view name) const {
    std::size_t count = 0;
    for (double v : data_[index(name, "missing_count")].values) count += std::isnan(v) ? 1 : 0;
    return count;
}

CTNN_HOST_INLINE void Table::check_new_column(const std::string& name, std::size_t size, const char* what) const {
    if (find(name) != npos)
        throw Error(std::string(what) + ": the table already has a column named " + detail::quote_text(name) +
                    "; expected unique names");
    if (!names_.empty() && size != rows_)
        throw Error(std::string(what) + "(" + detail::quote_text(name) + "): " +
                    detail::count_of(size, "value", "values") + ", expected " + std::to_string(rows_) +
                    " (the table's row count)");
}

CTNN_HOST_INLINE void Table::push(std::string name, std::vector<double> values, std::vector<std::string> categories,
                                  bool nominal) {
    if (names_.empty()) rows_ = values.size();
    index_.emplace(name, names_.size());
    names_.push_back(std::move(name));
    data_.push_back({std::move(values), std::move(categories), nominal});
}

CTNN_HOST_INLINE void Table::unknown(std::string_view name, const std::string& what) const {
    throw Error(what + ": no column named " + detail::quote_text(name) + "; the " +
                detail::count_of(columns(), "column is ", "columns are ") + detail::quote_list(names_));
}

CTNN_HOST_INLINE std::size_t Table::index(std::string_view name, const std::string& what) const {
    const std::size_t c = find(name);
    if (c == npos) unknown(name, what);
    return c;
}

CTNN_HOST_INLINE std::vector<std::size_t> Table::indices(const ColumnNames& names,
                                                         const std::string& what) const {
    std::vector<std::size_t> out;
    out.reserve(names.size());
    for (std::string_view name : names) out.push_back(index(name, what));
    return out;
}

CTNN_HOST_INLINE std::vector<std::size_t> Table::distinct_indices(const ColumnNames& names,
                                                                  const std::string& what) const {
    std::vector<std::size_t> out = indices(names, what);
    std::vector<bool> seen(columns());
    for (std::size_t c : out) {
        if (seen[c]) throw Error(what + ": column " + detail::quote_text(names_[c]) + " is named twice");
        seen[c] = true;
    }
    return out;
}

CTNN_HOST_INLINE std::vector<std::size_t> Table::complement(const ColumnNames& names,
                                                            const std::string& what) const {
    std::vector<bool> dropped(columns());
    for (std::size_t c : indices(names, what)) dropped[c] = true;
    std::vector<std::size_t> out;
    for (std::size_t c = 0; c < columns(); ++c)
        if (!dropped[c]) out.push_back(c);
    return out;
}

CTNN_HOST_INLINE Table Table::copy_columns(const std::vector<std::size_t>& picked) const {
    Table out;
    for (std::size_t c : picked) {
        out.index_.emplace(names_[c], out.names_.size());
        out.names_.push_back(names_[c]);
        out.data_.push_back(data_[c]);
    }
    out.rows_ = picked.empty() ? 0 : rows_;
    out.source_ = source_;
    if (!picked.empty()) out.lines_ = lines_;
    return out;
}

CTNN_HOST_INLINE Table Table::move_columns(const std::vector<std::size_t>& picked) {
    Table out;
    for (std::size_t c : picked) {
        out.index_.emplace(names_[c], out.names_.size());
        out.names_.push_back(std::move(names_[c]));
        out.data_.push_back(std::move(data_[c]));
    }
    out.rows_ = picked.empty() ? 0 : rows_;
    out.source_ = std::move(source_);
    if (!picked.empty()) out.lines_ = std::move(lines_);
    *this = Table();  // a moved-from table is empty rather than half-moved
    return out;
}

CTNN_HOST_INLINE std::string Table::row_where(std::size_t row) const {
    std::string out = "row " + std::to_string(row);
    if (source_line(row) != 0) out += " (line " + std::to_string(source_line(row)) + " of " + source_ + ")";
    return out;
}

CTNN_HOST_INLINE void Table::check_rows_left(bool empty, const std::string& what) const {
    if (empty)
        throw Error(what + ": every one of the " + detail::count_of(rows_, "row", "rows") +
                    " has a missing value in the chosen columns; no rows are left");
}

}  // namespace ctnn

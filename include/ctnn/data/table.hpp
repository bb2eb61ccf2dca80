// ctnn::Table: a numeric table with named columns -- what read_csv and
// read_arff return, and what to_dataset<In, Out>() turns into the Dataset that
// fit() trains on:
//
//   ctnn::Table table = ctnn::read_arff("data/ionosphere.arff");
//   auto data = table.to_dataset<34, 1>({"class"});   // every other column is a feature
//
// Each column is one std::vector<double> (column-major), so a table costs
// about the size of its numbers. A missing value is NaN. A nominal column
// (ARFF's {b, g}, or a CSV column read as categories) holds the category codes
// 0, 1, 2, ... and keeps the category names in code order.
//
// For predicting on new, unlabeled rows, to_rows<In>() gives the feature rows
// alone, which trainer.predict(rows) takes:
//
//   auto rows = ctnn::read_csv("new.csv").to_rows<34>();   // every column is a feature
//   auto predictions = trainer.predict(rows);
//
// drop() and select() return a new Table and leave this one as it was, as
// pandas does by default (so they are [[nodiscard]]: `table.drop("id");`
// alone would drop nothing); called on an rvalue (read_csv(...).drop("id"))
// they move the columns instead of copying them. Column names are unique; an
// unknown name is an Error that lists the table's columns. Host only.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dataset.hpp"
#include "../io/detail/linkage.hpp"
#include "../io/error.hpp"
#include "detail/text.hpp"

namespace ctnn {

// What to_dataset does with a missing value (NaN) in a chosen column: throw an
// Error naming the first one, or leave out every row that has one.
enum class MissingValues { error, drop_rows };

// A list of column names as a parameter: one name ("class", a std::string),
// a braced list ({"a01", "a02"}) or a std::vector<std::string>. It refers to
// the caller's strings, so it is meant for parameters only.
class ColumnNames {
public:
    template <class Name>
        requires std::convertible_to<const Name&, std::string_view>
    ColumnNames(const Name& name) : names_{std::string_view(name)} {}  // implicit on purpose: drop("id")
    ColumnNames(std::initializer_list<std::string_view> names) : names_(names) {}
    ColumnNames(const std::vector<std::string>& names) : names_(names.begin(), names.end()) {}

    std::size_t size() const noexcept { return names_.size(); }
    auto begin() const noexcept { return names_.begin(); }
    auto end() const noexcept { return names_.end(); }
    std::string_view operator[](std::size_t i) const noexcept { return names_[i]; }

private:
    std::vector<std::string_view> names_;
};

class Table {
public:
    Table() = default;

    // Appends a numeric column (NaN for a missing value). The first column sets
    // the row count; every other one must have as many values.
    Table& add_column(std::string name, std::vector<double> values);

    // Appends a nominal column: each value is a code 0 ... categories.size()-1
    // or NaN (missing).
    Table& add_nominal_column(std::string name, std::vector<double> codes, std::vector<std::string> categories);

    // Where the rows came from: the file, and each row's 1-based line in it.
    // The readers set this; to_dataset's errors then name the line.
    void set_source(std::string path, std::vector<std::size_t> lines);
    [[nodiscard]] const std::string& source() const noexcept { return source_; }
    // The 1-based line of `row` in source(), 0 when unknown.
    [[nodiscard]] std::size_t source_line(std::size_t row) const noexcept {
        return row < lines_.size() ? lines_[row] : 0;
    }

    [[nodiscard]] const std::vector<std::string>& column_names() const noexcept { return names_; }
    [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
    [[nodiscard]] std::size_t columns() const noexcept { return names_.size(); }
    [[nodiscard]] bool has_column(std::string_view name) const noexcept { return find(name) != npos; }

    [[nodiscard]] std::span<const double> column(std::string_view name) const {
        return data_[index(name, "column")].values;
    }
    [[nodiscard]] bool is_nominal(std::string_view name) const { return data_[index(name, "is_nominal")].nominal; }
    // The category names of a nominal column, in code order; empty for a
    // numeric column.
    [[nodiscard]] const std::vector<std::string>& categories(std::string_view name) const {
        return data_[index(name, "categories")].categories;
    }
    [[nodiscard]] std::size_t missing_count(std::string_view name) const;

    // The table without the named columns / with only the named columns, in
    // the order given.
    [[nodiscard]] Table drop(const ColumnNames& names) const& { return copy_columns(complement(names, "drop")); }
    [[nodiscard]] Table drop(const ColumnNames& names) && { return move_columns(complement(names, "drop")); }
    [[nodiscard]] Table select(const ColumnNames& names) const& {
        return copy_columns(distinct_indices(names, "select"));
    }
    [[nodiscard]] Table select(const ColumnNames& names) && { return move_columns(distinct_indices(names, "select")); }

    // The rows as a Dataset: x from the feature columns, y from the target
    // columns, in the order given, converted to T. Errors: In feature names or
    // Out target names not given, an unknown or repeated column, a column used
    // as both, an infinite value or one too large for T, and (with
    // MissingValues::error) a missing value.
    template <std::size_t In, std::size_t Out, class T = float>
    [[nodiscard]] Dataset<T, In, Out> to_dataset(const ColumnNames& features, const ColumnNames& targets,
                                                 MissingValues missing = MissingValues::error) const {
        const std::string what = dataset_what<In, Out>();
        if (features.size() != In)
            throw Error(what + ": " + detail::count_of(features.size(), "feature column", "feature columns") +
                        " given, expected " + std::to_string(In));
        return dataset<In, Out, T>(distinct_indices(features, what), target_indices<Out>(targets, what), missing,
                                   what);
    }

    // The same, with every column that is not a target as a feature, in the
    // table's order.
    template <std::size_t In, std::size_t Out, class T = float>
    [[nodiscard]] Dataset<T, In, Out> to_dataset(const ColumnNames& targets,
                                                 MissingValues missing = MissingValues::error) const {
        const std::string what = dataset_what<In, Out>();
        const std::vector<std::size_t> y = target_indices<Out>(targets, what);
        std::vector<std::size_t> x;
        for (std::size_t c = 0; c < columns(); ++c)
            if (std::find(y.begin(), y.end(), c) == y.end()) x.push_back(c);
        if (x.size() != In)
            throw Error(what + ": " + detail::count_of(x.size(), "feature column", "feature columns") +
                        " given (every column but the " + (Out == 1 ? "target " : "targets ") +
                        detail::quote_list(targets) + "), expected " + std::to_string(In));
        return dataset<In, Out, T>(x, y, missing, what);
    }

    // The feature rows alone, for data without targets (what trainer.predict
    // takes): the named columns in the order given, converted to T, with
    // to_dataset's checks and errors. With MissingValues::drop_rows the rows
    // left out are not predicted, so the predictions no longer line up with
    // the table's rows.
    template <std::size_t In, class T = float>
    [[nodiscard]] std::vector<std::array<T, In>> to_rows(const ColumnNames& features,
                                                         MissingValues missing = MissingValues::error) const {
        const std::string what = rows_what<In>();
        if (features.size() != In)
            throw Error(what + ": " + detail::count_of(features.size(), "feature column", "feature columns") +
                        " given, expected " + std::to_string(In));
        return feature_rows<In, T>(distinct_indices(features, what), missing, what);
    }

    // The same, with every column of the table as a feature, in its order.
    template <std::size_t In, class T = float>
    [[nodiscard]] std::vector<std::array<T, In>> to_rows(MissingValues missing = MissingValues::error) const {
        const std::string what = rows_what<In>();
        if (columns() != In)
            throw Error(what + ": the table has " + detail::count_of(columns(), "column", "columns") + ", expected " +
                        std::to_string(In) + " features (name the feature columns, or drop() the others)");
        std::vector<std::size_t> x(columns());
        for (std::size_t c = 0; c < columns(); ++c) x[c] = c;
        return feature_rows<In, T>(x, missing, what);
    }

private:
    struct Column {
        std::vector<double> values;
        std::vector<std::string> categories;
        bool nominal = false;
    };
    static constexpr std::size_t npos = std::size_t(-1);

    std::vector<std::string> names_;
    std::vector<Column> data_;
    // Name -> column, so that lookups (and reading a file with 100,000
    // columns) stay linear. Heterogeneous: looked up with a string_view.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view name) const noexcept { return std::hash<std::string_view>{}(name); }
    };
    std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> index_;
    std::size_t rows_ = 0;
    std::string source_;
    std::vector<std::size_t> lines_;

    void check_new_column(const std::string& name, std::size_t size, const char* what) const;
    void push(std::string name, std::vector<double> values, std::vector<std::string> categories, bool nominal);

    std::size_t find(std::string_view name) const noexcept {
        const auto it = index_.find(name);
        return it == index_.end() ? npos : it->second;
    }
    [[noreturn]] void unknown(std::string_view name, const std::string& what) const;
    std::size_t index(std::string_view name, const std::string& what) const;
    std::vector<std::size_t> indices(const ColumnNames& names, const std::string& what) const;
    std::vector<std::size_t> distinct_indices(const ColumnNames& names, const std::string& what) const;
    std::vector<std::size_t> complement(const ColumnNames& names, const std::string& what) const;

    Table copy_columns(const std::vector<std::size_t>& picked) const;
    Table move_columns(const std::vector<std::size_t>& picked);

    template <std::size_t In, std::size_t Out>
    static std::string dataset_what() {
        return "to_dataset<" + std::to_string(In) + ", " + std::to_string(Out) + ">";
    }
    template <std::size_t In>
    static std::string rows_what() {
        return "to_rows<" + std::to_string(In) + ">";
    }
    template <std::size_t Out>
    std::vector<std::size_t> target_indices(const ColumnNames& targets, const std::string& what) const {
        if (targets.size() != Out)
            throw Error(what + ": " + detail::count_of(targets.size(), "target column", "target columns") +
                        " given, expected " + std::to_string(Out));
        return distinct_indices(targets, what);
    }
    std::string row_where(std::size_t row) const;

    template <class T>
    void check_conversion(const std::string& what) const {
        static_assert(std::is_floating_point_v<T>, "to_dataset and to_rows: T is float or double");
        if (rows_ == 0) throw Error(what + ": the table has no rows");
    }

    // Writes row `row` of the `picked` columns into `out`, converted to T.
    // Returns false for a row with a missing value (with MissingValues::
    // drop_rows; with MissingValues::error that is an Error), after checking
    // that each value is finite and fits in T (1e39 is a double but not a
    // float).
    template <class T>
    bool read_row(std::size_t row, const std::vector<std::size_t>& picked, std::span<T> out, MissingValues missing,
                  const std::string& what) const {
        for (std::size_t k = 0; k < picked.size(); ++k) {
            const std::size_t c = picked[k];
            const double v = data_[c].values[row];
            if (std::isnan(v)) {
                if (missing == MissingValues::error)
                    throw Error(what + ": " + row_where(row) + ", column " + detail::quote_text(names_[c]) +
                                " is missing; expected a number (MissingValues::drop_rows leaves out rows with "
                                "missing values)");
                return false;
            }
            if (std::isinf(v) || std::abs(v) > double(std::numeric_limits<T>::max()))
                throw Error(what + ": " + row_where(row) + ", column " + detail::quote_text(names_[c]) + " is " +
                            detail::number_text(v) + "; expected a finite number that fits in " +
                            (std::is_same_v<T, float> ? "a float" : "a double"));
            out[k] = T(v);
        }
        return true;
    }

    void check_rows_left(bool empty, const std::string& what) const;

    template <std::size_t In, std::size_t Out, class T>
    Dataset<T, In, Out> dataset(const std::vector<std::size_t>& x, const std::vector<std::size_t>& y,
                                MissingValues missing, const std::string& what) const {
        static_assert(In > 0 && Out > 0, "to_dataset: a Dataset has at least one feature and one target");
        for (std::size_t c : x)
            if (std::find(y.begin(), y.end(), c) != y.end())
                throw Error(what + ": column " + detail::quote_text(names_[c]) +
                            " is both a feature and a target; expected each in one list");
        check_conversion<T>(what);
        Dataset<T, In, Out> data;
        data.x.reserve(rows_);
        data.y.reserve(rows_);
        std::array<T, In> features{};
        std::array<T, Out> targets{};
        for (std::size_t row = 0; row < rows_; ++row) {
            if (!read_row<T>(row, x, features, missing, what) || !read_row<T>(row, y, targets, missing, what)) continue;
            data.x.push_back(features);
            data.y.push_back(targets);
        }
        check_rows_left(data.x.empty(), what);
        return data;
    }

    template <std::size_t In, class T>
    std::vector<std::array<T, In>> feature_rows(const std::vector<std::size_t>& x, MissingValues missing,
                                                const std::string& what) const {
        static_assert(In > 0, "to_rows: a row has at least one feature");
        check_conversion<T>(what);
        std::vector<std::array<T, In>> rows;
        rows.reserve(rows_);
        std::array<T, In> features{};
        for (std::size_t row = 0; row < rows_; ++row)
            if (read_row<T>(row, x, features, missing, what)) rows.push_back(features);
        check_rows_left(rows.empty(), what);
        return rows;
    }
};

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/table.ipp"
#endif

// Definitions of data/csv.hpp (see io/detail/linkage.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../../io/error.hpp"
#include "../../io/detail/read_file.hpp"
#include "../detail/text.hpp"
#include "../csv.hpp"
#include "../table.hpp"

namespace ctnn {

namespace detail {

class CsvParser {
public:
    CsvParser(const std::string& path, std::string text, const CsvOptions& options)
        : path_(path), text_(std::move(text)), options_(options) {
        check_options();
        p_ = text_.data();
        end_ = p_ + text_.size();
        if (text_.size() >= 3 && std::string_view(text_).substr(0, 3) == "\xEF\xBB\xBF") p_ += 3;
        whitespace_ = options_.separator == ' ';
        // The characters that end an unquoted field.
        stops_[static_cast<unsigned char>('\n')] = true;
        if (options_.comment != '\0') stops_[static_cast<unsigned char>(options_.comment)] = true;
        if (whitespace_) {
            stops_[static_cast<unsigned char>(' ')] = stops_[static_cast<unsigned char>('\t')] = true;
            stops_[static_cast<unsigned char>('\r')] = true;
        } else {
            stops_[static_cast<unsigned char>(options_.separator)] = true;
        }
        // Markers that read as numbers ("-999") must be looked for before a
        // number is read, which the fast path does not do.
        for (const std::string& marker : options_.missing) {
            double value = 0;
            if (parse_number(trim(marker), value) == NumberStatus::ok && !std::isnan(value))
                markers_look_like_numbers_ = true;
        }
    }

    Table parse() {
        skip_leading_rows();
        data_start_ = p_;
        if (!start_record()) fail_empty();
        header_line_ = record_line_;
        const char* first_row = p_;
        std::vector<Field> fields;
        read_record(fields);
        if (fields.size() == 1 && !fields[0].quoted) lone_field_ = fields[0].text;
        if (options_.header) {
            for (const Field& field : fields) names_.emplace_back(field.text);
            check_unique();
            setup_columns();
            if (!start_record())
                fail(path_ + " has a header (line " + std::to_string(header_line_) +
                     ") but no rows of data; expected at least one row after it");
            first_row = p_;
            read_row();
        } else {
            for (std::size_t k = 0; k < fields.size(); ++k) names_.push_back(std::to_string(k));
            setup_columns();
            for (std::size_t k = 0; k < fields.size(); ++k) convert(fields[k], k);
            lines_.push_back(record_line_);
        }
        reserve_from(first_row);
        while (start_record()) read_row();
        return finish();
    }

private:
    struct Field {
        std::string_view text;
        bool quoted = false;
        std::size_t line = 0;  // where the field starts
    };
    struct ColumnState {
        std::vector<double> values;
        bool categorical = false;
        bool fast = true;
        std::map<std::string, std::size_t, std::less<>> codes;  // value -> code in order of first appearance
    };

    std::string path_;
    std::string text_;  // the whole file; quoted fields are unescaped in place
    const CsvOptions& options_;
    char* p_ = nullptr;
    char* end_ = nullptr;
    const char* data_start_ = nullptr;  // after the skipped lines
    std::string lone_field_;  // the first record's text if it is one unquoted field (for separator_hint)
    std::size_t line_ = 1, record_line_ = 1, header_line_ = 1;
    bool whitespace_ = false;
    bool markers_look_like_numbers_ = false;
    bool plain_rows_ = false;  // every column numeric, a one-character separator: read_row's fast path
    std::array<bool, 256> stops_{};
    std::vector<std::string> names_;
    std::vector<ColumnState> columns_;
    std::vector<std::size_t> lines_;

    [[noreturn]] void fail(const std::string& message) const { throw Error("read_csv: " + message); }
    [[noreturn]] void fail_at(std::size_t line, std::size_t column, const std::string& problem) const {
        std::string where = path_ + ", line " + std::to_string(line) + ", column " + std::to_string(column);
        if (options_.header && column >= 1 && column <= names_.size()) where += " (" + quote_text(names_[column - 1]) + ")";
        fail(where + ": " + problem);
    }
    [[noreturn]] void fail_empty() const {
        const std::string expected =
            options_.header ? "a header line and at least one row of data" : "at least one row of data";
        const std::string after_skipped =
            options_.skip_rows > 0 ? " after the " + count_of(options_.skip_rows, "skipped line", "skipped lines")
                                   : std::string();
        const auto rest = std::string_view(data_start_, std::size_t(end_ - data_start_));
        if (rest.find_first_not_of(" \t\r\n") == std::string_view::npos)
            fail(path_ + (options_.skip_rows > 0 ? " has nothing" + after_skipped : " is empty") + "; expected " +
                 expected);
        fail(path_ + " has only blank or comment lines" + after_skipped + "; expected " + expected);
    }

    void check_options() const {
        const char s = options_.separator, c = options_.comment;
        if (s == '"' || s == '\n' || s == '\r' || s == '\0')
            fail("CsvOptions::separator cannot be a quote, a line end or '\\0'; expected ',', ';', '\\t', ' ' or the "
                 "like");
        if (c == '"' || c == '\n' || c == '\r' || c == ' ' || c == '\t' || (c != '\0' && c == s))
            fail("CsvOptions::comment cannot be a quote, a line end, a space, a tab or the separator; expected '\\0' "
                 "(none), '#' or the like");
    }

    static std::string_view trim(std::string_view text) noexcept {
        const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
        while (!text.empty() && blank(text.front())) text.remove_prefix(1);
        while (!text.empty() && blank(text.back())) text.remove_suffix(1);
        return text;
    }
    // Padding around a field: spaces, tabs and CRs that are not the separator.
    bool pad(char c) const noexcept {
        return (c == ' ' || c == '\t' || c == '\r') && (whitespace_ || c != options_.separator);
    }
    bool stop(char c) const noexcept { return stops_[static_cast<unsigned char>(c)]; }

    void skip_line() noexcept {
        auto* newline = static_cast<char*>(std::memchr(p_, '\n', std::size_t(end_ - p_)));
        if (newline == nullptr) {
            p_ = end_;
        } else {
            p_ = newline + 1;
            ++line_;
        }
    }
    void skip_leading_rows() {
        for (std::size_t k = 0; k < options_.skip_rows; ++k) {
            if (p_ == end_)
                fail(path_ + " has " + count_of(line_ - 1, "line", "lines") + " but skip_rows is " +
                     std::to_string(options_.skip_rows) + "; expected more lines");
            skip_line();
        }
    }

    // Moves to the start of the next record, past blank and comment lines.
    // False at the end of the text.
    bool start_record() noexcept {
        for (;;) {
            char* q = p_;
            while (q != end_ && pad(*q)) ++q;
            if (q == end_) {
                p_ = q;
                return false;
            }
            if (*q == '\n') {
                p_ = q + 1;
                ++line_;
                continue;
            }
            if (options_.comment != '\0' && *q == options_.comment) {
                p_ = q;
                skip_line();
                continue;
            }
            record_line_ = line_;
            return true;
        }
    }

    // Reads the field at p_ (1-based `column`, for messages), leaving p_ on the
    // character that ends it. A quoted field is unescaped in place.
    Field next_field(std::size_t column) {
        while (p_ != end_ && pad(*p_)) ++p_;
        if (p_ == end_ || *p_ != '"') {
            char* start = p_;
            while (p_ != end_ && !stop(*p_)) ++p_;
            return {trim(std::string_view(start, std::size_t(p_ - start))), false, line_};
        }
        const std::size_t open_line = line_;
        char* start = ++p_;
        char* out = start;
        for (;;) {
            auto* quote = static_cast<char*>(std::memchr(p_, '"', std::size_t(end_ - p_)));
            if (quote == nullptr)
                fail_at(open_line, column, "a quoted field starts here and never ends; expected a closing \"");
            line_ += std::size_t(std::count(p_, quote, '\n'));
            if (out != p_) std::memmove(out, p_, std::size_t(quote - p_));
            out += quote - p_;
            p_ = quote + 1;
            if (p_ != end_ && *p_ == '"') {  // "" is one quote
                *out++ = '"';
                ++p_;
                continue;
            }
            break;
        }
        if (!whitespace_)
            while (p_ != end_ && pad(*p_)) ++p_;
        if (p_ != end_ && !stop(*p_)) {
            const char* rest = p_;
            while (rest != end_ && *rest != '\n' && !stop(*rest)) ++rest;
            fail_at(line_, column,
                    quote_text(std::string_view(p_, std::size_t(rest - p_))) +
                        " follows the closing quote; expected a separator or the end of the line");
        }
        return {std::string_view(start, std::size_t(out - start)), true, open_line};
    }

    // After a field: true if another field follows on this record (the
    // separator is consumed), false at the end of the record (the line end is
    // consumed).
    bool end_field(std::size_t column) {
        const char* field_end = p_;
        while (p_ != end_ && pad(*p_)) ++p_;
        if (p_ == end_) return false;
        const char c = *p_;
        if (c == '\n') {
            ++p_;
            ++line_;
            return false;
        }
        if (options_.comment != '\0' && c == options_.comment) {
            skip_line();
            return false;
        }
        if (whitespace_ && p_ != field_end) return true;  // the padding skipped above was the separator
        if (c == options_.separator) {
            ++p_;
            return true;
        }
        const char* rest = p_;
        while (rest != end_ && *rest != '\n' && !stop(*rest)) ++rest;
        fail_at(line_, column,
                quote_text(std::string_view(p_, std::size_t(rest - p_))) +
                    " follows the value; expected a separator or the end of the line");
    }

    void read_record(std::vector<Field>& fields) {
        fields.clear();
        std::size_t column = 0;
        do fields.push_back(next_field(++column));
        while (end_field(column));
    }

    void check_unique() const {
        const std::vector<std::string>& names = names_;
        std::unordered_map<std::string_view, std::size_t> seen;
        for (std::size_t k = 0; k < names.size(); ++k) {
            const auto [it, fresh] = seen.emplace(names[k], k);
            if (!fresh)
                fail(path_ + ", line " + std::to_string(header_line_) + ", column " + std::to_string(k + 1) +
                     ": the column name " + quote_text(names[k]) + " is already used by column " +
                     std::to_string(it->second + 1) + "; expected unique names (or header = false)");
        }
    }

    void setup_columns() {
        columns_.resize(names_.size());
        for (const std::string& name : options_.categorical) {
            const auto it = std::find(names_.begin(), names_.end(), name);
            if (it == names_.end())
                fail(path_ + ": CsvOptions::categorical names " + quote_text(name) + ", which is not a column; the " +
                     count_of(names_.size(), "column is ", "columns are ") + quote_list(names_));
            columns_[std::size_t(it - names_.begin())].categorical = true;
        }
        plain_rows_ = !whitespace_;
        for (ColumnState& column : columns_) {
            column.fast = !column.categorical && !markers_look_like_numbers_;
            plain_rows_ = plain_rows_ && column.fast;
        }
    }

    void reserve_from(const char* first_row) {
        const auto row_bytes = std::size_t(p_ - first_row);
        if (row_bytes == 0) return;
        // A generous guess from the first row, bounded by what the rest of the
        // file could hold (a row takes at least one byte per column).
        const std::size_t rest = std::size_t(end_ - p_);
        const std::size_t guess = std::min(rest / row_bytes + rest / row_bytes / 16 + 16,
                                           rest / std::max<std::size_t>(names_.size(), 1) + 1);
        for (ColumnState& column : columns_) column.values.reserve(column.values.size() + guess);
        lines_.reserve(lines_.size() + guess);
    }

    void read_row() {
        const std::size_t expected = columns_.size();
        std::size_t column = 0;  // fields read so far
        if (plain_rows_) {
            // The common case, a row of unquoted numbers with nothing around
            // them: each value is read and its separator (the line end after the
            // last one) checked in one step. Anything else -- a blank, a quote,
            // a missing value, a ragged row -- leaves the rest of the row to the
            // general loop below, from the field where it happened.
            for (; column < expected; ++column) {
                double value = 0;
                const auto [end, error] = parse_double(p_, end_, value);
                if (error != std::errc{} || end == end_) break;
                const char* next = end + 1;
                if (column + 1 < expected) {
                    if (*end != options_.separator) break;
                } else if (*end == '\r' && next != end_ && *next == '\n') {
                    ++next;
                } else if (*end != '\n') {
                    break;
                }
                columns_[column].values.push_back(value);
                p_ = const_cast<char*>(next);
            }
            if (column == expected) {
                ++line_;
                lines_.push_back(record_line_);
                return;
            }
        }
        do {
            ++column;
            if (column <= expected) {
                read_value(column - 1);
            } else {
                (void)next_field(column);
            }
        } while (end_field(column));
        if (column != expected)
            fail(path_ + ", line " + std::to_string(record_line_) + " has " +
                 count_of(column, "field", "fields") + ", expected " + std::to_string(expected) + " (as in the " +
                 (options_.header ? "header" : "first row") + ", line " + std::to_string(header_line_) + ")" +
                 separator_hint());
        lines_.push_back(record_line_);
    }

    void read_value(std::size_t k) {
        ColumnState& column = columns_[k];
        if (column.fast) {
            // The common case: an unquoted number read straight from the buffer.
            char* q = p_;
            while (q != end_ && pad(*q)) ++q;
            double value = 0;
            const auto [end, error] = parse_double(q, end_, value);
            if (error == std::errc{} && end != q &&
                (end == end_ || stop(*end) || (*end == '\r' && (end + 1 == end_ || end[1] == '\n')))) {
                column.values.push_back(value);
                p_ = const_cast<char*>(end);
                return;
            }
        }
        convert(next_field(k + 1), k);
    }

    void convert(const Field& field, std::size_t k) {
        ColumnState& column = columns_[k];
        const std::string_view text = field.quoted ? trim(field.text) : field.text;
        for (const std::string& marker : options_.missing)
            if (text == trim(marker)) {
                column.values.push_back(std::numeric_limits<double>::quiet_NaN());
                return;
            }
        if (column.categorical) {
            const auto it = column.codes.find(text);
            const std::size_t code = it != column.codes.end() ? it->second : column.codes.size();
            if (it == column.codes.end()) column.codes.emplace(std::string(text), code);
            column.values.push_back(double(code));
            return;
        }
        double value = 0;
        switch (parse_number(text, value)) {
            case NumberStatus::ok:
                column.values.push_back(value);
                return;
            case NumberStatus::out_of_range:
                fail_at(field.line, k + 1,
                        quote_text(text) + " is out of range; expected a number a double can hold (at most about 1.8e308)");
            case NumberStatus::not_a_number:
                break;
        }
        std::string markers;
        for (std::size_t m = 0; m < options_.missing.size(); ++m)
            markers += (m == 0 ? "" : m + 1 == options_.missing.size() ? " or " : ", ") + quote_text(options_.missing[m]);
        std::string hint = separator_hint();
        if (hint.empty() && looks_like_text(text))
            hint = "; if " + quote_text(names_[k]) + " is a column of text categories, read it with .categorical = {" +
                   quote_text(names_[k]) + "}";
        fail_at(field.line, k + 1,
                quote_text(text) + " is not a number; expected a number" +
                    (markers.empty() ? std::string() : " or a missing value (" + markers + ")") + hint);
    }

    // A word rather than a mistyped number ("1.5e", "12..5"): it starts with a
    // letter or a non-ASCII byte (UTF-8 text).
    static bool looks_like_text(std::string_view text) noexcept {
        if (text.empty()) return false;
        const auto c = static_cast<unsigned char>(text.front());
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
    }

    // When the file reads as one column whose first record holds another
    // likely separator (the most frequent of ';', tab, '|' and ','), the
    // separator option is probably wrong: says which one to pass. Empty
    // otherwise.
    std::string separator_hint() const {
        if (columns_.size() != 1 || lone_field_.empty()) return {};
        char best = '\0';
        std::ptrdiff_t best_count = 0;
        for (const char candidate : {';', '\t', '|', ','}) {
            if (candidate == options_.separator || (whitespace_ && candidate == '\t')) continue;
            const auto count = std::count(lone_field_.begin(), lone_field_.end(), candidate);
            if (count > best_count) {
                best = candidate;
                best_count = count;
            }
        }
        if (best == '\0') return {};
        const std::string literal = best == '\t' ? "'\\t'" : std::string("'") + best + "'";
        const std::string name = best == '\t' ? "a tab" : literal;
        return std::string("; the ") + (options_.header ? "header" : "first row") + " reads as a single column, " +
               quote_text(lone_field_) + ", which contains " + name + ": if " + name +
               " separates the columns, pass .separator = " + literal;
    }

    Table finish() {
        Table table;
        for (std::size_t k = 0; k < columns_.size(); ++k) {
            ColumnState& column = columns_[k];
            trim_capacity(column.values);
            if (!column.categorical) {
                table.add_column(std::move(names_[k]), std::move(column.values));
                continue;
            }
            // Codes were given in order of first appearance; renumber them in
            // sorted order (the map's order), which does not depend on the rows' order.
            std::vector<std::string> categories;
            std::vector<double> renumber(column.codes.size());
            for (auto& [value, code] : column.codes) {
                renumber[code] = double(categories.size());
                categories.push_back(value);
            }
            for (double& v : column.values)
                if (!std::isnan(v)) v = renumber[std::size_t(v)];
            table.add_nominal_column(std::move(names_[k]), std::move(column.values), std::move(categories));
        }
        trim_capacity(lines_);
        table.set_source(path_, std::move(lines_));
        return table;
    }
    template <class V>
    static void trim_capacity(std::vector<V>& values) {
        if (values.capacity() > values.size() + values.size() / 8) values.shrink_to_fit();
    }
};

}  // namespace detail

CTNN_HOST_INLINE Table read_csv(const std::string& path, const CsvOptions& options) {
    return detail::out_of_memory_is_an_error("read_csv", path, [&] {
        return detail::CsvParser(path, detail::read_whole_file(path, "read_csv"), options).parse();
    });
}

}  // namespace ctnn

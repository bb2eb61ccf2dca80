// Definitions of data/arff.hpp (see io/detail/linkage.hpp).
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../../io/error.hpp"
#include "../../io/detail/read_file.hpp"
#include "../detail/text.hpp"
#include "../arff.hpp"
#include "../table.hpp"

namespace ctnn {

namespace detail {

class ArffParser {
public:
    ArffParser(const std::string& path, std::string text) : path_(path), text_(std::move(text)) {
        next_ = text_.data();
        end_ = next_ + text_.size();
        if (text_.size() >= 3 && std::string_view(text_).substr(0, 3) == "\xEF\xBB\xBF") next_ += 3;
    }

    Table parse() {
        read_header();
        read_data();
        Table table;
        for (Attribute& attribute : attributes_) {
            if (attribute.nominal)
                table.add_nominal_column(std::move(attribute.name), std::move(attribute.data),
                                         std::move(attribute.values));
            else
                table.add_column(std::move(attribute.name), std::move(attribute.data));
        }
        table.set_source(path_, std::move(lines_));
        return table;
    }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
    };
    using Index = std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>>;
    struct Attribute {
        std::string name;
        bool nominal = false;
        std::vector<std::string> values;  // nominal: the declared values, in order
        Index codes;                      // nominal: value -> code
        std::vector<double> data;
    };
    struct Value {
        std::string_view text;
        bool quoted = false;
    };

    std::string path_;
    std::string text_;
    const char* next_ = nullptr;  // start of the next line
    const char* end_ = nullptr;
    const char* begin_ = nullptr;  // the current line, without its line end
    const char* stop_ = nullptr;
    std::size_t line_ = 0;
    std::size_t data_line_ = 0;
    std::vector<Attribute> attributes_;
    Index attribute_index_;
    std::vector<std::size_t> lines_;
    std::string unquoted_;  // a quoted value, unescaped

    [[noreturn]] void fail(const std::string& message) const { throw Error("read_arff: " + message); }
    // Errors in header lines: the character column.
    [[noreturn]] void fail_at(const char* where, const std::string& problem) const {
        fail(path_ + ", line " + std::to_string(line_) + ", column " + std::to_string(where - begin_ + 1) + ": " +
             problem);
    }
    // Errors in data rows: the value's position and its attribute.
    [[noreturn]] void fail_value(std::size_t k, const std::string& problem) const {
        fail(path_ + ", line " + std::to_string(line_) + ", column " + std::to_string(k + 1) + " (attribute " +
             quote_text(attributes_[k].name) + "): " + problem);
    }

    bool next_line() noexcept {
        if (next_ == end_) return false;
        begin_ = next_;
        const auto* newline = static_cast<const char*>(std::memchr(next_, '\n', std::size_t(end_ - next_)));
        stop_ = newline == nullptr ? end_ : newline;
        next_ = newline == nullptr ? end_ : newline + 1;
        if (stop_ != begin_ && stop_[-1] == '\r') --stop_;
        ++line_;
        return true;
    }
    static bool blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }
    const char* skip_blanks(const char* q) const noexcept {
        while (q != stop_ && blank(*q)) ++q;
        return q;
    }
    bool at_end(const char* q) const noexcept { return q == stop_ || *q == '%'; }

    // Reads a quoted name or value at q (on its opening quote) into unquoted_,
    // undoing Weka's backslash escapes; returns the position after the closing
    // quote.
    const char* read_quoted(const char* q, const char* what) {
        const char quote = *q;
        const char* open = q++;
        unquoted_.clear();
        for (;;) {
            if (q == stop_)
                fail_at(open, std::string("a quoted ") + what + " starts here and never ends on this line; expected a " +
                                  "closing " + quote);
            const char c = *q++;
            if (c == quote) return q;
            if (c != '\\') {
                unquoted_ += c;
                continue;
            }
            if (q == stop_) continue;  // a lone backslash at the end: the loop reports the missing quote
            const char escaped = *q++;
            unquoted_ += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped == 'r' ? '\r' : escaped;
        }
    }
    // A bare word: up to a blank, a comment or one of `enders`.
    const char* word_end(const char* q, std::string_view enders) const noexcept {
        while (q != stop_ && !blank(*q) && *q != '%' && enders.find(*q) == std::string_view::npos) ++q;
        return q;
    }

    void read_header() {
        while (next_line()) {
            const char* q = skip_blanks(begin_);
            if (at_end(q)) continue;
            const char* keyword_end = word_end(q, "{");
            const std::string_view keyword(q, std::size_t(keyword_end - q));
            if (iequals(keyword, "@relation")) continue;
            if (iequals(keyword, "@attribute")) {
                read_attribute(keyword_end);
                continue;
            }
            if (iequals(keyword, "@data")) {
                const char* rest = skip_blanks(keyword_end);
                if (!at_end(rest))
                    fail_at(rest, quote_text(std::string_view(rest, std::size_t(stop_ - rest))) +
                                      " follows @data; expected the rows on the lines after it");
                if (attributes_.empty())
                    fail_at(q, "@data comes before any @attribute; expected the attributes first");
                data_line_ = line_;
                return;
            }
            if (*q == '@')
                fail_at(q, "unknown keyword " + quote_text(keyword) + "; expected @relation, @attribute or @data");
            fail_at(q, quote_text(std::string_view(q, std::size_t(stop_ - q))) +
                           " is not a header line; expected @relation, @attribute, @data or a % comment");
        }
        if (attributes_.empty())
            fail(path_ + " has no @attribute and no @data line" +
                 (line_ == 0 ? std::string(" (it is empty)") : std::string()) +
                 "; expected an ARFF file: @relation, @attribute lines, @data and rows");
        fail(path_ + " has no @data line; expected @data after the " +
             count_of(attributes_.size(), "@attribute line", "@attribute lines"));
    }

    void read_attribute(const char* q) {
        q = skip_blanks(q);
        if (at_end(q)) fail_at(q, "@attribute without a name; expected @attribute <name> <type>");
        const char* name_start = q;
        std::string name;
        if (*q == '\'' || *q == '"') {
            q = read_quoted(q, "name");
            name = unquoted_;
        } else {
            q = word_end(q, "{");
            name.assign(name_start, q);
        }
        if (attribute_index_.find(name) != attribute_index_.end())
            fail_at(name_start, "attribute " + quote_text(name) + " is declared twice; expected unique names");
        Attribute attribute;
        attribute.name = name;
        q = skip_blanks(q);
        if (at_end(q))
            fail_at(q, "attribute " + quote_text(name) +
                           " has no type; expected numeric, real, integer or a list of values {a, b, ...}");
        if (*q == '{') {
            q = read_nominal(q, attribute);
        } else {
            const char* type_end = word_end(q, "{");
            const std::string_view type(q, std::size_t(type_end - q));
            if (iequals(type, "string") || iequals(type, "date") || iequals(type, "relational"))
                fail_at(q, "attribute " + quote_text(name) + " is of type " + std::string(type) +
                               ", which read_arff does not support; expected numeric, real, integer or a list of "
                               "values {a, b, ...}");
            if (!iequals(type, "numeric") && !iequals(type, "real") && !iequals(type, "integer"))
                fail_at(q, "unknown type " + quote_text(type) + " for attribute " + quote_text(name) +
                               "; expected numeric, real, integer or a list of values {a, b, ...}");
            q = type_end;
        }
        q = skip_blanks(q);
        if (!at_end(q))
            fail_at(q, quote_text(std::string_view(q, std::size_t(stop_ - q))) + " follows the type of attribute " +
                           quote_text(name) + "; expected the end of the line");
        attribute_index_.emplace(name, attributes_.size());
        attributes_.push_back(std::move(attribute));
    }

    const char* read_nominal(const char* q, Attribute& attribute) {
        attribute.nominal = true;
        const char* open = q++;
        for (;;) {
            q = skip_blanks(q);
            if (q == stop_)
                fail_at(open, "the list of values of attribute " + quote_text(attribute.name) +
                                  " starts here and never ends on this line; expected }");
            if (*q == '}' && attribute.values.empty())
                fail_at(q, "attribute " + quote_text(attribute.name) + " has no values; expected at least one in {}");
            const char* value_start = q;
            std::string value;
            if (*q == '\'' || *q == '"') {
                q = read_quoted(q, "value");
                value = unquoted_;
            } else {
                while (q != stop_ && *q != ',' && *q != '}' && *q != '%') ++q;
                const char* value_end = q;
                while (value_end != value_start && blank(value_end[-1])) --value_end;
                value.assign(value_start, value_end);
                if (value.empty())
                    fail_at(value_start, "an empty value in the list of attribute " + quote_text(attribute.name) +
                                             "; expected a value (quote it as '' if it is meant to be empty)");
            }
            if (!attribute.codes.emplace(value, attribute.values.size()).second)
                fail_at(value_start, "the value " + quote_text(value) + " is listed twice for attribute " +
                                         quote_text(attribute.name) + "; expected distinct values");
            attribute.values.push_back(std::move(value));
            q = skip_blanks(q);
            if (q != stop_ && *q == ',') {
                ++q;
                continue;
            }
            if (q != stop_ && *q == '}') return q + 1;
            if (q == stop_ || *q == '%')
                fail_at(open, "the list of values of attribute " + quote_text(attribute.name) +
                                  " starts here and never ends on this line; expected }");
            fail_at(q, quote_text(std::string_view(q, std::size_t(stop_ - q))) + " in the list of values of attribute " +
                           quote_text(attribute.name) + "; expected , or }");
        }
    }

    // Reads the value at q (after blanks), leaving q after it.
    Value read_value(const char*& q) {
        if (q != stop_ && (*q == '\'' || *q == '"')) {
            q = read_quoted(q, "value");
            return {unquoted_, true};
        }
        const char* start = q;
        while (q != stop_ && *q != ',' && *q != '%') ++q;
        const char* end = q;
        while (end != start && blank(end[-1])) --end;
        return {std::string_view(start, std::size_t(end - start)), false};
    }

    void read_data() {
        const std::size_t n = attributes_.size();
        while (next_line()) {
            const char* q = skip_blanks(begin_);
            if (at_end(q)) continue;
            if (*q == '{')
                fail_at(q, "sparse rows ({index value, ...}) are not supported by read_arff; expected "
                           "comma-separated values");
            std::size_t k = 0;
            for (;; ++k) {
                q = skip_blanks(q);
                if (k > 0 && q != stop_ && *q == '{')
                    fail_at(q, "instance weights ({weight} after the values) are not supported by read_arff; expected "
                               "the end of the line");
                if (k < n) {
                    q = read_cell(q, k);
                } else {
                    (void)read_value(q);  // only counted, for the message below
                }
                q = skip_blanks(q);
                if (at_end(q)) break;
                if (*q == ',') {
                    ++q;
                    continue;
                }
                fail_at(q, quote_text(std::string_view(q, std::size_t(stop_ - q))) +
                               " follows a value; expected , or the end of the line");
            }
            if (k + 1 != n)
                fail(path_ + ", line " + std::to_string(line_) + " has " + count_of(k + 1, "value", "values") +
                     ", expected " + std::to_string(n) + " (one per @attribute)");
            lines_.push_back(line_);
        }
        if (lines_.empty())
            fail(path_ + " has no rows of data after @data (line " + std::to_string(data_line_) +
                 "); expected at least one");
    }

    const char* read_cell(const char* q, std::size_t k) {
        Attribute& attribute = attributes_[k];
        if (!attribute.nominal && q != stop_) {
            // The common case: an unquoted number read straight from the buffer.
            double number = 0;
            const auto [end, error] = parse_double(q, stop_, number);
            const char* after = skip_blanks(end);
            if (error == std::errc{} && (after == stop_ || *after == ',' || *after == '%')) {
                attribute.data.push_back(number);
                return after;
            }
        }
        const Value value = read_value(q);
        if (!value.quoted && value.text == "?") {
            attribute.data.push_back(std::numeric_limits<double>::quiet_NaN());
            return q;
        }
        if (attribute.nominal) {
            const auto it = attribute.codes.find(value.text);
            if (it == attribute.codes.end())
                fail_value(k, quote_text(value.text) + " is not one of the attribute's values; expected " +
                                  quote_list(attribute.values) + ", or ? for a missing value");
            attribute.data.push_back(double(it->second));
            return q;
        }
        double number = 0;
        switch (parse_number(value.text, number)) {
            case NumberStatus::ok:
                attribute.data.push_back(number);
                return q;
            case NumberStatus::out_of_range:
                fail_value(k, quote_text(value.text) +
                                  " is out of range; expected a number a double can hold (at most about 1.8e308)");
            case NumberStatus::not_a_number:
                break;
        }
        fail_value(k, (value.text.empty() ? std::string("an empty value") : quote_text(value.text) + " is not a number") +
                          "; expected a number, or ? for a missing value");
    }
};

}  // namespace detail

CTNN_HOST_INLINE Table read_arff(const std::string& path) {
    return detail::out_of_memory_is_an_error("read_arff", path, [&] {
        return detail::ArffParser(path, detail::read_whole_file(path, "read_arff")).parse();
    });
}

}  // namespace ctnn

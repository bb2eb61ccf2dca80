// The data loaders: Table (columns, drop/select, to_dataset and its checks),
// read_csv, read_arff and read_idx/write_idx. Small hand-written files in
// tests/data/loaders/ show the formats; temporary files show every error, with
// the exact file, line and column in its message; a mutation run shows that
// damaged files give an Error, never a crash or a hang.
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <ctnn/data/arff.hpp>
#include <ctnn/data/csv.hpp>
#include <ctnn/data/idx.hpp>
#include <ctnn/data/table.hpp>
#include <ctnn/core/random.hpp>
#include <ctnn/io/detail/read_file.hpp>

#include "support/error_of.hpp"
#include "support/temp_dir.hpp"

using namespace ctnn;
namespace fs = std::filesystem;

namespace {

const std::string data_dir = std::string(CTNN_TEST_DATA) + "/loaders/";

using test::TempDir;
using test::read_bytes;


using test::error_of;

std::vector<double> values(const Table& table, const std::string& name) {
    const auto column = table.column(name);
    return {column.begin(), column.end()};
}

bool is_nan(double v) { return std::isnan(v); }

// A table with columns a01 ... a34 and class, 3 rows: ionosphere's shape.
Table ionosphere_shaped() {
    Table table;
    for (int c = 1; c <= 34; ++c)
        table.add_column((c < 10 ? "a0" : "a") + std::to_string(c), {c + 0.25, c + 0.5, -double(c)});
    table.add_nominal_column("class", {1, 0, 1}, {"b", "g"});
    return table;
}

std::vector<std::string> names_a01_to(int last) {
    std::vector<std::string> names;
    for (int c = 1; c <= last; ++c) names.push_back((c < 10 ? "a0" : "a") + std::to_string(c));
    return names;
}

}  // namespace

// ---------------------------------------------------------------------------
// Table

TEST_CASE("Table: columns by name, row count, missing values, nominal columns") {
    Table table;
    table.add_column("x", {1, 2, std::nan(""), 4}).add_nominal_column("colour", {0, 2, 1, std::nan("")},
                                                                     {"red", "green", "blue"});
    CHECK(table.rows() == 4);
    CHECK(table.columns() == 2);
    CHECK(table.column_names() == std::vector<std::string>{"x", "colour"});
    CHECK(table.has_column("x"));
    CHECK_FALSE(table.has_column("y"));
    const std::vector<double> x = values(table, "x");
    CHECK(x[0] == 1);
    CHECK(is_nan(x[2]));
    CHECK(table.missing_count("x") == 1);
    CHECK(table.missing_count("colour") == 1);
    CHECK_FALSE(table.is_nominal("x"));
    CHECK(table.is_nominal("colour"));
    CHECK(table.categories("colour") == std::vector<std::string>{"red", "green", "blue"});
    CHECK(table.categories("x").empty());
    CHECK(table.source().empty());
    CHECK(table.source_line(0) == 0);

    CHECK(error_of([&] { (void)table.column("y"); }) ==
          "ctnn: column: no column named \"y\"; the 2 columns are \"x\", \"colour\"");
    CHECK(error_of([&] { (void)table.missing_count("z"); }) ==
          "ctnn: missing_count: no column named \"z\"; the 2 columns are \"x\", \"colour\"");
    CHECK(error_of([&] { table.add_column("x", {1, 2, 3, 4}); }) ==
          "ctnn: add_column: the table already has a column named \"x\"; expected unique names");
    CHECK(error_of([&] { table.add_column("y", {1, 2, 3}); }) ==
          "ctnn: add_column(\"y\"): 3 values, expected 4 (the table's row count)");
    CHECK(error_of([&] { table.add_nominal_column("n", {0, 1, 2, 0}, {"a", "b"}); }) ==
          "ctnn: add_nominal_column(\"n\"): row 2 is 2; expected a category code from 0 to 2 - 1, or NaN for "
          "missing");
    CHECK(error_of([&] { table.add_nominal_column("n", {0, 0.5, 1, 0}, {"a", "b"}); }) ==
          "ctnn: add_nominal_column(\"n\"): row 1 is 0.5; expected a category code from 0 to 2 - 1, or NaN for "
          "missing");
    CHECK(error_of([&] { table.set_source("f.csv", {1, 2}); }) ==
          "ctnn: Table::set_source: 2 lines given for 4 rows; expected one line per row, or none");
    CHECK(table.columns() == 2);  // the failed calls added nothing
}

TEST_CASE("Table: drop and select return a new table; on an rvalue they move") {
    Table table;
    table.add_column("a", {1, 2}).add_column("b", {3, 4}).add_nominal_column("c", {0, 1}, {"no", "yes"});
    table.set_source("t.csv", {2, 3});

    const Table without_b = table.drop("b");
    CHECK(without_b.column_names() == std::vector<std::string>{"a", "c"});
    CHECK(table.columns() == 3);  // unchanged
    CHECK(without_b.categories("c") == std::vector<std::string>{"no", "yes"});
    CHECK(without_b.source_line(1) == 3);
    CHECK(table.drop({"a", "c"}).column_names() == std::vector<std::string>{"b"});
    CHECK(table.drop(std::vector<std::string>{"a", "a"}).column_names() == std::vector<std::string>{"b", "c"});

    const Table picked = table.select({"c", "a"});
    CHECK(picked.column_names() == std::vector<std::string>{"c", "a"});
    CHECK(values(picked, "a") == std::vector<double>{1, 2});
    CHECK(picked.is_nominal("c"));
    CHECK(table.select(std::string("b")).rows() == 2);

    CHECK(error_of([&] { (void)table.drop({"a", "x"}); }) ==
          "ctnn: drop: no column named \"x\"; the 3 columns are \"a\", \"b\", \"c\"");
    CHECK(error_of([&] { (void)table.select({"b", "b"}); }) == "ctnn: select: column \"b\" is named twice");

    Table moved_from = table;
    const double* a_data = moved_from.column("a").data();
    const Table moved = std::move(moved_from).select({"a"});
    CHECK(moved.column("a").data() == a_data);  // the column's storage moved, not copied
    CHECK(moved.source() == "t.csv");
    CHECK(std::move(table).drop("a").column_names() == std::vector<std::string>{"b", "c"});
}

TEST_CASE("Table::to_dataset: features and targets in the order given, float or double") {
    Table table;
    table.add_column("f1", {1, 2, 3}).add_column("t", {0, 1, 0}).add_column("f2", {10, 20, 30});
    const Dataset<float, 2, 1> data = table.to_dataset<2, 1>({"f2", "f1"}, {"t"});
    REQUIRE(data.size() == 3);
    CHECK(data.x[1] == std::array<float, 2>{20, 2});
    CHECK(data.y[1] == std::array<float, 1>{1});

    // Only targets: every other column is a feature, in the table's order.
    const Dataset<double, 2, 1> rest = table.to_dataset<2, 1, double>("t");
    CHECK(rest.x[2] == std::array<double, 2>{3, 30});
    CHECK(rest.y[2] == std::array<double, 1>{0});

    const auto two_targets = table.to_dataset<1, 2>({"f1"}, {"t", "f2"});
    CHECK(two_targets.y[0] == std::array<float, 2>{0, 10});
}

TEST_CASE("Table::to_dataset: the counts of names, unknown, repeated and shared columns") {
    const Table table = ionosphere_shaped();
    const auto ok = table.to_dataset<34, 1>({"class"});
    CHECK(ok.x[0][33] == 34.25f);
    CHECK(ok.y[0][0] == 1.f);

    CHECK(error_of([&] { (void)table.to_dataset<33, 1>(names_a01_to(34), {"class"}); }) ==
          "ctnn: to_dataset<33, 1>: 34 feature columns given, expected 33");
    CHECK(error_of([&] { (void)table.to_dataset<34, 1>(names_a01_to(34), {"class", "a01"}); }) ==
          "ctnn: to_dataset<34, 1>: 2 target columns given, expected 1");
    CHECK(error_of([&] { (void)table.to_dataset<33, 1>({"class"}); }) ==
          "ctnn: to_dataset<33, 1>: 34 feature columns given (every column but the target \"class\"), expected 33");
    CHECK(error_of([&] { (void)table.to_dataset<32, 2>({"class", "a01"}); }) ==
          "ctnn: to_dataset<32, 2>: 33 feature columns given (every column but the targets \"class\", \"a01\"), "
          "expected 32");
    CHECK(error_of([&] { (void)table.to_dataset<1, 1>({"a01"}, {"klass"}); }).starts_with(
        "ctnn: to_dataset<1, 1>: no column named \"klass\"; the 35 columns are \"a01\", \"a02\", "));
    CHECK(error_of([&] { (void)table.to_dataset<1, 1>({"a01"}, {"klass"}); }).ends_with(", and 5 more"));
    CHECK(error_of([&] { (void)table.to_dataset<2, 1>({"a01", "a01"}, {"class"}); }) ==
          "ctnn: to_dataset<2, 1>: column \"a01\" is named twice");
    CHECK(error_of([&] { (void)table.to_dataset<2, 1>({"a01", "class"}, {"class"}); }) ==
          "ctnn: to_dataset<2, 1>: column \"class\" is both a feature and a target; expected each in one list");
    CHECK(error_of([] { (void)Table().to_dataset<1, 1>({}); }) ==
          "ctnn: to_dataset<1, 1>: 0 target columns given, expected 1");
    Table empty_rows;
    empty_rows.add_column("x", {}).add_column("y", {});
    CHECK(error_of([&] { (void)empty_rows.to_dataset<1, 1>({"y"}); }) == "ctnn: to_dataset<1, 1>: the table has no rows");
}

TEST_CASE("Table::to_dataset: missing values are an error naming the row and line, or rows to drop") {
    TempDir dir;
    const Table table = read_csv(dir.file("m.csv", "x,y,z\n1,2,3\n\n4,,6\n7,8,\n10,11,12\n"));
    CHECK(table.source_line(1) == 4);
    CHECK(error_of([&] { (void)table.to_dataset<2, 1>({"x", "y"}, {"z"}); }) ==
          "ctnn: to_dataset<2, 1>: row 1 (line 4 of " + dir / "m.csv" +
              "), column \"y\" is missing; expected a number (MissingValues::drop_rows leaves out rows with "
              "missing values)");
    const auto kept = table.to_dataset<2, 1>({"x", "y"}, {"z"}, MissingValues::drop_rows);
    REQUIRE(kept.size() == 2);
    CHECK(kept.x[1] == std::array<float, 2>{10, 11});
    // Only the chosen columns count: without y, row 1 is complete.
    const auto xz = table.to_dataset<1, 1>({"x"}, {"z"}, MissingValues::drop_rows);
    CHECK(xz.size() == 3);
    CHECK(xz.y[1] == std::array<float, 1>{6});

    Table all_missing;
    all_missing.add_column("x", {std::nan(""), 1}).add_column("y", {1, std::nan("")});
    CHECK(error_of([&] { (void)all_missing.to_dataset<1, 1>({"y"}, MissingValues::drop_rows); }) ==
          "ctnn: to_dataset<1, 1>: every one of the 2 rows has a missing value in the chosen columns; no rows are "
          "left");
    CHECK(error_of([&] { (void)all_missing.to_dataset<1, 1>({"y"}); }) ==
          "ctnn: to_dataset<1, 1>: row 0, column \"x\" is missing; expected a number (MissingValues::drop_rows "
          "leaves out rows with missing values)");
}

TEST_CASE("Table::to_dataset: infinite values and values too large for float are errors") {
    Table table;
    table.add_column("x", {1, 1e39}).add_column("y", {std::numeric_limits<double>::infinity(), 0});
    CHECK(error_of([&] { (void)table.to_dataset<1, 1>({"x"}, {"y"}); }) ==
          "ctnn: to_dataset<1, 1>: row 0, column \"y\" is inf; expected a finite number that fits in a float");
    Table big;
    big.add_column("x", {1, 1e39}).add_column("y", {0, 0});
    CHECK(error_of([&] { (void)big.to_dataset<1, 1>({"x"}, {"y"}); }) ==
          "ctnn: to_dataset<1, 1>: row 1, column \"x\" is 1e+39; expected a finite number that fits in a float");
    CHECK(big.to_dataset<1, 1, double>({"x"}, {"y"}).x[1][0] == 1e39);
}

TEST_CASE("Table::to_rows: feature rows without a target, for predicting on unlabeled data") {
    Table table;
    table.add_column("f1", {1, 2, 3}).add_column("f2", {10, 20, 30}).add_nominal_column("c", {1, 0, 1}, {"b", "g"});
    // Named columns, in the order given.
    const std::vector<std::array<float, 2>> rows = table.to_rows<2>({"f2", "f1"});
    CHECK(rows == std::vector<std::array<float, 2>>{{10, 1}, {20, 2}, {30, 3}});
    CHECK(table.to_rows<1, double>("c") == std::vector<std::array<double, 1>>{{1}, {0}, {1}});
    // Every column, in the table's order: a file of inputs as it is.
    CHECK(table.to_rows<3>() == std::vector<std::array<float, 3>>{{1, 10, 1}, {2, 20, 0}, {3, 30, 1}});
    CHECK(table.drop("c").to_rows<2, double>()[2] == std::array<double, 2>{3, 30});

    // The same rows as to_dataset's x.
    const auto data = table.to_dataset<2, 1>({"f2", "f1"}, {"c"});
    CHECK(rows == data.x);

    // Counts, names and values are checked as to_dataset checks them.
    CHECK(error_of([&] { (void)table.to_rows<3>({"f1", "f2"}); }) ==
          "ctnn: to_rows<3>: 2 feature columns given, expected 3");
    CHECK(error_of([&] { (void)table.to_rows<2>(); }) ==
          "ctnn: to_rows<2>: the table has 3 columns, expected 2 features (name the feature columns, or drop() the "
          "others)");
    CHECK(error_of([&] { (void)table.to_rows<1>("f3"); }) ==
          "ctnn: to_rows<1>: no column named \"f3\"; the 3 columns are \"f1\", \"f2\", \"c\"");
    CHECK(error_of([&] { (void)table.to_rows<2>({"f1", "f1"}); }) == "ctnn: to_rows<2>: column \"f1\" is named twice");
    Table no_rows;
    no_rows.add_column("x", {});
    CHECK(error_of([&] { (void)no_rows.to_rows<1>(); }) == "ctnn: to_rows<1>: the table has no rows");
    Table big;
    big.add_column("x", {1, 1e39});
    CHECK(error_of([&] { (void)big.to_rows<1>(); }) ==
          "ctnn: to_rows<1>: row 1, column \"x\" is 1e+39; expected a finite number that fits in a float");
    CHECK(big.to_rows<1, double>()[1][0] == 1e39);

    // Missing values: an error naming the row and line, or rows left out.
    TempDir dir;
    const Table unlabeled = read_csv(dir.file("new.csv", "x,y\n1,2\n3,\n5,6\n"));
    CHECK(error_of([&] { (void)unlabeled.to_rows<2>(); }) ==
          "ctnn: to_rows<2>: row 1 (line 3 of " + dir / "new.csv" +
              "), column \"y\" is missing; expected a number (MissingValues::drop_rows leaves out rows with "
              "missing values)");
    CHECK(unlabeled.to_rows<2>(MissingValues::drop_rows) == std::vector<std::array<float, 2>>{{1, 2}, {5, 6}});
    CHECK(unlabeled.to_rows<1>({"x"}, MissingValues::drop_rows).size() == 3);  // only the chosen columns count
    Table all_missing;
    all_missing.add_column("x", {std::nan(""), std::nan("")});
    CHECK(error_of([&] { (void)all_missing.to_rows<1>(MissingValues::drop_rows); }) ==
          "ctnn: to_rows<1>: every one of the 2 rows has a missing value in the chosen columns; no rows are left");
}

// ---------------------------------------------------------------------------
// Number parsing

TEST_CASE("parse_double gives std::from_chars' result bit for bit (its fast path and its fallback)") {
    Rng rng(Seed{5});
    auto pick = [&](int n) { return int(rng.uniform(0, n)); };
    const std::string junk = ",\n e+-.x";
    int mismatches = 0;
    for (int i = 0; i < 200000; ++i) {
        std::string text;
        if (pick(4) == 0) text += '-';
        const int whole = pick(4) == 0 ? pick(22) : pick(8);
        for (int d = 0; d < whole; ++d) text += char('0' + pick(10));
        if (pick(2) == 0) {
            text += '.';
            const int fraction = pick(4) == 0 ? pick(22) : pick(8);
            for (int d = 0; d < fraction; ++d) text += char('0' + pick(10));
        }
        if (pick(3) == 0) {
            text += pick(2) == 0 ? 'e' : 'E';
            if (pick(2) == 0) text += pick(2) == 0 ? '-' : '+';
            const int digits = pick(4);
            for (int d = 0; d < digits; ++d) text += char('0' + pick(10));
        }
        if (pick(3) == 0) text += junk[std::size_t(pick(int(junk.size())))];
        double fast = 1, slow = 1;
        const auto a = detail::parse_double(text.data(), text.data() + text.size(), fast);
        const auto b = std::from_chars(text.data(), text.data() + text.size(), slow);
        const bool same = a.ptr == b.ptr && a.ec == b.ec &&
                          (a.ec != std::errc{} || std::bit_cast<std::uint64_t>(fast) == std::bit_cast<std::uint64_t>(slow));
        if (!same && ++mismatches <= 5) MESSAGE("parse_double and from_chars differ on \"" << text << "\"");
    }
    CHECK(mismatches == 0);
    for (const char* text : {"0", "-0", "9007199254740992", "9007199254740993", "1e22", "1e23", "123456789.0123456789",
                             "0.1", "-2.5e-22", "4.9e-324", "1.7976931348623157e308", "inf", "-nan", ".5", "5.", "-.5e1"}) {
        double fast = 1, slow = 1;
        const auto a = detail::parse_double(text, text + std::strlen(text), fast);
        const auto b = std::from_chars(text, text + std::strlen(text), slow);
        CHECK(a.ptr == b.ptr);
        CHECK((std::isnan(fast) ? std::isnan(slow)
                                : std::bit_cast<std::uint64_t>(fast) == std::bit_cast<std::uint64_t>(slow)));
    }
}

TEST_CASE("parse_number: a whole field, a leading plus, underflow to zero, overflow") {
    double v = 0;
    CHECK(detail::parse_number("+1.5", v) == detail::NumberStatus::ok);
    CHECK(v == 1.5);
    CHECK(detail::parse_number("+-1", v) == detail::NumberStatus::not_a_number);
    CHECK(detail::parse_number("+", v) == detail::NumberStatus::not_a_number);
    CHECK(detail::parse_number("", v) == detail::NumberStatus::not_a_number);
    CHECK(detail::parse_number("1.5 ", v) == detail::NumberStatus::not_a_number);
    CHECK(detail::parse_number("0x10", v) == detail::NumberStatus::not_a_number);
    CHECK(detail::parse_number("12345678901234567890123e-420", v) == detail::NumberStatus::ok);
    CHECK(v == 0);
    CHECK(detail::parse_number("0.000001e-320", v) == detail::NumberStatus::ok);
    CHECK(v == 0);
    CHECK(detail::parse_number("-1e-999999999999", v) == detail::NumberStatus::ok);
    CHECK((v == 0 && std::signbit(v)));
    CHECK(detail::parse_number("1e309", v) == detail::NumberStatus::out_of_range);
    CHECK(detail::parse_number("0.1e310", v) == detail::NumberStatus::out_of_range);
    CHECK(detail::parse_number("-1e99999999999999999999", v) == detail::NumberStatus::out_of_range);
}

// ---------------------------------------------------------------------------
// read_csv: formats

TEST_CASE("read_csv: a scikit-learn file (metadata line, no header)") {
    const std::string path = data_dir + "sklearn_style.csv";
    const Table table = read_csv(path, {.header = false, .skip_rows = 1});
    CHECK(table.rows() == 6);
    CHECK(table.column_names() == std::vector<std::string>{"0", "1", "2", "3", "4"});
    CHECK(values(table, "0") == std::vector<double>{5.1, 4.9, 7.0, 6.4, 6.3, 5.8});
    CHECK(values(table, "4") == std::vector<double>{0, 0, 1, 1, 2, 2});
    CHECK(table.source() == path);
    CHECK(table.source_line(0) == 2);
    CHECK(table.source_line(5) == 7);
    const auto data = table.to_dataset<4, 1>({"4"});
    CHECK(data.x[2] == std::array<float, 4>{7.0f, 3.2f, 4.7f, 1.4f});

    // Read as it is, the metadata line is the header.
    const Table as_is = read_csv(path);
    CHECK(as_is.column_names() == std::vector<std::string>{"6", "4", "setosa", "versicolor", "virginica"});
    CHECK(as_is.rows() == 6);
}

TEST_CASE("read_csv: header, comments, missing values, a leading plus, spaces around fields") {
    const Table table = read_csv(data_dir + "header_comments.csv", {.comment = '#'});
    CHECK(table.column_names() == std::vector<std::string>{"a", "b", "c, with a comma"});
    REQUIRE(table.rows() == 3);
    const auto a = values(table, "a"), b = values(table, "b"), c = values(table, "c, with a comma");
    CHECK(a[0] == 1);
    CHECK(a[1] == 4);
    CHECK(is_nan(a[2]));
    CHECK(b[0] == 2.5);
    CHECK(is_nan(b[1]));
    CHECK(is_nan(b[2]));
    CHECK(c == std::vector<double>{-3, 600, 7});
    CHECK(table.missing_count("b") == 2);
    CHECK(table.source_line(0) == 4);
    CHECK(table.source_line(1) == 6);
    CHECK(table.source_line(2) == 7);
}

TEST_CASE("read_csv: whitespace-separated (separator ' ')") {
    const Table table = read_csv(data_dir + "whitespace.txt", {.separator = ' '});
    CHECK(table.column_names() == std::vector<std::string>{"Chins", "Situps", "Jumps"});
    CHECK(values(table, "Chins") == std::vector<double>{5, 2, 12});
    CHECK(values(table, "Situps") == std::vector<double>{162, 110, 101});
    CHECK(values(table, "Jumps") == std::vector<double>{60, 60, 101});
    CHECK(table.source_line(2) == 5);

    TempDir dir;
    const Table quoted_ws = read_csv(dir.file("q.txt", "\"first name\" b\n\"1\" 2\t\t\n\"\"  \"3\"\n"),
                                     {.separator = ' '});
    CHECK(quoted_ws.column_names() == std::vector<std::string>{"first name", "b"});
    CHECK(values(quoted_ws, "b") == std::vector<double>{2, 3});
    CHECK(quoted_ws.missing_count("first name") == 1);
    CHECK(error_of([&] { (void)read_csv(dir.file("r.txt", "a b\n1 2 3\n"), {.separator = ' '}); }) ==
          "ctnn: read_csv: " + dir / "r.txt" + ", line 2 has 3 fields, expected 2 (as in the header, line 1)");
}

TEST_CASE("read_csv: CRLF line ends, a byte-order mark, other separators") {
    const Table crlf = read_csv(data_dir + "crlf.csv");
    CHECK(crlf.column_names() == std::vector<std::string>{"x", "y"});
    CHECK(values(crlf, "x") == std::vector<double>{1, 3});
    CHECK(values(crlf, "y") == std::vector<double>{2, 4});
    CHECK(crlf.source_line(1) == 4);

    TempDir dir;
    const Table bom = read_csv(dir.file("bom.csv", "\xEF\xBB\xBFx,\"y\"\r\n1,\"2\"\r\n3,4"));  // no final line end
    CHECK(bom.column_names() == std::vector<std::string>{"x", "y"});
    CHECK(values(bom, "y") == std::vector<double>{2, 4});

    const Table semicolons = read_csv(dir.file("s.csv", "a;b\n1.5;\"2;\"\n"), {.separator = ';', .categorical = {"b"}});
    CHECK(values(semicolons, "a") == std::vector<double>{1.5});
    CHECK(semicolons.categories("b") == std::vector<std::string>{"2;"});
    const Table tabs = read_csv(dir.file("t.tsv", "a\tb\tc\n1\t\t3\n \t2\t\n"), {.separator = '\t'});
    CHECK(values(tabs, "c")[0] == 3);
    CHECK(tabs.missing_count("a") == 1);
    CHECK(tabs.missing_count("b") == 1);
    CHECK(tabs.missing_count("c") == 1);
    CHECK(values(tabs, "b")[1] == 2);
}

TEST_CASE("read_csv: quoted fields, a field over two lines, categorical columns") {
    const std::string path = data_dir + "quoted.csv";
    const Table table = read_csv(path, {.categorical = {"label"}});
    CHECK(table.rows() == 5);
    CHECK(values(table, "id") == std::vector<double>{1, 2, 3, 4, 5});
    CHECK(table.is_nominal("label"));
    // Sorted byte order: "a, b" < "plain" < "two\nlines" < "with \"quotes\"".
    CHECK(table.categories("label") == std::vector<std::string>{"a, b", "plain", "two\nlines", "with \"quotes\""});
    CHECK(values(table, "label") == std::vector<double>{1, 3, 2, 0, 1});
    const auto value = values(table, "value");
    CHECK(value[3] == -0.25);
    CHECK(is_nan(value[4]));
    // Line numbers go on counting through the field that spans two lines.
    CHECK(table.source_line(2) == 4);
    CHECK(table.source_line(3) == 6);

    // Without `categorical`, text is an error at the right line.
    CHECK(error_of([&] { (void)read_csv(path); }) ==
          "ctnn: read_csv: " + path +
              ", line 2, column 2 (\"label\"): \"plain\" is not a number; expected a number or a missing value (\"\", "
              "\"NA\" or \"?\"); if \"label\" is a column of text categories, read it with .categorical = {\"label\"}");
    CHECK(error_of([&] { (void)read_csv(path, {.categorical = {"label", "nope"}}); }) ==
          "ctnn: read_csv: " + path +
              ": CsvOptions::categorical names \"nope\", which is not a column; the 3 columns are \"id\", \"label\", "
              "\"value\"");
}

TEST_CASE("read_csv: missing-value markers are configurable, including ones that look like numbers") {
    TempDir dir;
    const std::string path = dir.file("m.csv", "a,b\n-999,1\n2,n/a\n-999.5,3\n");
    const Table table = read_csv(path, {.missing = {"-999", "n/a"}});
    const auto a = values(table, "a");
    CHECK(is_nan(a[0]));
    CHECK(a[1] == 2);
    CHECK(a[2] == -999.5);
    CHECK(table.missing_count("b") == 1);
    CHECK(error_of([&] { (void)read_csv(dir.file("e.csv", "a,b\n1,\n"), {.missing = {}}); }) ==
          "ctnn: read_csv: " + dir / "e.csv" + ", line 2, column 2 (\"b\"): \"\" is not a number; expected a number");
    // "nan" reads as NaN, so it is missing; "inf" is a number (to_dataset rejects it).
    const Table special = read_csv(dir.file("s.csv", "a\nnan\ninf\n-inf\n1e-400\n-1e-400\n"));
    const auto s = values(special, "a");
    CHECK(is_nan(s[0]));
    CHECK(s[1] == std::numeric_limits<double>::infinity());
    CHECK(s[2] == -std::numeric_limits<double>::infinity());
    CHECK(s[3] == 0);  // underflow reads as zero, as with strtod
    CHECK(std::signbit(s[4]));
}

TEST_CASE("read_csv: numbers read back exactly, and a larger file reads in linear time") {
    TempDir dir;
    Rng rng(Seed{11});
    std::string text = "a,b,c\n";
    std::vector<double> expected;
    for (int row = 0; row < 20000; ++row) {
        for (int c = 0; c < 3; ++c) {
            const double v = rng.uniform(-1e6, 1e6) * std::pow(10.0, double(row % 20 - 10));
            expected.push_back(v);
            char buffer[32];
            const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
            text.append(buffer, result.ptr);
            text += c < 2 ? ',' : '\n';
        }
    }
    const Table table = read_csv(dir.file("big.csv", text));
    REQUIRE(table.rows() == 20000);
    const auto a = table.column("a"), c = table.column("c");
    bool exact = true;
    for (std::size_t row = 0; row < 20000; ++row)
        exact = exact && a[row] == expected[3 * row] && c[row] == expected[3 * row + 2];
    CHECK(exact);
}

// ---------------------------------------------------------------------------
// read_csv: errors, each with its file, line and column

TEST_CASE("read_csv: ragged rows") {
    TempDir dir;
    const std::string path = dir.file("r.csv", "a,b,c,d\n1,2,3,4\n\n# x\n5,6,7,8\n1,2,3,4\n1,2,3,4,5\n");
    CHECK(error_of([&] { (void)read_csv(path, {.comment = '#'}); }) ==
          "ctnn: read_csv: " + path + ", line 7 has 5 fields, expected 4 (as in the header, line 1)");
    const std::string fewer = dir.file("f.csv", "1,2,3\n4,5\n");
    CHECK(error_of([&] { (void)read_csv(fewer, {.header = false}); }) ==
          "ctnn: read_csv: " + fewer + ", line 2 has 2 fields, expected 3 (as in the first row, line 1)");
    const std::string trailing = dir.file("t.csv", "a,b\n1,2,\n");
    CHECK(error_of([&] { (void)read_csv(trailing); }) ==
          "ctnn: read_csv: " + trailing + ", line 2 has 3 fields, expected 2 (as in the header, line 1)");
}

TEST_CASE("read_csv: text in a numeric column, a number out of range") {
    TempDir dir;
    const std::string path = dir.file("t.csv", "a,b\n1,2\n3,abc\n");
    CHECK(error_of([&] { (void)read_csv(path); }) ==
          "ctnn: read_csv: " + path +
              ", line 3, column 2 (\"b\"): \"abc\" is not a number; expected a number or a missing value (\"\", \"NA\" "
              "or \"?\"); if \"b\" is a column of text categories, read it with .categorical = {\"b\"}");
    const std::string no_header = dir.file("n.csv", "1,2\n3,1.5e\n");
    CHECK(error_of([&] { (void)read_csv(no_header, {.header = false}); }) ==
          "ctnn: read_csv: " + no_header +
              ", line 2, column 2: \"1.5e\" is not a number; expected a number or a missing value (\"\", \"NA\" or "
              "\"?\")");
    const std::string first_row = dir.file("h.csv", "x1,2\n");
    CHECK(error_of([&] { (void)read_csv(first_row, {.header = false}); }).find("line 1, column 1: \"x1\" is not") !=
          std::string::npos);
    const std::string huge = dir.file("o.csv", "a,b\n1,2\n3, 1e999\n");
    CHECK(error_of([&] { (void)read_csv(huge); }) ==
          "ctnn: read_csv: " + huge +
              ", line 3, column 2 (\"b\"): \"1e999\" is out of range; expected a number a double can hold (at most "
              "about 1.8e308)");
    // Binary junk is quoted with escapes and cut short.
    const std::string junk = dir.file("j.csv", "a\n\x01\x02" + std::string(100, 'z') + "\n");
    CHECK(error_of([&] { (void)read_csv(junk); }) ==
          "ctnn: read_csv: " + junk + ", line 2, column 1 (\"a\"): \"\\x01\\x02" + std::string(38, 'z') +
              "\"... (102 characters) is not a number; expected a number or a missing value (\"\", \"NA\" or \"?\")");
}

TEST_CASE("read_csv: a file with another separator names .separator; a text column names .categorical") {
    TempDir dir;
    // The header reads as one column holding another separator: the hint names it and the option to pass.
    const std::string semicolons = dir.file("s.csv", "a;b;c\n1;2;3\n");
    CHECK(error_of([&] { (void)read_csv(semicolons); }) ==
          "ctnn: read_csv: " + semicolons +
              ", line 2, column 1 (\"a;b;c\"): \"1;2;3\" is not a number; expected a number or a missing value (\"\", "
              "\"NA\" or \"?\"); the header reads as a single column, \"a;b;c\", which contains ';': if ';' separates "
              "the columns, pass .separator = ';'");
    CHECK(read_csv(semicolons, {.separator = ';'}).columns() == 3);  // the hint's fix works
    const std::string tabs = dir.file("t.tsv", "a\tb\n1\t2\n");
    CHECK(error_of([&] { (void)read_csv(tabs); })
              .ends_with("the header reads as a single column, \"a\\tb\", which contains a tab: if a tab separates the "
                         "columns, pass .separator = '\\t'"));
    const std::string pipes = dir.file("p.csv", "x|y\n1|2\n");
    CHECK(error_of([&] { (void)read_csv(pipes); }).ends_with("which contains '|': if '|' separates the columns, "
                                                            "pass .separator = '|'"));
    // Commas, when the separator was set to something else; the most frequent candidate wins.
    const std::string commas = dir.file("c.csv", "a,b,c|d\n1,2,3\n");
    CHECK(error_of([&] { (void)read_csv(commas, {.separator = ';'}); })
              .ends_with("which contains ',': if ',' separates the columns, pass .separator = ','"));
    // Without a header, the first row is the evidence.
    const std::string rows = dir.file("r.csv", "1;2\n3;4\n");
    CHECK(error_of([&] { (void)read_csv(rows, {.header = false}); }) ==
          "ctnn: read_csv: " + rows +
              ", line 1, column 1: \"1;2\" is not a number; expected a number or a missing value (\"\", \"NA\" or "
              "\"?\"); the first row reads as a single column, \"1;2\", which contains ';': if ';' separates the "
              "columns, pass .separator = ';'");
    // A ragged row of a one-column file gets the same hint.
    const std::string ragged = dir.file("g.csv", "a;b\n1,2\n");
    CHECK(error_of([&] { (void)read_csv(ragged); }) ==
          "ctnn: read_csv: " + ragged +
              ", line 2 has 2 fields, expected 1 (as in the header, line 1); the header reads as a single column, "
              "\"a;b\", which contains ';': if ';' separates the columns, pass .separator = ';'");
    // No hint for a quoted one-column header, or for a one-column file without another separator.
    const std::string quoted = dir.file("q.csv", "\"a;b\"\nx\n");
    CHECK(error_of([&] { (void)read_csv(quoted); }).find(".separator") == std::string::npos);
    const std::string single = dir.file("one.csv", "value\n1\nseven\n");
    CHECK(error_of([&] { (void)read_csv(single); }).find(".separator") == std::string::npos);

    // A column of words: the hint names .categorical with the column's name, and that option reads it.
    const std::string iris = dir.file("iris.csv", "sepal_length,species\n5.1,Iris-setosa\n7.0,Iris-versicolor\n");
    CHECK(error_of([&] { (void)read_csv(iris); }) ==
          "ctnn: read_csv: " + iris +
              ", line 2, column 2 (\"species\"): \"Iris-setosa\" is not a number; expected a number or a missing value "
              "(\"\", \"NA\" or \"?\"); if \"species\" is a column of text categories, read it with .categorical = "
              "{\"species\"}");
    const Table read = read_csv(iris, {.categorical = {"species"}});
    CHECK(read.categories("species") == std::vector<std::string>{"Iris-setosa", "Iris-versicolor"});
    CHECK(values(read, "species") == std::vector<double>{0, 1});
    // Without a header the columns are named "0", "1", ...: the hint uses that name.
    CHECK(error_of([&] { (void)read_csv(iris, {.header = false, .skip_rows = 1}); })
              .ends_with("if \"1\" is a column of text categories, read it with .categorical = {\"1\"}"));
    CHECK(read_csv(iris, {.header = false, .skip_rows = 1, .categorical = {"1"}}).is_nominal("1"));
    // UTF-8 text is text too; a mistyped number is not.
    CHECK(error_of([&] { (void)read_csv(dir.file("u.csv", "a\n\xC3\xA9t\xC3\xA9\n")); }).find(".categorical") !=
          std::string::npos);
    CHECK(error_of([&] { (void)read_csv(dir.file("m.csv", "a\n12..5\n")); }).find(".categorical") ==
          std::string::npos);
}

TEST_CASE("read_csv: an empty file, blank lines only, a header only, too few lines to skip") {
    TempDir dir;
    const std::string empty = dir.file("e.csv", "");
    CHECK(error_of([&] { (void)read_csv(empty); }) ==
          "ctnn: read_csv: " + empty + " is empty; expected a header line and at least one row of data");
    CHECK(error_of([&] { (void)read_csv(empty, {.header = false}); }) ==
          "ctnn: read_csv: " + empty + " is empty; expected at least one row of data");
    const std::string blank = dir.file("b.csv", "\n  \r\n# c\n");
    CHECK(error_of([&] { (void)read_csv(blank, {.comment = '#'}); }) ==
          "ctnn: read_csv: " + blank + " has only blank or comment lines; expected a header line and at least one "
                                       "row of data");
    const std::string header_only = dir.file("h.csv", "\na,b\n\n");
    CHECK(error_of([&] { (void)read_csv(header_only); }) ==
          "ctnn: read_csv: " + header_only + " has a header (line 2) but no rows of data; expected at least one row "
                                             "after it");
    const std::string one_line = dir.file("o.csv", "150,4,a,b,c\n");
    CHECK(error_of([&] { (void)read_csv(one_line, {.header = false, .skip_rows = 1}); }) ==
          "ctnn: read_csv: " + one_line + " has nothing after the 1 skipped line; expected at least one row of data");
    CHECK(error_of([&] { (void)read_csv(one_line, {.skip_rows = 3}); }) ==
          "ctnn: read_csv: " + one_line + " has 1 line but skip_rows is 3; expected more lines");
}

TEST_CASE("read_csv: quotes that never end, text after a closing quote") {
    TempDir dir;
    const std::string open = dir.file("q.csv", "a,b,c\n1,2,3\n4,5,\"6\n7,8,9\n");
    CHECK(error_of([&] { (void)read_csv(open); }) ==
          "ctnn: read_csv: " + open +
              ", line 3, column 3 (\"c\"): a quoted field starts here and never ends; expected a closing \"");
    const std::string after = dir.file("a.csv", "a,b\n\"1\"x,2\n");
    CHECK(error_of([&] { (void)read_csv(after); }) ==
          "ctnn: read_csv: " + after +
              ", line 2, column 1 (\"a\"): \"x\" follows the closing quote; expected a separator or the end of the line");
    // An error after a field over several lines names the line it is on.
    const std::string multi = dir.file("m.csv", "a,b\n\"x\n\ny\",z\n");
    CHECK(error_of([&] { (void)read_csv(multi, {.categorical = {"a"}}); })
              .find(", line 4, column 2 (\"b\"): \"z\" is not a number") != std::string::npos);
}

TEST_CASE("read_csv: duplicate column names, bad options, files that cannot be read") {
    TempDir dir;
    const std::string dup = dir.file("d.csv", "\nx,y,x\n1,2,3\n");
    CHECK(error_of([&] { (void)read_csv(dup); }) ==
          "ctnn: read_csv: " + dup +
              ", line 2, column 3: the column name \"x\" is already used by column 1; expected unique names (or header "
              "= false)");
    CHECK(read_csv(dup, {.header = false, .skip_rows = 2}).rows() == 1);

    const std::string ok = dir.file("ok.csv", "a\n1\n");
    CHECK(error_of([&] { (void)read_csv(ok, {.separator = '"'}); }) ==
          "ctnn: read_csv: CsvOptions::separator cannot be a quote, a line end or '\\0'; expected ',', ';', '\\t', ' ' "
          "or the like");
    CHECK(error_of([&] { (void)read_csv(ok, {.separator = ';', .comment = ';'}); }) ==
          "ctnn: read_csv: CsvOptions::comment cannot be a quote, a line end, a space, a tab or the separator; "
          "expected '\\0' (none), '#' or the like");

    CHECK(error_of([&] { (void)read_csv(dir / "absent.csv"); }) ==
          "ctnn: read_csv: cannot open " + dir / "absent.csv" + ": No such file or directory");
    CHECK(error_of([&] { (void)read_csv(dir.path.string()); }) ==
          "ctnn: read_csv: " + dir.path.string() + " is a directory; expected a file");
}

// ---------------------------------------------------------------------------
// read_arff

TEST_CASE("read_arff: an ionosphere-shaped file (34 numeric attributes, class {b, g})") {
    const std::string path = data_dir + "ionosphere_like.arff";
    const Table table = read_arff(path);
    CHECK(table.rows() == 8);
    CHECK(table.columns() == 35);
    CHECK(table.column_names().front() == "a01");
    CHECK(table.column_names()[33] == "a34");
    CHECK(table.column_names().back() == "class");
    CHECK_FALSE(table.is_nominal("a01"));
    CHECK(table.is_nominal("class"));
    CHECK(table.categories("class") == std::vector<std::string>{"b", "g"});
    CHECK(values(table, "class") == std::vector<double>{1, 0, 1, 0, 1, 0, 1, 0});
    CHECK(values(table, "a03")[0] == 0.15135);
    CHECK(values(table, "a34")[7] == -0.12607);
    CHECK(table.source_line(0) == 45);
    for (const std::string& name : table.column_names()) CHECK(table.missing_count(name) == 0);

    const auto data = table.to_dataset<34, 1>({"class"});
    REQUIRE(data.size() == 8);
    CHECK(data.x[1][3] == 0.95758f);
    CHECK(data.y[1][0] == 0.f);
    // The card's model takes 33 features: drop a02 (always 0 in ionosphere).
    const auto card = table.drop("a02").to_dataset<33, 1>({"class"});
    CHECK(card.x[0][1] == 0.15135f);
}

TEST_CASE("read_arff: keywords in any case, quoted names and values, escapes, comments, missing values") {
    const Table table = read_arff(data_dir + "weka_features.arff");
    CHECK(table.column_names() == std::vector<std::string>{"sepal length", "count", "colour", "class"});
    CHECK(table.rows() == 3);
    const auto sepal = values(table, "sepal length");
    CHECK(sepal[0] == 5.1);
    CHECK(is_nan(sepal[1]));
    CHECK(sepal[2] == 6.0);
    CHECK(table.missing_count("count") == 1);
    CHECK(table.categories("colour") == std::vector<std::string>{"red", "light blue", "dark\"green"});
    CHECK(values(table, "colour") == std::vector<double>{0, 1, 2});
    CHECK(table.categories("class") == std::vector<std::string>{"yes", "no"});
    CHECK(table.missing_count("class") == 1);
    CHECK(table.source_line(2) == 16);

    TempDir dir;
    const Table crlf = read_arff(dir.file("c.arff", "@relation r\r\n@attribute x numeric\r\n@data\r\n1\r\n2\r\n"));
    CHECK(values(crlf, "x") == std::vector<double>{1, 2});
}

TEST_CASE("read_arff: an unknown nominal value names the value, line and attribute, and lists the allowed ones") {
    TempDir dir;
    const std::string path =
        dir.file("n.arff", "@relation r\n@attribute x numeric\n@attribute class {b, g}\n@data\n1,b\n2,x\n");
    CHECK(error_of([&] { (void)read_arff(path); }) ==
          "ctnn: read_arff: " + path +
              ", line 6, column 2 (attribute \"class\"): \"x\" is not one of the attribute's values; expected \"b\", "
              "\"g\", or ? for a missing value");
}

TEST_CASE("read_arff: string, date, relational, sparse rows and weights are not supported") {
    TempDir dir;
    const std::string string_type = dir.file("s.arff", "@relation r\n@attribute text string\n@data\n'a'\n");
    CHECK(error_of([&] { (void)read_arff(string_type); }) ==
          "ctnn: read_arff: " + string_type +
              ", line 2, column 17: attribute \"text\" is of type string, which read_arff does not support; expected "
              "numeric, real, integer or a list of values {a, b, ...}");
    const std::string date = dir.file("d.arff", "@relation r\n@ATTRIBUTE when DATE \"yyyy-MM-dd\"\n@data\n");
    CHECK(error_of([&] { (void)read_arff(date); }).find("line 2, column 17: attribute \"when\" is of type DATE, which "
                                                        "read_arff does not support") != std::string::npos);
    const std::string relational = dir.file("l.arff", "@relation r\n@attribute bag relational\n");
    CHECK(error_of([&] { (void)read_arff(relational); }).find("is of type relational, which read_arff does not") !=
          std::string::npos);
    const std::string sparse = dir.file("p.arff", "@relation r\n@attribute x numeric\n@data\n{0 1}\n");
    CHECK(error_of([&] { (void)read_arff(sparse); }) ==
          "ctnn: read_arff: " + sparse +
              ", line 4, column 1: sparse rows ({index value, ...}) are not supported by read_arff; expected "
              "comma-separated values");
    const std::string weight = dir.file("w.arff", "@relation r\n@attribute x numeric\n@data\n1, {2}\n");
    CHECK(error_of([&] { (void)read_arff(weight); }) ==
          "ctnn: read_arff: " + weight +
              ", line 4, column 4: instance weights ({weight} after the values) are not supported by read_arff; "
              "expected the end of the line");
}

TEST_CASE("read_arff: errors in data rows") {
    TempDir dir;
    const std::string header = "@relation r\n@attribute a numeric\n@attribute b numeric\n@data\n";
    auto error_for = [&](const std::string& rows) {
        const std::string path = dir.file("x.arff", header + rows);
        return error_of([&] { (void)read_arff(path); });
    };
    const std::string at = "ctnn: read_arff: " + dir / "x.arff";
    CHECK(error_for("1,2\n3\n") == at + ", line 6 has 1 value, expected 2 (one per @attribute)");
    CHECK(error_for("1,2,3\n") == at + ", line 5 has 3 values, expected 2 (one per @attribute)");
    CHECK(error_for("1,abc\n") ==
          at + ", line 5, column 2 (attribute \"b\"): \"abc\" is not a number; expected a number, or ? for a missing "
               "value");
    CHECK(error_for("1,\n") ==
          at + ", line 5, column 2 (attribute \"b\"): an empty value; expected a number, or ? for a missing value");
    CHECK(error_for("1e999,1\n") ==
          at + ", line 5, column 1 (attribute \"a\"): \"1e999\" is out of range; expected a number a double can hold "
               "(at most about 1.8e308)");
    CHECK(error_for("'1,2\n") ==
          at + ", line 5, column 1: a quoted value starts here and never ends on this line; expected a closing '");
    CHECK(error_for("1 2,3\n") == at + ", line 5, column 1 (attribute \"a\"): \"1 2\" is not a number; expected a "
                                       "number, or ? for a missing value");
    CHECK(error_for("'?',1\n").find("\"?\" is not a number") != std::string::npos);  // quoted ? is text
    CHECK(error_for("% only a comment\n\n") ==
          at + " has no rows of data after @data (line 4); expected at least one");
}

TEST_CASE("read_arff: errors in the header") {
    TempDir dir;
    auto error_for = [&](const std::string& text) {
        const std::string path = dir.file("h.arff", text);
        return error_of([&] { (void)read_arff(path); });
    };
    const std::string at = "ctnn: read_arff: " + dir / "h.arff";
    CHECK(error_for("") == at + " has no @attribute and no @data line (it is empty); expected an ARFF file: "
                                "@relation, @attribute lines, @data and rows");
    CHECK(error_for("a,b\n1,2\n") ==
          at + ", line 1, column 1: \"a,b\" is not a header line; expected @relation, @attribute, @data or a % "
               "comment");
    CHECK(error_for("@relation r\n@attribute x numeric\n") ==
          at + " has no @data line; expected @data after the 1 @attribute line");
    CHECK(error_for("@relation r\n@data\n1\n") ==
          at + ", line 2, column 1: @data comes before any @attribute; expected the attributes first");
    CHECK(error_for("@relation r\n  @atribute x numeric\n") ==
          at + ", line 2, column 3: unknown keyword \"@atribute\"; expected @relation, @attribute or @data");
    CHECK(error_for("@attribute x numbers\n") ==
          at + ", line 1, column 14: unknown type \"numbers\" for attribute \"x\"; expected numeric, real, integer "
               "or a list of values {a, b, ...}");
    CHECK(error_for("@attribute x\n") ==
          at + ", line 1, column 13: attribute \"x\" has no type; expected numeric, real, integer or a list of values "
               "{a, b, ...}");
    CHECK(error_for("@attribute\n") ==
          at + ", line 1, column 11: @attribute without a name; expected @attribute <name> <type>");
    CHECK(error_for("@attribute x numeric\n@attribute 'x' real\n") ==
          at + ", line 2, column 12: attribute \"x\" is declared twice; expected unique names");
    CHECK(error_for("@attribute c {}\n") ==
          at + ", line 1, column 15: attribute \"c\" has no values; expected at least one in {}");
    CHECK(error_for("@attribute c {a, b, a}\n") ==
          at + ", line 1, column 21: the value \"a\" is listed twice for attribute \"c\"; expected distinct values");
    CHECK(error_for("@attribute c {a, b\n") ==
          at + ", line 1, column 14: the list of values of attribute \"c\" starts here and never ends on this line; "
               "expected }");
    CHECK(error_for("@attribute c {a,,b}\n") ==
          at + ", line 1, column 17: an empty value in the list of attribute \"c\"; expected a value (quote it as '' "
               "if it is meant to be empty)");
    CHECK(error_for("@attribute 'c {a}\n") ==
          at + ", line 1, column 12: a quoted name starts here and never ends on this line; expected a closing '");
    CHECK(error_for("@attribute x numeric extra\n") ==
          at + ", line 1, column 22: \"extra\" follows the type of attribute \"x\"; expected the end of the line");
    CHECK(error_for("@attribute x numeric\n@data rows\n") ==
          at + ", line 2, column 7: \"rows\" follows @data; expected the rows on the lines after it");
}

// ---------------------------------------------------------------------------
// read_idx, write_idx

namespace {
std::string idx_bytes(unsigned type, std::vector<std::uint32_t> shape, const std::string& data) {
    std::string bytes{'\0', '\0', char(type), char(shape.size())};
    for (std::uint32_t size : shape)
        for (int shift = 24; shift >= 0; shift -= 8) bytes += char((size >> shift) & 0xFF);
    return bytes + data;
}
}  // namespace

TEST_CASE("read_idx: labels and images as MNIST writes them; write_idx writes the same bytes") {
    TempDir dir;
    const std::string labels = dir.file("labels", idx_bytes(0x08, {5}, std::string("\x07\x02\x01\x00\x04", 5)));
    CHECK(read_bytes(labels).substr(0, 8) == std::string("\x00\x00\x08\x01\x00\x00\x00\x05", 8));  // 0x00000801, 5
    const IdxArray l = read_idx(labels);
    CHECK(l.shape == std::vector<std::uint32_t>{5});
    CHECK(l.values == std::vector<std::uint8_t>{7, 2, 1, 0, 4});

    std::string pixels;
    for (int i = 0; i < 2 * 3 * 4; ++i) pixels += char(i * 10);
    const std::string images = dir.file("images", idx_bytes(0x08, {2, 3, 4}, pixels));
    const IdxArray m = read_idx(images);
    CHECK(m.shape == std::vector<std::uint32_t>{2, 3, 4});
    REQUIRE(m.values.size() == 24);
    CHECK(m.values[1 * 12 + 2 * 4 + 3] == 230);  // image 1, row 2, column 3: row-major

    write_idx(dir / "again", m);
    CHECK(read_bytes(dir / "again") == read_bytes(images));
    const IdxArray back = read_idx(dir / "again");
    CHECK(back.shape == m.shape);
    CHECK(back.values == m.values);

    const IdxArray empty = read_idx(dir.file("empty", idx_bytes(0x08, {0, 28, 28}, "")));
    CHECK(empty.values.empty());
    CHECK(empty.shape == std::vector<std::uint32_t>{0, 28, 28});
}

TEST_CASE("read_idx: every check, and no allocation for a shape the file cannot back") {
    TempDir dir;
    auto error_for = [&](const std::string& bytes) {
        const std::string path = dir.file("x.idx", bytes);
        return error_of([&] { (void)read_idx(path); });
    };
    const std::string at = "ctnn: read_idx: " + dir / "x.idx";
    CHECK(error_for(std::string("\0\0\x08", 3)) ==
          at + " has 3 bytes, too short for an IDX file; expected at least the 4-byte magic number");
    CHECK(error_for("\x1f\x8b\x08\x00rest") ==
          at + " is gzip-compressed; expected an uncompressed IDX file (decompress it first, e.g. gunzip -k " +
              dir / "x.idx" + ")");
    CHECK(error_for("PK\x03\x04") ==
          at + " is not an IDX file: its magic number 0x504b0304 does not start with two zero bytes; expected "
               "0x00000801 (labels), 0x00000803 (images) or the like");
    CHECK(error_for(idx_bytes(0x0D, {1}, "abcd")) ==
          at + " has element type 0x0d (32-bit float), which read_idx does not read; expected 0x08 (unsigned byte)");
    CHECK(error_for(idx_bytes(0x42, {1}, "a")) ==
          at + " has element type 0x42, which is not an IDX type; expected 0x08 (unsigned byte)");
    CHECK(error_for(idx_bytes(0x08, {}, "a")) ==
          at + " declares 0 dimensions (magic number 0x00000800); expected at least 1");
    CHECK(error_for(idx_bytes(0x08, {60000, 28, 28}, "").substr(0, 10)) ==
          at + " is truncated: its header declares 3 dimensions (16 bytes) but the file has 10 bytes");
    CHECK(error_for(idx_bytes(0x08, {60000, 28, 28}, std::string(1000, 'x'))) ==
          at + " is truncated: the shape 60000 x 28 x 28 needs 47040000 bytes of data after the 16-byte header; the "
               "file has 1000");
    // 2^32-1 cubed does not fit in 64 bits: the check must not overflow, and
    // nothing is allocated for it.
    CHECK(error_for(idx_bytes(0x08, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, "abc")) ==
          at + " is truncated: the shape 4294967295 x 4294967295 x 4294967295 needs more than 2^64 bytes of data after "
               "the 16-byte header; the file has 3");
    CHECK(error_for(idx_bytes(0x08, {2, 3}, "1234567")) ==
          at + " has 1 byte after the 6 bytes of the shape 2 x 3; expected the file to end there");

    CHECK(error_of([&] { write_idx(dir / "w", {{2, 3}, {1, 2, 3}}); }) ==
          "ctnn: write_idx " + dir / "w" + ": the shape 2 x 3 has 6 elements but 3 values are given; expected as many");
    CHECK(error_of([&] { write_idx(dir / "w", {{}, {}}); }) ==
          "ctnn: write_idx " + dir / "w" + ": the shape has 0 dimensions; expected 1 to 255");
    CHECK_FALSE(fs::exists(dir / "w"));
    CHECK(error_of([&] { (void)read_idx(dir / "absent"); }) ==
          "ctnn: read_idx: cannot open " + dir / "absent" + ": No such file or directory");
}

// ---------------------------------------------------------------------------
// Damaged files: an Error or a table, never a crash, a hang or another exception.

TEST_CASE("damaged CSV, ARFF and IDX files give a ctnn::Error or a result, nothing else") {
    TempDir dir;
    const std::vector<std::string> seeds = {
        read_bytes(data_dir + "quoted.csv"),          read_bytes(data_dir + "header_comments.csv"),
        read_bytes(data_dir + "weka_features.arff"),  read_bytes(data_dir + "whitespace.txt"),
        idx_bytes(0x08, {2, 3}, "abcdef"),
    };
    const std::string alphabet = std::string(",;\"'\n\r\t {}%?@#\\0123456789.eE+-xN") + '\0' + '\xff';
    Rng rng(Seed{2024});
    int errors = 0, results = 0, others = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string bytes = seeds[std::size_t(round) % seeds.size()];
        const int edits = 1 + int(rng.uniform(0, 4));
        for (int e = 0; e < edits && !bytes.empty(); ++e) {
            const auto at = std::size_t(rng.uniform(0, double(bytes.size())));
            const char c = alphabet[std::size_t(rng.uniform(0, double(alphabet.size())))];
            switch (int(rng.uniform(0, 3))) {
                case 0: bytes[std::min(at, bytes.size() - 1)] = c; break;
                case 1: bytes.insert(bytes.begin() + std::ptrdiff_t(at), c); break;
                default: bytes.erase(std::min(at, bytes.size() - 1), 1); break;
            }
        }
        if (rng.uniform(0, 1) < 0.1) bytes.resize(std::size_t(rng.uniform(0, double(bytes.size()))));
        // A new file each round: rewriting one file in place makes ext4 flush it
        // to disk on every close (its protection for truncate-and-rewrite).
        const std::string path = dir.file("fuzz" + std::to_string(round), bytes);
        auto attempt = [&](auto&& read) {
            try {
                read();
                ++results;
            } catch (const Error&) {
                ++errors;
            } catch (...) {
                ++others;
            }
        };
        attempt([&] { (void)read_csv(path); });
        attempt([&] { (void)read_csv(path, {.separator = ' ', .header = false, .comment = '#'}); });
        attempt([&] { (void)read_arff(path); });
        attempt([&] { (void)read_idx(path); });
    }
    CHECK(others == 0);
    CHECK(errors > 0);
    CHECK(results > 0);
}

TEST_CASE("a file larger than memory is an error before anything is allocated") {
    // A sparse file (no disk used) as large as the memory this process may use.
    TempDir dir;
    const std::string path = dir / "huge.csv";
    std::ofstream(path).put('0');
    const std::uint64_t limit = detail::memory_limit();
    REQUIRE(limit < (std::uint64_t(1) << 50));  // physical memory at least bounds it
    fs::resize_file(path, limit);
    const std::string expected = " is " + std::to_string(limit) + " bytes, more than the " + std::to_string(limit) +
                                 " bytes of memory this process can use; expected a file that fits in memory";
    CHECK(error_of([&] { (void)read_csv(path); }) == "ctnn: read_csv: " + path + expected);
    CHECK(error_of([&] { (void)read_arff(path); }) == "ctnn: read_arff: " + path + expected);
    CHECK(error_of([&] { (void)read_idx(path); }) == "ctnn: read_idx: " + path + expected);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CTNN_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CTNN_TEST_SANITIZED 1
#endif
#endif

#ifndef CTNN_TEST_SANITIZED
TEST_CASE("data that outgrows memory while it is parsed is an error, not a crash") {
    // In a child process whose address space is capped 128 MB above its size:
    // the 32 MB file fits, its 16 M rows of doubles (128 MB and more) do not.
    // (Not under the sanitizers, whose shadow memory a cap would break.)
    TempDir dir;
    std::string zeros;
    for (int r = 0; r < (1 << 24); ++r) zeros += "0\n";
    const std::string path = dir.file("long.csv", zeros);
    zeros = std::string();
    std::fflush(nullptr);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        long pages = 0;
        if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
            if (std::fscanf(statm, "%ld", &pages) != 1) pages = 0;
            std::fclose(statm);
        }
        const rlim_t cap = rlim_t(pages) * rlim_t(::sysconf(_SC_PAGE_SIZE)) + (rlim_t(128) << 20);
        const struct rlimit limit {cap, cap};
        if (pages == 0 || ::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(10);
        try {
            (void)read_csv(path, {.header = false});
            ::_exit(11);  // read it all: the cap did not bite
        } catch (const Error& e) {
            ::_exit(std::string(e.what()).find("read_csv: " + path + ": not enough memory for its data") !=
                            std::string::npos
                        ? 0
                        : 12);
        } catch (...) {
            ::_exit(13);
        }
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);  // 11: no error; 12: another Error; 13: not an Error
}
#endif

// Loading speed: read_csv and read_arff of a generated 1,000,000-row x
// 10-column file (84 MB, numbers with up to 6 significant digits), in bytes/s
// and rows/s, against the floor: reading the same file into a std::string.
// Also Table::to_dataset<9, 1> of the table read, in rows/s.
// The files are written to the temporary directory at start-up (from the page
// cache thereafter, as for every benchmark here) and removed at exit.
// CTNN_BENCH_ROWS overrides the row count.
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <benchmark/benchmark.h>

#include <ctnn/data/arff.hpp>
#include <ctnn/data/csv.hpp>
#include <ctnn/core/random.hpp>

namespace {

constexpr std::size_t columns = 10;

struct Files {
    std::size_t rows = 1'000'000;
    std::string csv, arff;
    std::size_t csv_bytes = 0, arff_bytes = 0;
    double first_value = 0;  // for the start-up check

    Files() {
        if (const char* env = std::getenv("CTNN_BENCH_ROWS")) rows = std::strtoull(env, nullptr, 10);
        const auto dir = std::filesystem::temp_directory_path();
        const std::string stem = "ctnn-bench-loaders-" + std::to_string(::getpid());
        csv = (dir / (stem + ".csv")).string();
        arff = (dir / (stem + ".arff")).string();

        std::string header = "c0", arff_header = "@relation bench\n";
        for (std::size_t c = 1; c < columns; ++c) header += ",c" + std::to_string(c);
        for (std::size_t c = 0; c < columns; ++c) arff_header += "@attribute c" + std::to_string(c) + " numeric\n";
        std::string body;
        body.reserve(rows * columns * 10);
        ctnn::Rng rng(ctnn::Seed{1});
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t c = 0; c < columns; ++c) {
                const double v = rng.uniform(-100, 100);
                char buffer[32];
                const auto end = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::general, 6).ptr;
                if (r == 0 && c == 0) std::from_chars(buffer, end, first_value);
                body.append(buffer, end);
                body += c + 1 < columns ? ',' : '\n';
            }
        }
        write(csv, header + "\n" + body);
        write(arff, arff_header + "@data\n" + body);
        csv_bytes = std::filesystem::file_size(csv);
        arff_bytes = std::filesystem::file_size(arff);
    }
    ~Files() {
        std::remove(csv.c_str());
        std::remove(arff.c_str());
    }
    static void write(const std::string& path, const std::string& text) {
        std::ofstream(path, std::ios::binary).write(text.data(), std::streamsize(text.size()));
    }
};

const Files& files() {
    static const Files instance;
    return instance;
}

// bytes/s of the file (none for to_dataset, which reads no file) and rows/s.
void report(benchmark::State& state, std::size_t bytes) {
    if (bytes > 0) state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(bytes));
    state.counters["rows/s"] = benchmark::Counter(double(state.iterations()) * double(files().rows),
                                                  benchmark::Counter::kIsRate);
}

// The floor: the file's bytes into a std::string, nothing parsed.
void read_into_string(benchmark::State& state) {
    for (auto _ : state) {
        std::ifstream in(files().csv, std::ios::binary);
        std::string text(files().csv_bytes, '\0');
        in.read(text.data(), std::streamsize(text.size()));
        benchmark::DoNotOptimize(text.data());
    }
    report(state, files().csv_bytes);
}

void read_csv(benchmark::State& state) {
    for (auto _ : state) {
        ctnn::Table table = ctnn::read_csv(files().csv);
        benchmark::DoNotOptimize(table.column("c0").data());
    }
    report(state, files().csv_bytes);
}

void read_arff(benchmark::State& state) {
    for (auto _ : state) {
        ctnn::Table table = ctnn::read_arff(files().arff);
        benchmark::DoNotOptimize(table.column("c0").data());
    }
    report(state, files().arff_bytes);
}

void to_dataset(benchmark::State& state) {
    const ctnn::Table table = ctnn::read_csv(files().csv);
    for (auto _ : state) {
        auto data = table.to_dataset<9, 1>({"c9"});
        benchmark::DoNotOptimize(data.x.data());
    }
    report(state, 0);
}

}  // namespace

BENCHMARK(read_into_string)->Name("BM_Load_1Mx10/read_into_string")->Unit(benchmark::kMillisecond);
BENCHMARK(read_csv)->Name("BM_Load_1Mx10/read_csv")->Unit(benchmark::kMillisecond);
BENCHMARK(read_arff)->Name("BM_Load_1Mx10/read_arff")->Unit(benchmark::kMillisecond);
BENCHMARK(to_dataset)->Name("BM_Load_1Mx10/to_dataset<9,1>")->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
    // Start-up check: the loaders read what was written.
    const ctnn::Table csv = ctnn::read_csv(files().csv), arff = ctnn::read_arff(files().arff);
    if (csv.rows() != files().rows || csv.columns() != columns || csv.column("c0")[0] != files().first_value ||
        arff.rows() != files().rows || arff.column("c0")[0] != files().first_value) {
        std::fprintf(stderr, "loaders benchmark: the files did not read back as written\n");
        return 1;
    }
    std::printf("%zu rows x %zu columns: CSV %zu bytes, ARFF %zu bytes\n", files().rows, columns, files().csv_bytes,
                files().arff_bytes);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

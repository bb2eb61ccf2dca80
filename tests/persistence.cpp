// save/load: round trips (bit-identical blocks, same outputs), every load
// error on a written corrupt file, the model unchanged after a failed load,
// atomic writes and the messages of failed ones (the user's path and the
// cause, not the temporary file); export_header: exact literals.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <unistd.h>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

#include "support/error_of.hpp"
#include "support/reference.hpp"
#include "support/temp_dir.hpp"

using namespace ctnn;
namespace fs = std::filesystem;

namespace {

using Card = Sequential<Dense<33, 4, ReLU>, Dense<4, 4, ReLU>, Dense<4, 1, Sigmoid>>;
using WithState = BasicSequential<double, Dense<3, 5, Tanh>, BatchNormalization, Dropout<0.2>, Dense<5, 2>>;

using test::TempDir;
using test::read_bytes;
void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(bytes.size()));
}
using test::error_of;
template <class Model>
std::string load_error(Model& model, const std::string& path) {
    return error_of([&] { load(model, path); });
}
template <class Model>
void randomize(Model& model, unsigned seed) {
    Rng rng(Seed{seed});
    for (auto& v : model.parameters()) v = typename Model::value_type(rng.uniform(-1, 1));
    for (auto& v : model.state()) v = typename Model::value_type(rng.uniform(0.5, 2));
}

}  // namespace

TEST_CASE("save then load gives bit-identical blocks and outputs, float and double, with state") {
    TempDir dir;
    Card card(Seed{1}), card_back(Seed{2});
    randomize(card, 3);
    save(card, dir / "card.ctnn");
    load(card_back, dir / "card.ctnn");
    CHECK(std::ranges::equal(card.parameters(), card_back.parameters()));
    const auto x = test::random_inputs<float, 33>(1, 4)[0];
    CHECK(card(x) == card_back(x));

    WithState model(Seed{1}), back(Seed{9});
    randomize(model, 5);
    save(model, dir / "state.ctnn");
    load(back, dir / "state.ctnn");
    CHECK(std::ranges::equal(model.parameters(), back.parameters()));
    CHECK(std::ranges::equal(model.state(), back.state()));
    CHECK(model({0.1, 0.2, 0.3}) == back({0.1, 0.2, 0.3}));

    // The file is exactly the documented layout.
    const std::string bytes = read_bytes(dir / "card.ctnn");
    const std::string_view name = Card::name.view();
    CHECK(bytes.size() == 44 + name.size() + 161 * 4 + 4);
    CHECK(bytes.substr(0, 8) == "CTNNMODL");
    CHECK(bytes[8] == 1);
    CHECK(bytes[12] == 1);
    CHECK(bytes.substr(44, name.size()) == name);
    float first;
    std::memcpy(&first, bytes.data() + 44 + name.size(), 4);  // little-endian host
    CHECK(first == card.parameters()[0]);
    CHECK(detail::crc32("123456789") == 0xCBF43926u);  // the standard CRC-32 check value
}

TEST_CASE("load reports each problem, and leaves the model unchanged") {
    TempDir dir;
    Card card(Seed{1});
    randomize(card, 3);
    save(card, dir / "good.ctnn");
    const std::string good = read_bytes(dir / "good.ctnn");
    Card target(Seed{7});
    const std::vector<float> before(target.parameters().begin(), target.parameters().end());
    auto unchanged = [&] { return std::ranges::equal(before, target.parameters()); };

    write_bytes(dir / "text.ctnn", "epoch,loss\n1,0.5\n");
    CHECK(load_error(target, dir / "text.ctnn").find("not a ctnn model file") != std::string::npos);
    CHECK(load_error(target, dir / "missing.ctnn") ==
          "ctnn: load: cannot open " + dir / "missing.ctnn" + ": No such file or directory");
    CHECK(load_error(target, dir.path.string()) == "ctnn: load: " + dir.path.string() + " is a directory; expected a file");
    // A file larger than memory is refused before it is read (a sparse file).
    std::ofstream(dir / "huge.ctnn").put('C');
    fs::resize_file(dir / "huge.ctnn", detail::memory_limit());
    CHECK(load_error(target, dir / "huge.ctnn").find("bytes of memory this process can use") != std::string::npos);

    std::string version = good;
    version[8] = 2;
    write_bytes(dir / "v2.ctnn", version);
    CHECK(load_error(target, dir / "v2.ctnn").find("format version 2; this build of ctnn reads version 1") !=
          std::string::npos);

    for (std::size_t cut : {std::size_t{20}, good.size() / 2, good.size() - 1}) {
        write_bytes(dir / "short.ctnn", good.substr(0, cut));
        CAPTURE(cut);
        CHECK(load_error(target, dir / "short.ctnn").find("truncated") != std::string::npos);
    }
    write_bytes(dir / "long.ctnn", good + "x");
    CHECK(load_error(target, dir / "long.ctnn").find("data after the checksum") != std::string::npos);

    std::string flipped = good;
    flipped[good.size() - 20] ^= 0x10;  // a bit of the last parameters
    write_bytes(dir / "flipped.ctnn", flipped);
    CHECK(load_error(target, dir / "flipped.ctnn").find("checksum mismatch") != std::string::npos);

    BasicSequential<double, Dense<33, 4, ReLU>, Dense<4, 4, ReLU>, Dense<4, 1, Sigmoid>> in_double(Seed{1});
    save(in_double, dir / "double.ctnn");
    CHECK(load_error(target, dir / "double.ctnn")
              .find("holds double (binary64) values; this model is float (binary32)") != std::string::npos);

    // Counts that add up to the file's size but differ from the architecture's
    // (160 parameters and 1 state value, checksum recomputed): the message
    // lists the architecture's weights from the layers' manifests.
    std::string recounted = good;
    auto put64 = [&](std::size_t at, std::uint64_t v) {
        for (int b = 0; b < 8; ++b) recounted[at + b] = static_cast<char>(v >> (8 * b));
    };
    put64(28, 160);
    put64(36, 1);
    const std::uint32_t crc = detail::crc32(std::string_view(recounted).substr(0, recounted.size() - 4));
    for (int b = 0; b < 4; ++b) recounted[recounted.size() - 4 + b] = static_cast<char>(crc >> (8 * b));
    write_bytes(dir / "recounted.ctnn", recounted);
    CHECK(load_error(target, dir / "recounted.ctnn")
              .find("do not match the architecture's (161, 0), whose weights are:\n  dense/kernel (33, 4)\n  "
                    "dense/bias (4)\n  dense_1/kernel (4, 4)\n  dense_1/bias (4)\n  dense_2/kernel (4, 1)\n  "
                    "dense_2/bias (1)") != std::string::npos);

    Sequential<Dense<33, 8, ReLU>, Dense<8, 1, Sigmoid>> other(Seed{1});
    save(other, dir / "other.ctnn");
    const std::string message = load_error(target, dir / "other.ctnn");
    CHECK(message.find("another architecture") != std::string::npos);
    CHECK(message.find("file:  ctnn::Sequential<ctnn::Dense<33, 8, ctnn::ReLU>, ctnn::Dense<8, 1, ctnn::Sigmoid>>") !=
          std::string::npos);
    CHECK(message.find(std::string("model: ") + std::string(Card::name.view())) != std::string::npos);
    CHECK(message.find(dir / "other.ctnn") != std::string::npos);  // where
    CHECK(unchanged());
}

TEST_CASE("a failed save leaves the previous file intact and loadable") {
    TempDir dir;
    Card first(Seed{1}), second(Seed{2}), loaded(Seed{3});
    const std::string path = dir / "model.ctnn";
    save(first, path);
    // The temporary file cannot be created: a directory stands in its place.
    fs::create_directory(path + ".ctnn-tmp");
    CHECK(error_of([&] { save(second, path); }) ==
          "ctnn: save: cannot write " + path + ": Is a directory (a directory named " + path +
              ".ctnn-tmp is in the way); " + path + " was left as it was");
    fs::remove(path + ".ctnn-tmp");
    load(loaded, path);
    CHECK(std::ranges::equal(loaded.parameters(), first.parameters()));
    // The rename fails: the target is a directory. No temporary file is left behind.
    fs::create_directory(dir / "taken.ctnn");
    CHECK(error_of([&] { save(second, dir / "taken.ctnn"); }) ==
          "ctnn: save: cannot write " + dir / "taken.ctnn" + ": Is a directory (renaming the finished file over it "
          "failed); " + dir / "taken.ctnn" + " was left as it was");
    CHECK_FALSE(fs::exists(dir / "taken.ctnn.ctnn-tmp"));
    // Saving over an existing file replaces it.
    save(second, path);
    load(loaded, path);
    CHECK(std::ranges::equal(loaded.parameters(), second.parameters()));
}

TEST_CASE("a write that runs out of space leaves the previous file intact: save, export_header, to_csv") {
    // The temporary file is made a link to /dev/full, where every write fails
    // with ENOSPC, as on a full disk. (tests/full_disk/ does the same on a
    // real, small tmpfs, where the write fails part-way.)
    REQUIRE(fs::exists("/dev/full"));
    TempDir dir;
    Card first(Seed{1}), second(Seed{2}), loaded(Seed{3});
    History history;
    history.append(Logs{});
    const std::string model = dir / "model.ctnn", header = dir / "model.hpp", csv = dir / "history.csv";
    save(first, model);
    export_header(first, header, "card");
    history.to_csv(csv);
    for (const std::string& path : {model, header, csv}) {
        CAPTURE(path);
        const std::string before = read_bytes(path);
        fs::create_symlink("/dev/full", path + ".ctnn-tmp");
        const std::string message = error_of([&] {
            if (path == model) save(second, path);
            else if (path == header) export_header(second, path, "card");
            else history.to_csv(path);
        });
        const std::string what = path == model ? "save" : path == header ? "export_header" : "History::to_csv";
        CHECK(message == "ctnn: " + what + ": cannot write " + path + ": No space left on device; " + path +
                             " was left as it was");  // the user's file is the subject, not the temporary one
        CHECK(read_bytes(path) == before);
        CHECK_FALSE(fs::exists(fs::symlink_status(path + ".ctnn-tmp")));  // nothing left behind
    }
    load(loaded, model);
    CHECK(std::ranges::equal(loaded.parameters(), first.parameters()));
}

TEST_CASE("a failed write names the user's file and the cause, not the temporary file") {
    TempDir dir;
    Card model(Seed{1});
    History history;
    history.append(Logs{});
    const IdxArray labels{{2}, {1, 2}};
    // Every writer, to a path in a directory that does not exist.
    const std::string missing = dir / "no-such-directory";
    const auto write_all = [&](const std::string& stem) {
        return std::array<std::string, 4>{error_of([&] { save(model, stem + ".ctnn"); }),
                                          error_of([&] { export_header(model, stem + ".hpp", "card"); }),
                                          error_of([&] { history.to_csv(stem + ".csv"); }),
                                          error_of([&] { write_idx(stem + ".idx", labels); })};
    };
    const std::array<std::string, 4> whats = {"save", "export_header", "History::to_csv", "write_idx"};
    const std::array<std::string, 4> extensions = {".ctnn", ".hpp", ".csv", ".idx"};
    const auto no_directory = write_all(missing + "/m");
    for (std::size_t k = 0; k < 4; ++k) {
        const std::string path = missing + "/m" + extensions[k];
        CHECK(no_directory[k] == "ctnn: " + whats[k] + ": cannot write " + path +
                                     ": No such file or directory (there is no directory " + missing +
                                     "); nothing was written");
        CHECK(no_directory[k].find(".ctnn-tmp") == std::string::npos);
    }
    // A parent that is a file, not a directory.
    const std::string file = dir.file("plain-file", "x");
    CHECK(error_of([&] { save(model, file + "/m.ctnn"); }) ==
          "ctnn: save: cannot write " + file + "/m.ctnn: Not a directory (" + file +
              " is not a directory); nothing was written");
    // A relative path in the working directory: its directory is ".".
    CHECK(detail::directory_of("m.ctnn") == ".");
    CHECK(detail::directory_of("/m.ctnn") == "/");
    CHECK(detail::directory_of("a/b/m.ctnn") == "a/b");

    // A directory that cannot be written, though the file in it could be:
    // the temporary file goes beside it. (root writes anywhere: nothing to test.)
    const std::string locked = dir / "read-only";
    fs::create_directory(locked);
    save(model, locked + "/m.ctnn");
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    if (::geteuid() != 0) {
        for (std::size_t k = 0; k < 4; ++k) {
            const std::string path = locked + "/m" + extensions[k];
            const std::string message = write_all(locked + "/m")[k];
            CHECK(message == "ctnn: " + whats[k] + ": cannot write " + path +
                                 ": Permission denied (ctnn writes a temporary file in " + locked +
                                 ", then renames it over " + path + "); " +
                                 (k == 0 ? path + " was left as it was" : std::string("nothing was written")));
        }
    } else {
        MESSAGE("running as root: the read-only directory case is not testable");
    }
    fs::permissions(locked, fs::perms::owner_all);
}

TEST_CASE("export_header writes the model's type and exact hexadecimal literals") {
    TempDir dir;
    WithState model(Seed{1});
    randomize(model, 8);
    export_header(model, dir / "exported.hpp", "tiny");
    const std::string text = read_bytes(dir / "exported.hpp");
    CHECK(text.find("namespace tiny {") != std::string::npos);
    CHECK(text.find("#include <ctnn/core.hpp>") != std::string::npos);
    CHECK(text.find("using Model = " + std::string(WithState::name.view()) + ";") != std::string::npos);
    // Every literal reads back to the same bits, in order: parameters then state.
    std::vector<double> values;
    for (std::size_t at = text.find("0x"); at != std::string::npos; at = text.find("0x", at + 1)) {
        const bool negative = at > 0 && text[at - 1] == '-';
        const double v = std::strtod(text.c_str() + at, nullptr);
        values.push_back(negative ? -v : v);
    }
    REQUIRE(values.size() == WithState::parameter_count + WithState::state_count);
    for (std::size_t k = 0; k < WithState::parameter_count; ++k) CHECK(values[k] == model.parameters()[k]);
    for (std::size_t k = 0; k < WithState::state_count; ++k)
        CHECK(values[WithState::parameter_count + k] == model.state()[k]);
    CHECK_THROWS_WITH_AS(export_header(model, dir / "x.hpp", "not valid"), doctest::Contains("not a C++ identifier"),
                         Error);
}

// ---- Layer options: the spelling is the type, and files round-trip ---------------

namespace {
// Every option of today's layers, none at its default (Dropout's rate needs
// more digits than the old fixed nine decimals gave it).
using WithOptions =
    BasicSequential<double, Dense<3, 5, LeakyReLU::with<0.3>, DenseOptions{.use_bias = false}>,
                    BatchNormalization::with<BatchNorm{.momentum = 0.9, .epsilon = 1e-5, .center = false}>,
                    Dense<5, 4, ELU::with<0.5>>, BatchNormalization::with<BatchNorm{.scale = false}>,
                    Dropout<0.0123456789f>, Dense<4, 2, LeakyReLU>>;
// The same layers with default options: another architecture.
using WithDefaults = BasicSequential<double, Dense<3, 5, LeakyReLU>, BatchNormalization, Dense<5, 4, ELU>,
                                     BatchNormalization, Dropout<0.0123456789f>, Dense<4, 2, LeakyReLU>>;
}  // namespace

TEST_CASE("a model with layer options spells exactly its type, and save/load and export_header round-trip it") {
    constexpr std::string_view spelled =
        "ctnn::BasicSequential<double, "
        "ctnn::Dense<3, 5, ctnn::LeakyReLU::with<0.3f>, ctnn::DenseOptions{.use_bias = false}>, "
        "ctnn::BatchNormalization::with<ctnn::BatchNorm{.momentum = 0.9f, .epsilon = 1e-05f, .center = false}>, "
        "ctnn::Dense<5, 4, ctnn::ELU::with<0.5f>>, "
        "ctnn::BatchNormalization::with<ctnn::BatchNorm{.scale = false}>, "
        "ctnn::Dropout<0.012345679f>, "
        "ctnn::Dense<4, 2, ctnn::LeakyReLU>>";
    static_assert(WithOptions::name.view() == spelled);
    // The same text, as C++: what an exported header or a file's architecture string compiles to.
    static_assert(std::is_same_v<WithOptions,
                                 ctnn::BasicSequential<double,
                                     ctnn::Dense<3, 5, ctnn::LeakyReLU::with<0.3f>, ctnn::DenseOptions{.use_bias = false}>,
                                     ctnn::BatchNormalization::with<ctnn::BatchNorm{.momentum = 0.9f, .epsilon = 1e-05f, .center = false}>,
                                     ctnn::Dense<5, 4, ctnn::ELU::with<0.5f>>,
                                     ctnn::BatchNormalization::with<ctnn::BatchNorm{.scale = false}>,
                                     ctnn::Dropout<0.012345679f>,
                                     ctnn::Dense<4, 2, ctnn::LeakyReLU>>>);
    static_assert(WithOptions::parameter_count == 15 + 5 + 24 + 4 + 10);
    static_assert(WithOptions::state_count == 10 + 8);
    CHECK(weight_names<WithOptions>() ==
          std::vector<std::string>{"dense/kernel (3, 5)", "batch_normalization/gamma (5)",
                                   "batch_normalization/moving_mean (5)", "batch_normalization/moving_variance (5)",
                                   "dense_1/kernel (5, 4)", "dense_1/bias (4)", "batch_normalization_1/beta (4)",
                                   "batch_normalization_1/moving_mean (4)",
                                   "batch_normalization_1/moving_variance (4)", "dense_2/kernel (4, 2)",
                                   "dense_2/bias (2)"});

    TempDir dir;
    WithOptions model(Seed{1}), back(Seed{2});
    randomize(model, 6);
    save(model, dir / "options.ctnn");
    CHECK(read_bytes(dir / "options.ctnn").substr(44, spelled.size()) == spelled);
    load(back, dir / "options.ctnn");
    CHECK(std::ranges::equal(model.parameters(), back.parameters()));
    CHECK(std::ranges::equal(model.state(), back.state()));
    CHECK(model({0.1, -0.2, 0.3}) == back({0.1, -0.2, 0.3}));
    // The options are part of the architecture: the default layers do not load it.
    WithDefaults defaults(Seed{1});
    CHECK(load_error(defaults, dir / "options.ctnn").find("another architecture") != std::string::npos);

    export_header(model, dir / "options.hpp", "opts");
    const std::string text = read_bytes(dir / "options.hpp");
    CHECK(text.find("using Model = " + std::string(spelled) + ";") != std::string::npos);
    std::vector<double> values;
    for (std::size_t at = text.find("0x"); at != std::string::npos; at = text.find("0x", at + 1)) {
        const bool negative = at > 0 && text[at - 1] == '-';
        const double v = std::strtod(text.c_str() + at, nullptr);
        values.push_back(negative ? -v : v);
    }
    REQUIRE(values.size() == WithOptions::parameter_count + WithOptions::state_count);
    for (std::size_t k = 0; k < WithOptions::parameter_count; ++k) CHECK(values[k] == model.parameters()[k]);
    for (std::size_t k = 0; k < WithOptions::state_count; ++k)
        CHECK(values[WithOptions::parameter_count + k] == model.state()[k]);
}

// Compares the firmware's outputs with the host's. Both files have lines
//   out K BITS [BITS...]  [# decimals]
// (IEEE-754 single-precision bit patterns in hex; text after '#' and other
// lines are ignored). Every value must have the host's bits, or else be within
// 1e-6 of it (relative to max(1, |host|)), which is reported. Exits 0 when all
// values pass, 1 otherwise, and prints one PASS or FAIL line at the end.
// Usage: compare HOST_OUTPUTS FIRMWARE_OUTPUT
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Row {
    std::string index;
    std::vector<std::uint32_t> bits;
};

bool read_rows(const char* path, std::vector<Row>& rows) {
    std::ifstream in(path);
    if (!in) return false;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("out ", 0) != 0) continue;
        if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        std::istringstream fields(line.substr(4));
        Row row;
        fields >> row.index;
        std::string hex;
        while (fields >> hex) row.bits.push_back(static_cast<std::uint32_t>(std::stoul(hex, nullptr, 16)));
        rows.push_back(row);
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: compare HOST_OUTPUTS FIRMWARE_OUTPUT\n");
        return 2;
    }
    std::vector<Row> host, firmware;
    if (!read_rows(argv[1], host) || !read_rows(argv[2], firmware)) {
        std::printf("FAIL: cannot read %s or %s\n", argv[1], argv[2]);
        return 1;
    }
    if (host.empty() || host.size() != firmware.size()) {
        std::printf("FAIL: the host has %zu output lines, the firmware %zu\n", host.size(), firmware.size());
        return 1;
    }
    std::size_t values = 0, identical = 0, close = 0, wrong = 0;
    double largest = 0;
    for (std::size_t k = 0; k < host.size(); ++k) {
        const Row &h = host[k], &f = firmware[k];
        if (h.index != f.index || h.bits.size() != f.bits.size() || h.bits.empty()) {
            std::printf("FAIL: line %zu: host \"out %s\" with %zu values, firmware \"out %s\" with %zu\n", k,
                        h.index.c_str(), h.bits.size(), f.index.c_str(), f.bits.size());
            return 1;
        }
        for (std::size_t j = 0; j < h.bits.size(); ++j) {
            ++values;
            const float a = std::bit_cast<float>(h.bits[j]), b = std::bit_cast<float>(f.bits[j]);
            if (h.bits[j] == f.bits[j] || (std::isnan(a) && std::isnan(b))) {
                ++identical;
                continue;
            }
            const double difference = std::fabs(double(a) - double(b));
            const bool within = difference <= 1e-6 * std::fmax(1.0, std::fabs(double(a)));
            std::printf("%s: input %s output %zu: host %08x (%.9g), firmware %08x (%.9g), difference %.3g\n",
                        within ? "note" : "FAIL", h.index.c_str(), j, unsigned(h.bits[j]), double(a),
                        unsigned(f.bits[j]), double(b), difference);
            if (within) {
                ++close;
                largest = std::fmax(largest, difference);
            } else {
                ++wrong;
            }
        }
    }
    if (wrong) {
        std::printf("FAIL: %zu of %zu firmware outputs differ from the host's by more than 1e-6\n", wrong, values);
        return 1;
    }
    if (close)
        std::printf("PASS: %zu outputs for %zu inputs: %zu bit-identical to the host, %zu NOT bit-identical but "
                    "within 1e-6 (largest difference %.3g)\n",
                    values, host.size(), identical, close, largest);
    else
        std::printf("PASS: %zu outputs for %zu inputs, all bit-identical to the host\n", values, host.size());
    return 0;
}

// Compares the firmware's outputs with the host's. Both files have lines
//   out K BITS [BITS...]  [# decimals]
// (IEEE-754 single-precision bit patterns in hex; text after '#' and other
// lines are ignored). Every value must have the host's bits exactly (any NaN
// matches any NaN); each one that does not is printed with its difference in
// units in the last place. Exits 0 when all values match, 1 otherwise, and
// prints one PASS or FAIL line at the end.
// Usage: compare HOST_OUTPUTS FIRMWARE_OUTPUT
#include <bit>
#include <cmath>
#include <cstdlib>
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
    std::size_t values = 0, wrong = 0;
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
            if (h.bits[j] == f.bits[j] || (std::isnan(a) && std::isnan(b))) continue;
            ++wrong;
            // Distance in representable floats (same sign: the difference of the bit patterns).
            const long long steps = (h.bits[j] >> 31) == (f.bits[j] >> 31)
                                        ? std::llabs(static_cast<long long>(h.bits[j]) - static_cast<long long>(f.bits[j]))
                                        : -1;
            std::printf("FAIL: input %s output %zu: host %08x (%.9g), firmware %08x (%.9g), %lld ulp apart\n",
                        h.index.c_str(), j, unsigned(h.bits[j]), double(a), unsigned(f.bits[j]), double(b), steps);
        }
    }
    if (wrong) {
        std::printf("FAIL: %zu of %zu firmware outputs are not bit-identical to the host's\n", wrong, values);
        return 1;
    }
    std::printf("PASS: %zu outputs for %zu inputs, all bit-identical to the host\n", values, host.size());
    return 0;
}

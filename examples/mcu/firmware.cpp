// Runs the exported model on every input of the inputs header and prints each
// output as its IEEE-754 bit pattern (so the host can compare exactly) and as a
// decimal, through semihosting; exits 0. Output, one line per input:
//   out 3 3f1d2e4c  # 0.614001
// Options: -Dmodel_header, -Dmodel_namespace, -Dinputs_header (meson_options.txt).
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "model.hpp"
#include "semihosting.hpp"

#include CTNN_MCU_INPUTS_HEADER

namespace {

using mcu_inputs::inputs;
static_assert(std::tuple_size_v<std::remove_cvref_t<decltype(inputs[0])>> == mcu::Model::input_size,
              "the inputs header's rows must have the model's input width");

// A line of text, appended to; enough for a few outputs per line.
struct Line {
    char text[40 + 28 * mcu::Model::output_size];
    std::size_t size = 0;

    Line& operator<<(const char* s) noexcept {
        while (*s) text[size++] = *s++;
        return *this;
    }
    Line& unsigned_decimal(std::uint32_t v, std::size_t min_digits = 1) noexcept {
        char digits[10];
        std::size_t n = 0;
        do {
            digits[n++] = char('0' + v % 10);
            v /= 10;
        } while (v != 0 || n < min_digits);
        while (n) text[size++] = digits[--n];
        return *this;
    }
    Line& hex(std::uint32_t v) noexcept {
        for (int shift = 28; shift >= 0; shift -= 4) text[size++] = "0123456789abcdef"[(v >> shift) & 0xf];
        return *this;
    }
    // Six decimals, for humans (the bits are what the host compares); values too
    // big for the fixed-point conversion are shown by their bits only.
    Line& decimal(float v) noexcept {
        if (v != v) return *this << "nan";
        if (v < 0) {
            *this << "-";
            v = -v;
        }
        if (v > 3.4028235e38f) return *this << "inf";
        if (v >= 4.0e9f) return *this << "big";
        std::uint32_t whole = static_cast<std::uint32_t>(v);
        std::uint32_t micro = static_cast<std::uint32_t>((v - float(whole)) * 1e6f + 0.5f);
        if (micro >= 1000000) {
            ++whole;
            micro -= 1000000;
        }
        unsigned_decimal(whole) << ".";
        return unsigned_decimal(micro, 6);
    }
    void write() noexcept {
        text[size] = '\0';
        mcu::write(text);
        size = 0;
    }
};

}  // namespace

int main() {
    Line line;
    mcu::write("ctnn on Cortex-M4F: ");
    mcu::write(mcu::Model::name.c_str());
    (line << ", ").unsigned_decimal(inputs.size()) << " inputs\n";
    line.write();
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const float* x = inputs[k].data();
        asm volatile("" : "+r"(x));  // the compiler does not know which input runs
        const auto y = mcu::infer(x);
        (line << "out ").unsigned_decimal(k);
        for (float v : y) (line << " ").hex(std::bit_cast<std::uint32_t>(v));
        line << "  #";
        for (float v : y) (line << " ").decimal(v);
        (line << "\n").write();
    }
    (line << "done\n").write();
    return 0;
}

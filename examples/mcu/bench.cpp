// Measures, under QEMU, what one inference costs:
// - instructions: with `-icount shift=0` QEMU's virtual clock advances 1 ns per
//   instruction, and SysTick on the processor clock (25 MHz on mps2-an386) ticks
//   every 40 ns, so instructions = ticks x 40. Each input runs `repeats` times
//   and a call of an empty function with the same signature is subtracted
//   (calls, loop, loads of the result), so the figure is the forward pass alone.
//   A loop of known length is measured first as a check of the method.
// - stack: the stack below the caller is painted, one inference runs, and the
//   deepest word changed gives the bytes the inference used.
// Prints lines "key value" for scripts/mcu-footprint; exits 0.
#include <array>
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

volatile std::uint32_t* const syst_csr = reinterpret_cast<volatile std::uint32_t*>(0xE000E010);
volatile std::uint32_t* const syst_rvr = reinterpret_cast<volatile std::uint32_t*>(0xE000E014);
volatile std::uint32_t* const syst_cvr = reinterpret_cast<volatile std::uint32_t*>(0xE000E018);

constexpr std::uint32_t repeats = 256;
constexpr std::uint32_t instructions_per_tick = 40;  // 1 ns per instruction, 25 MHz clock

void print(const char* key, std::uint32_t value, const char* unit = "") noexcept {
    char text[16];
    std::size_t n = 0;
    do {
        text[n++] = char('0' + value % 10);
        value /= 10;
    } while (value);
    char line[64];
    std::size_t size = 0;
    while (*key) line[size++] = *key++;
    line[size++] = ' ';
    while (n) line[size++] = text[--n];
    while (*unit) line[size++] = *unit++;
    line[size++] = '\n';
    line[size] = '\0';
    mcu::write(line);
}

// SysTick counts down, 24 bits.
std::uint32_t elapsed(std::uint32_t start, std::uint32_t end) noexcept { return (start - end) & 0xFFFFFF; }

using Function = std::array<float, mcu::Model::output_size> (*)(const float*) noexcept;
volatile float sink;

__attribute__((noinline)) std::uint32_t ticks(Function f, const float* x) noexcept {
    const std::uint32_t start = *syst_cvr;
    for (std::uint32_t r = 0; r < repeats; ++r) {
        const float* input = x;
        asm volatile("" : "+r"(input));
        sink = f(input)[0];
    }
    return elapsed(start, *syst_cvr);
}

// A loop of exactly 2 x `n` instructions (subs, bne), the method's check.
__attribute__((noinline)) std::uint32_t known_loop_ticks(std::uint32_t n) noexcept {
    const std::uint32_t start = *syst_cvr;
    asm volatile(
        "1: subs %0, %0, #1\n"
        "   bne 1b\n"
        : "+r"(n));
    return elapsed(start, *syst_cvr);
}

constexpr std::uint32_t paint = 0xA5A5A5A5;
// 256 KB of the board's 4 MB: 4 KB (1,024 words) read exactly 4,096 bytes for
// the small CNN, whose inference needs more; a measurement that reaches the
// bottom of the painted words is reported as the whole region, so keep it
// well above any model measured here.
constexpr std::uint32_t painted_words = 65536;

// Paints `painted_words` words below this function's own frame.
__attribute__((noinline)) void paint_stack() noexcept {
    std::uint32_t* sp;
    asm volatile("mov %0, sp" : "=r"(sp));
    for (std::uint32_t* p = sp - painted_words; p < sp - 1; ++p) *reinterpret_cast<volatile std::uint32_t*>(p) = paint;
}

__attribute__((noinline)) std::uint32_t stack_used_by_inference(const float* x) noexcept {
    paint_stack();
    std::uint32_t* sp;
    asm volatile("mov %0, sp" : "=r"(sp));
    sink = mcu::infer(x)[0];
    std::uint32_t* p = sp - painted_words;
    while (p < sp && *reinterpret_cast<volatile std::uint32_t*>(p) == paint) ++p;
    return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(sp) - reinterpret_cast<std::uintptr_t>(p));
}

}  // namespace

extern "C" std::uint32_t __stack_top[];

int main() {
    *syst_rvr = 0xFFFFFF;
    *syst_cvr = 0;
    *syst_csr = 5;  // enable, processor clock, no interrupt

    constexpr std::uint32_t loop = 100000;
    print("check_loop_instructions", 2 * loop);
    print("check_loop_measured", known_loop_ticks(loop) * instructions_per_tick);

    // Instructions per inference, in tenths, for each input.
    std::uint32_t total = 0, least = ~0u, most = 0;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const std::uint32_t model = ticks(mcu::infer, inputs[k].data());
        const std::uint32_t nothing = ticks(mcu::infer_nothing, inputs[k].data());
        const std::uint32_t tenths = (model - nothing) * instructions_per_tick * 10 / repeats;
        total += tenths;
        least = tenths < least ? tenths : least;
        most = tenths > most ? tenths : most;
    }
    print("inputs", inputs.size());
    print("repeats_per_input", repeats);
    print("instructions_per_inference_mean_x10", total / inputs.size());
    print("instructions_per_inference_min_x10", least);
    print("instructions_per_inference_max_x10", most);

    std::uint32_t deepest = 0;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const std::uint32_t used = stack_used_by_inference(inputs[k].data());
        deepest = used > deepest ? used : deepest;
    }
    print("stack_bytes_inference", deepest);
    std::uint32_t* sp;
    asm volatile("mov %0, sp" : "=r"(sp));
    print("stack_bytes_main_frame_and_startup",
          static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(__stack_top) - reinterpret_cast<std::uintptr_t>(sp)));
    return 0;
}

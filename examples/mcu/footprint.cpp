// The smallest useful firmware: the model runs once on an input buffer (filled
// by a sensor driver on a real device; zeros here) and the result goes to a
// variable, with no output code at all. It exists to be measured
// (scripts/mcu-footprint); under QEMU it exits 0 through semihosting.
#include <array>
#include <cstddef>

#include "model.hpp"

float sensor[mcu::Model::input_size];                   // .bss: an input buffer
volatile float prediction[mcu::Model::output_size];     // .bss: where the result goes

int main() {
    const float* x = sensor;
    asm volatile("" : "+r"(x) : : "memory");  // its contents are not known at compile time
    const auto y = mcu::infer(x);
    for (std::size_t j = 0; j < y.size(); ++j) prediction[j] = y[j];
    return 0;
}

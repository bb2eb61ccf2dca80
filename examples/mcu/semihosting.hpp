// Arm semihosting, raw: the program asks the debugger (here QEMU, with
// -semihosting-config enable=on) for a service by executing `bkpt 0xab` with the
// operation in r0 and its argument in r1. No library, no printf.
#pragma once

#include <cstdint>

namespace mcu {

inline std::uint32_t semihost(std::uint32_t operation, const void* argument) noexcept {
    register std::uint32_t r0 asm("r0") = operation;
    register const void* r1 asm("r1") = argument;
    asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

// SYS_WRITE0: writes a NUL-terminated string to the host's console.
inline void write(const char* text) noexcept { semihost(0x04, text); }

// SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit: the host process exits
// with `status` (QEMU: exit(status)).
[[noreturn]] inline void exit(std::uint32_t status) noexcept {
    const std::uint32_t block[2] = {0x20026, status};
    semihost(0x20, block);
    for (;;) asm volatile("");  // not reached under a debugger that honours the request
}

}  // namespace mcu

// Bare-metal start of a Cortex-M4F program, with nothing from a C runtime:
// the vector table, a reset handler that turns the FPU on before any
// floating-point instruction, copies .data from flash, zeroes .bss, runs static
// constructors and calls main(), and one handler for every other exception that
// ends the program through semihosting with status 100 + exception number
// (HardFault 103, MemManage 104, BusFault 105, UsageFault 106), so a fault
// fails a test instead of hanging it. Symbols come from mps2-an386.ld.
#include <cstdint>

#include "semihosting.hpp"

extern "C" {
extern std::uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern std::uint32_t __stack_top[];
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
int program_main() asm("main");  // main() itself may not be called in C++
[[noreturn]] void reset_handler();
[[noreturn]] void mcu_start();
[[noreturn]] void fault_handler();
}

// Reset: CPACR (0xE000ED88) bits 20-23 give CP10 and CP11, the FPU, full access.
// Written in assembly because the compiler may use FPU registers in any C++
// function (a copy loop, a spill), which would fault while the FPU is off.
extern "C" [[noreturn]] __attribute__((naked)) void reset_handler() {
    asm volatile(
        "movw r0, #0xED88\n"
        "movt r0, #0xE000\n"
        "ldr r1, [r0]\n"
        "orr r1, r1, #(0xF << 20)\n"
        "str r1, [r0]\n"
        "dsb\n"
        "isb\n"
        "b mcu_start\n");
}

// Plain loops: no memcpy/memset (the pattern is kept from becoming a library call).
extern "C" [[noreturn]] __attribute__((used, optimize("no-tree-loop-distribute-patterns"))) void mcu_start() {
    const std::uint32_t* from = __data_load;
    for (std::uint32_t* to = __data_start; to < __data_end;) *to++ = *from++;
    for (std::uint32_t* to = __bss_start; to < __bss_end;) *to++ = 0;
    for (auto init = __init_array_start; init < __init_array_end; ++init) (*init)();
    mcu::exit(static_cast<std::uint32_t>(program_main()));
}

// Any exception but reset: which one is in IPSR.
extern "C" [[noreturn]] void fault_handler() {
    std::uint32_t ipsr;
    asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    mcu::exit(100 + (ipsr & 0x1ff));
}

namespace {
struct VectorTable {
    std::uint32_t* initial_stack;
    void (*handlers[15])();
};
}  // namespace

// The 16 system entries; this firmware enables no interrupt, so no IRQ entries.
extern "C" __attribute__((section(".vectors"), used)) const VectorTable vector_table = {
    __stack_top,
    {reset_handler,  // 1 reset
     fault_handler, fault_handler, fault_handler, fault_handler, fault_handler,  // 2 NMI .. 6 UsageFault
     nullptr, nullptr, nullptr, nullptr,                                           // 7-10 reserved
     fault_handler, fault_handler, nullptr, fault_handler, fault_handler},        // 11 SVC, 12 DebugMon, 14 PendSV, 15 SysTick
};

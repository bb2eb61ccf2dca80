#!/usr/bin/env bash
# An exported model on a Cortex-M4F, compared with the host:
#   1. examples/mcu/export_card (host, scalar kernels) trains the card's model (on
#      the real Ionosphere data set when data/ionosphere.arff is there, or else
#      briefly on synthetic data of its shape), exports it, writes 16 inputs
#      and the host's outputs on them;
#   2. examples/mcu is cross-built with cross/cortex-m4f.ini around that model;
#   3. the firmware runs under qemu-system-arm (mps2-an386) and prints its
#      outputs' bit patterns through semihosting;
#   4. tests/mcu/compare.cpp checks them against the host's: bit-identical, or
#      within 1e-6 (said so in the output).
# Any problem prints a FAIL line and exits non-zero. Missing tools fail too (CI
# installs them): they are named with their Debian packages.
# Usage: run.sh SOURCE_ROOT WORK_DIR [HOST_CXX]   (WORK_DIR is emptied first)
set -u
source_root=$(cd "$1" && pwd) work=$2 cxx=${3:-g++}

fail() {
    echo "FAIL: $*"
    exit 1
}

missing=()
for tool in arm-none-eabi-g++:gcc-arm-none-eabi qemu-system-arm:qemu-system-arm meson:meson ninja:ninja-build \
    "$cxx":g++ timeout:coreutils; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool%%:*} (Debian package ${tool#*:})")
done
[ ${#missing[@]} -eq 0 ] || fail "missing ${missing[*]}; the Cortex-M toolchain is gcc-arm-none-eabi" \
    "libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib, the emulator qemu-system-arm"
# newlib's headers and C++ library are separate packages from the compiler.
printf '#include <array>\n#include <cmath>\n' | arm-none-eabi-g++ -std=c++20 -x c++ -fsyntax-only - 2>/dev/null ||
    fail "arm-none-eabi-g++ cannot compile <array> and <cmath>: install libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib"

rm -rf "$work"
mkdir -p "$work/generated" || fail "cannot create $work"

# 1. The host side. The firmware runs the scalar kernels and fuses a * b + c
# (vfma); the host does the same with -DCTNN_NO_SIMD and, on x86, -mfma when
# the processor has it. Then the outputs can agree bit for bit.
host_flags=(-std=c++20 -O2 -DCTNN_NO_SIMD -Wall -Wextra -Wpedantic -Werror -I"$source_root/include")
fma=no
case $(uname -m) in
    x86_64 | i?86) grep -qw fma /proc/cpuinfo 2>/dev/null && host_flags+=(-mfma) && fma=yes ;;
    aarch64 | arm*) fma=yes ;;
esac
echo "host: $cxx ${host_flags[*]} (fused multiply-add: $fma)"
"$cxx" "${host_flags[@]}" "$source_root/examples/mcu/export_card.cpp" -o "$work/export_card" ||
    fail "examples/mcu/export_card.cpp does not compile"
"$cxx" -std=c++20 -O2 -Wall -Wextra -Werror "$source_root/tests/mcu/compare.cpp" -o "$work/compare" ||
    fail "tests/mcu/compare.cpp does not compile"
"$work/export_card" "$work/generated" "$source_root/data" || fail "export_card failed"

# 2. The firmware, cross-built as a user would.
meson setup "$work/build" "$source_root/examples/mcu" --cross-file "$source_root/cross/cortex-m4f.ini" --werror \
    -Dmodel_header="$work/generated/card_model.hpp" -Dmodel_namespace=card \
    -Dinputs_header="$work/generated/card_inputs.hpp" -Dctnn_include="$source_root/include" \
    >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; fail "meson setup of examples/mcu with cross/cortex-m4f.ini"; }
ninja -C "$work/build" card.elf >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "the firmware does not build"; }
arm-none-eabi-size "$work/build/card.elf"

# 3. On the emulated board. Semihosting writes to QEMU's stderr.
timeout 20 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native -kernel "$work/build/card.elf" >"$work/firmware.txt" 2>&1
status=$?
cat "$work/firmware.txt"
case $status in
    0) ;;
    124) fail "the firmware did not finish within 20 s under qemu-system-arm" ;;
    10[0-9] | 1[1-9][0-9]) fail "the firmware faulted: exception $((status - 100)) (3 HardFault, 4 MemManage, 5 BusFault, 6 UsageFault)" ;;
    *) fail "qemu-system-arm exited with status $status" ;;
esac
grep -qx "done" "$work/firmware.txt" || fail "the firmware's output does not end with \"done\""

# 4. Firmware against host.
echo "host outputs ($work/generated/host_outputs.txt):"
cat "$work/generated/host_outputs.txt"
"$work/compare" "$work/generated/host_outputs.txt" "$work/firmware.txt" || exit 1

#!/usr/bin/env bash
# Exported models on a Cortex-M4F, compared with the host. For each of four models:
#   - the card's (examples/mcu/export_card: trained on the real Ionosphere data
#     set when data/ionosphere.arff is there, or else briefly on synthetic data
#     of its shape; Dense ReLU, ReLU, Sigmoid);
#   - every layer and activation of <ctnn/core.hpp> on vectors
#     (examples/mcu/export_layers: Normalization, Dense with Linear, ReLU, ELU,
#     SELU, Swish, Sigmoid, Tanh, BatchNormalization, Dropout, Activation<Tanh>,
#     Dense with Softmax);
#   - rank2, the shapes and options on (steps, channels) samples
#     (examples/mcu/export_layers rank2: Input<8, 3>, Normalization and
#     BatchNormalization per channel, Dense on the last axis with LeakyReLU and
#     with ELU::with<0.5f> and DenseOptions{.use_bias = false},
#     BatchNormalization::with<BatchNorm{...}>, Activation<LeakyReLU::with<0.3f>>,
#     Dropout, Reshape<4, 8>, Flatten, Dense with Softmax);
#   - conv, a causal Conv1D stack (examples/mcu/export_layers conv: Input<32, 1>,
#     Normalization, Conv1D causal with dilations 1, 2, 4, 8 and Tanh,
#     BatchNormalization, MaxPooling1D, GlobalAveragePooling1D, Dense Softmax);
#   - conv2d, a small CNN whose second Conv2D (3x3, 8 -> 8) takes Winograd's
#     F(2x2, 3x3) (examples/mcu/export_layers conv2d);
# the steps are
#   1. the host program (scalar kernels) trains the model, exports it, writes
#      its inputs and the host's outputs on them;
#   2. examples/mcu is cross-built with cross/cortex-m4f.ini around that model;
#   3. arm-none-eabi-nm: the image must define no libm/newlib math function and
#      no errno (ctnn's exp, expm1, tanh and sqrt are its own);
#   4. the firmware runs under qemu-system-arm (mps2-an386) and prints its
#      outputs' bit patterns through semihosting;
#   5. tests/mcu/compare.cpp checks them against the host's: bit-identical.
# Any problem prints a FAIL line and exits non-zero. Missing tools fail too (CI
# installs them): they are named with their Debian packages.
# Usage: run.sh SOURCE_ROOT WORK_DIR [HOST_CXX] [card|layers|rank2|conv|conv2d]...   (WORK_DIR
# is emptied first; default: all the models)
set -u
source_root=$(cd "$1" && pwd) work=$2 cxx=${3:-g++}
shift $(($# < 3 ? $# : 3))
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(card layers rank2 conv conv2d)

fail() {
    echo "FAIL: $*"
    exit 1
}

missing=()
for tool in arm-none-eabi-g++:gcc-arm-none-eabi arm-none-eabi-nm:binutils-arm-none-eabi qemu-system-arm:qemu-system-arm meson:meson ninja:ninja-build \
    "$cxx":g++ timeout:coreutils; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool%%:*} (Debian package ${tool#*:})")
done
[ ${#missing[@]} -eq 0 ] || fail "missing ${missing[*]}; the Cortex-M toolchain is gcc-arm-none-eabi" \
    "libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib, the emulator qemu-system-arm"
# newlib's headers and C++ library are separate packages from the compiler.
printf '#include <array>\n#include <cmath>\n' | arm-none-eabi-g++ -std=c++20 -x c++ -fsyntax-only - 2>/dev/null ||
    fail "arm-none-eabi-g++ cannot compile <array> and <cmath>: install libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib"

rm -rf "$work"
mkdir -p "$work" || fail "cannot create $work"

# The host side. The firmware runs the scalar kernels and fuses a * b + c
# (vfma); the host does the same with -DCTNN_NO_SIMD and, on x86, -mfma when
# the processor has it (simd::fma is then __builtin_fmaf on both, and the
# functions of core/detail/exp.hpp are the same operations). Then the outputs can
# agree bit for bit.
host_flags=(-std=c++20 -O2 -DCTNN_NO_SIMD -Wall -Wextra -Wpedantic -Werror -I"$source_root/include")
fma=no
case $(uname -m) in
    x86_64 | i?86) grep -qw fma /proc/cpuinfo 2>/dev/null && host_flags+=(-mfma) && fma=yes ;;
    aarch64 | arm*) fma=yes ;;
esac
[ $fma = yes ] || fail "the host has no fused multiply-add: its scalar build cannot compute the firmware's bits"
echo "host: $cxx ${host_flags[*]} (fused multiply-add: $fma)"
"$cxx" -std=c++20 -O2 -Wall -Wextra -Werror "$source_root/tests/mcu/compare.cpp" -o "$work/compare" ||
    fail "tests/mcu/compare.cpp does not compile"

# libm and newlib math functions (float and double forms), their internals,
# and errno: none may be in a firmware image.
libm='(exp|exp2|exp10|expm1|log|log2|log10|log1p|logb|pow|sqrt|cbrt|hypot|sin|cos|tan|asin|acos|atan|atan2|'\
'sinh|cosh|tanh|asinh|acosh|atanh|erf|erfc|tgamma|lgamma|fma|fmod|remainder|ldexp|frexp|scalbn|scalbln|modf|'\
'nearbyint|rint|lrint|round|lround|trunc|floor|ceil|copysign|nan|finite|isnan|isinf)[fl]?'
math_symbols="^($libm|__ieee754_.*|__kernel_.*|__math_.*|__fpclassify[fd]?|__isinf[fd]?|__isnan[fd]?|__errno|errno|_impure_ptr|_impure_data|__fdlib_version)$"

# check_model NAME EXPORTER [EXPORTER ARGUMENTS]: steps 1 to 5 for one model, in $work/NAME.
check_model() {
    local name=$1 exporter=$2 dir=$work/$1
    mkdir -p "$dir/generated"
    echo "== $name model (examples/mcu/$exporter.cpp)"
    # Built once for the models that share it (layers, rank2).
    if [ ! -x "$work/$exporter" ]; then
        "$cxx" "${host_flags[@]}" "$source_root/examples/mcu/$exporter.cpp" -o "$work/$exporter" ||
            fail "examples/mcu/$exporter.cpp does not compile"
    fi
    "$work/$exporter" "$dir/generated" "${@:3}" || fail "$exporter failed"

    meson setup "$dir/build" "$source_root/examples/mcu" --cross-file "$source_root/cross/cortex-m4f.ini" --werror \
        -Dmodel_header="$dir/generated/${name}_model.hpp" -Dmodel_namespace="$name" \
        -Dinputs_header="$dir/generated/${name}_inputs.hpp" -Dctnn_include="$source_root/include" \
        >"$dir/setup.log" 2>&1 || { cat "$dir/setup.log"; fail "meson setup of examples/mcu with cross/cortex-m4f.ini ($name)"; }
    ninja -C "$dir/build" card.elf footprint.elf >"$dir/build.log" 2>&1 ||
        { cat "$dir/build.log"; fail "the $name firmware does not build"; }
    arm-none-eabi-size "$dir/build/card.elf" "$dir/build/footprint.elf"

    local elf found
    for elf in card.elf footprint.elf; do
        found=$(arm-none-eabi-nm "$dir/build/$elf" | awk '{ print $NF }' | grep -E "$math_symbols" | sort -u | tr '\n' ' ')
        [ -z "$found" ] || fail "the $name firmware ($elf) links libm/newlib math or errno: $found"
    done
    echo "no libm/newlib math function and no errno in card.elf and footprint.elf"

    # Semihosting writes to QEMU's stderr.
    timeout 20 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native -kernel "$dir/build/card.elf" >"$dir/firmware.txt" 2>&1
    local status=$?
    cat "$dir/firmware.txt"
    case $status in
        0) ;;
        124) fail "the $name firmware did not finish within 20 s under qemu-system-arm" ;;
        10[0-9] | 1[1-9][0-9]) fail "the $name firmware faulted: exception $((status - 100)) (3 HardFault, 4 MemManage, 5 BusFault, 6 UsageFault)" ;;
        *) fail "qemu-system-arm exited with status $status ($name)" ;;
    esac
    grep -qx "done" "$dir/firmware.txt" || fail "the $name firmware's output does not end with \"done\""

    echo "host outputs ($dir/generated/host_outputs.txt):"
    cat "$dir/generated/host_outputs.txt"
    "$work/compare" "$dir/generated/host_outputs.txt" "$dir/firmware.txt" || fail "$name: firmware and host differ"
}

for model in "${models[@]}"; do
    case $model in
        card) check_model card export_card "$source_root/data" ;;
        layers) check_model layers export_layers layers ;;
        rank2) check_model rank2 export_layers rank2 ;;
        conv) check_model conv export_layers conv ;;
        conv2d) check_model conv2d export_layers conv2d ;;
        *) fail "unknown model $model (card, layers, rank2, conv, conv2d)" ;;
    esac
done
echo "PASS: ${models[*]}: bit-identical to the host, no libm"

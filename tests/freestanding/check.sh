#!/usr/bin/env bash
# The core stays microcontroller-safe: compiles a model against <ctnn/core.hpp>
# with -fno-exceptions -fno-rtti and checks that the object needs no heap, no
# exception support, no iostream and no libm (math functions or errno). With "cortex-m4" it cross-compiles for a
# Cortex-M4F with arm-none-eabi-g++, where the system's /usr/include must not be
# on the include path (glibc would shadow newlib): Boost.Hana is reached through
# a folder that holds only a `boost` link.
# Targets: host (scalar kernels, as on a microcontroller), host-simd (xsimd
# kernels), cortex-m4.
# Usage: check.sh COMPILER INCLUDE_DIR SOURCE [host|host-simd|cortex-m4]
set -u
compiler=$1 include_dir=$2 source=$3 target=${4:-host}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

flags=(-std=c++20 -Os -fno-exceptions -fno-rtti -Wall -Wextra -Wpedantic -Werror -I"$include_dir")
nm=nm
if [ "$target" = host ]; then
    flags+=(-DCTNN_NO_SIMD)
elif [ "$target" = host-simd ]; then
    flags+=(-march=native)
elif [ "$target" = cortex-m4 ]; then
    boost_root=$(printf '#include <boost/version.hpp>\n' | g++ -E -x c++ - 2>/dev/null |
        sed -n 's|^# [0-9]* "\(.*\)/boost/version.hpp".*|\1|p' | head -n 1)
    if [ -z "$boost_root" ]; then
        echo "FAIL: cannot find the system's Boost headers"
        exit 1
    fi
    mkdir -p "$work/hana"
    ln -s "$boost_root/boost" "$work/hana/boost"
    flags+=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -isystem "$work/hana")
    nm=arm-none-eabi-nm
else
    echo "FAIL: unknown target $target"
    exit 1
fi

if ! "$compiler" "${flags[@]}" -c "$source" -o "$work/model.o"; then
    echo "FAIL: $source does not compile for $target with ${flags[*]}"
    exit 1
fi
undefined=$("$nm" -u "$work/model.o")
forbidden=$(grep -E '_Znw|_Zna|malloc|calloc|realloc|__cxa_throw|__cxa_allocate_exception|_ZSt4cout|ios_base|typeinfo' <<<"$undefined")
if [ -n "$forbidden" ]; then
    echo "FAIL: the core needs symbols a microcontroller build must not:"
    echo "$forbidden"
    exit 1
fi
libm=$(awk '{ print $NF }' <<<"$undefined" | grep -E '^((exp|exp2|expm1|log|log2|log10|log1p|pow|sqrt|cbrt|hypot|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|fma|fmod|ldexp|frexp|scalbn)[fl]?|__errno|__errno_location|errno)$')
if [ -n "$libm" ]; then
    echo "FAIL: the core calls libm (ctnn's own exp, expm1, tanh and sqrt must be used):"
    echo "$libm"
    exit 1
fi
echo "PASS: <ctnn/core.hpp> model compiles for $target with -fno-exceptions -fno-rtti; undefined symbols:"
echo "$undefined"

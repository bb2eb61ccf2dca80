#!/usr/bin/env bash
# Compiles tests/simd_levels.cpp (every SIMD operation at every width, and a
# convolutional model) with -Werror at each x86 level: the baseline, SSE4.1,
# AVX, AVX2 with FMA, AVX-512F with FMA, Skylake-AVX512, on ctnn's own vectors
# and, for AVX-512, on xsimd::batch too. Compile only: the machine need not run them.
# Usage: simd_levels.sh COMPILER INCLUDE_DIR SOURCE
set -u
compiler=$1 include_dir=$2 source=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
# xsimd 8.1's AVX-512 batch needs AVX512DQ as well (its avx512f lane sum uses
# _mm512_extractf32x8_ps), hence a whole Skylake-AVX512 for that path.
for level in "" "-msse4.1" "-mavx" "-mavx2 -mfma" "-mavx512f -mfma" "-march=skylake-avx512" \
    "-march=skylake-avx512 -DCTNN_XSIMD_BATCH"; do
    # shellcheck disable=SC2086
    if "$compiler" -std=c++20 -O1 $level -Wall -Wextra -Wpedantic -Werror -I"$include_dir" -c "$source" \
        -o "$work/levels.o" 2>"$work/errors"; then
        echo "ok: ${level:-baseline}"
    else
        echo "FAIL: $source does not compile with ${level:-the baseline}:"
        head -n 20 "$work/errors"
        status=1
    fi
done
exit "$status"

#!/usr/bin/env bash
# The architecture, checked: the core side of ctnn (ctnn/core.hpp, ctnn/core/,
# ctnn/layers/, ctnn/activations/) is what a microcontroller compiles, so its
# headers include only each other, Boost.Hana, xsimd, SIMD intrinsics and the
# standard headers a freestanding build has (no heap, streams, strings or
# exceptions); never training (ctnn/train/), I/O (ctnn/io/) or data
# (ctnn/data/). Every header lives in one of those folders, or is one of the
# umbrellas at the top. The definitions of the compiled part (impl/*.ipp, which
# libctnn compiles once; io/detail/linkage.hpp) live in impl/ folders of the
# host side only: the core has no compiled part.
# Usage: layout.sh INCLUDE_DIR        check the headers
#        layout.sh --self-test INCLUDE_DIR
#                                     check that a copy with a core header that
#                                     includes the trainer and a layer that
#                                     includes <vector>, a stray header and
#                                     an .ipp in the core are refused
set -u
if [ "${1:-}" = --self-test ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    cp -r "$2/ctnn" "$work/ctnn"
    echo '#include "../train/trainer.hpp"' >>"$work/ctnn/core/shape.hpp"
    echo '#include <vector>' >>"$work/ctnn/layers/dense.hpp"
    touch "$work/ctnn/stray.hpp"
    mkdir -p "$work/ctnn/core/impl" && touch "$work/ctnn/core/impl/shape.ipp"
    output=$(bash "$0" "$work" 2>&1) && { echo "FAIL: the planted violations passed"; exit 1; }
    for expected in 'core/shape.hpp includes train/trainer.hpp' 'layers/dense.hpp includes <vector>' 'stray.hpp is in no' 'core/impl/shape.ipp: definitions'; do
        grep -qF "$expected" <<<"$output" || { echo "FAIL: not reported: $expected"; echo "$output"; exit 1; }
    done
    echo "PASS: the four planted violations are reported"
    exit 0
fi

root=$1/ctnn
freestanding='algorithm|array|bit|cassert|cmath|concepts|cstddef|cstdint|initializer_list|limits|numeric|span|string_view|type_traits|utility'
allowed_system="^(($freestanding)|boost/hana(/.*)?\.hpp|xsimd/.*\.hpp|[a-z0-9]*intrin\.h|arm_neon\.h)\$"
umbrellas='core.hpp|ctnn.hpp|train.hpp|io.hpp|data.hpp'
failed=0 count=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

while IFS= read -r path; do
    header=${path#"$root"/}
    count=$((count + 1))
    if [[ $header == *.ipp ]]; then
        [[ $header =~ ^(train|io|data)/(.*/)?impl/[^/]+\.ipp$ ]] ||
            fail "$header: definitions of the compiled part belong in an impl/ folder of train, io or data"
        continue
    fi
    case $header in
        core/* | layers/* | activations/* | core.hpp) core=1 ;;
        train/* | io/* | data/*) core=0 ;;
        *) [[ $header =~ ^($umbrellas)$ ]] || fail "$header is in no folder of the layout (core, layers, activations, train, io, data)"
           continue ;;
    esac
    [ "$core" = 1 ] || continue
    while IFS= read -r line; do
        if [[ $line =~ ^#include\ \"([^\"]+)\" ]]; then
            target=$(realpath -m --relative-to="$root" "$(dirname "$path")/${BASH_REMATCH[1]}")
            [[ $target =~ ^(core/|layers/|activations/) ]] ||
                fail "$header includes $target: the core includes only core, layers and activations"
        elif [[ $line =~ ^#include\ \<([^\>]+)\> ]]; then
            system=${BASH_REMATCH[1]}
            [[ $system =~ $allowed_system ]] ||
                fail "$header includes <$system>: not in the core's freestanding allowance ($freestanding, Boost.Hana, xsimd, intrinsics)"
        fi
    done < <(grep -E '^#include' "$path")
done < <(find "$root" -name '*.hpp' -o -name '*.ipp' | sort)
echo "$((count - failed)) of $count headers and .ipp files where the layout says (core: only core and freestanding headers)"
[ "$failed" -eq 0 ]

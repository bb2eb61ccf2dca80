#!/usr/bin/env bash
# Every public header compiles on its own (it includes what it uses), with
# -Wall -Wextra -Wpedantic -Werror. With "compiled", in the compiled part's
# mode (-DCTNN_COMPILED_LIB: the headers only declare the host code, libctnn
# defines it), where a header must still include what its declarations use.
# Usage: check_headers.sh COMPILER INCLUDE_DIR [compiled]
set -u
compiler=$1 include_dir=$2
mode=()
[ "${3:-}" = compiled ] && mode=(-DCTNN_COMPILED_LIB)
failed=0 count=0
while IFS= read -r header; do
    name=${header#"$include_dir"/}
    count=$((count + 1))
    if ! output=$(printf '#include <%s>\n#include <%s>\n' "$name" "$name" |
        "$compiler" -std=c++20 "${mode[@]}" -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$include_dir" -x c++ - 2>&1); then
        echo "FAIL: $name does not compile on its own:"
        echo "$output" | head -n 20
        failed=$((failed + 1))
    fi
done < <(find "$include_dir/ctnn" -name '*.hpp' | sort)
echo "$((count - failed)) of $count headers compile on their own (each included twice${mode:+, ${mode[*]}})"
[ "$failed" -eq 0 ]

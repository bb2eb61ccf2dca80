#!/usr/bin/env bash
# Compiles one compile-fail case and passes when the compiler rejects it with
# a message containing the case's expected text (its `// expect: ...` line).
# Usage: run.sh COMPILER INCLUDE_DIR CASE.cpp
set -u
compiler=$1 include_dir=$2 case_file=$3
expected=$(sed -n 's|^// expect: ||p' "$case_file" | head -n 1)
if [ -z "$expected" ]; then
    echo "FAIL: $case_file has no '// expect: ...' line"
    exit 1
fi
output=$("$compiler" -std=c++20 -fsyntax-only -I"$include_dir" "$case_file" 2>&1)
status=$?
if [ $status -eq 0 ]; then
    echo "FAIL: $case_file compiled, but it must not"
    exit 1
fi
if ! grep -qF -- "$expected" <<<"$output"; then
    echo "FAIL: the error for $case_file does not contain: $expected"
    echo "---- compiler output ----"
    echo "$output"
    exit 1
fi
errors=$(grep -c "error" <<<"$output")
echo "PASS: $(basename "$case_file") rejected with '$expected' ($errors error lines)"

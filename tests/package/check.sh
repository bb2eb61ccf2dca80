#!/usr/bin/env bash
# ctnn as users consume it: (1) installed, found with pkg-config, header-only
# (ctnn.pc) and with the compiled part (ctnn-compiled.pc, libctnn.a); (2) as a
# meson subproject through dependency('ctnn') and dependency('ctnn-compiled'),
# which meson.override_dependency serves.
# Usage: check.sh SOURCE_ROOT COMPILER
set -u
source_root=$1 compiler=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 1. install into a staging prefix, then compile with pkg-config's flags
meson setup "$work/build" "$source_root" --prefix="$work/prefix" -Dtests=false -Dexamples=false \
    -Dbenchmarks=disabled >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; fail "meson setup"; }
meson install -C "$work/build" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "meson install"; }
[ -f "$work/prefix/include/ctnn/ctnn.hpp" ] || fail "headers not installed"
pc_dir=$(dirname "$(find "$work/prefix" -name ctnn.pc | head -n 1)")
[ -n "$pc_dir" ] || fail "no ctnn.pc installed"
flags=$(PKG_CONFIG_PATH=$pc_dir pkg-config --cflags ctnn) || fail "pkg-config --cflags ctnn"
# shellcheck disable=SC2086
"$compiler" $flags "$source_root/tests/package/consumer/main.cpp" -o "$work/consumer" ||
    fail "compiling with pkg-config's flags: $flags"
"$work/consumer" || fail "the installed-package consumer returned $?"
echo "PASS: installed package, pkg-config --cflags ctnn = $flags"

# 1b. the host side, header-only and compiled (libctnn, pkg-config ctnn-compiled)
[ -n "$(find "$work/prefix" -name libctnn.a)" ] || fail "libctnn.a not installed"
compiled=$(PKG_CONFIG_PATH=$pc_dir pkg-config --cflags --libs ctnn-compiled) || fail "pkg-config --cflags --libs ctnn-compiled"
[[ $compiled == *-DCTNN_COMPILED_LIB* && $compiled == *-lctnn* ]] || fail "ctnn-compiled.pc gives $compiled"
# shellcheck disable=SC2086
"$compiler" $flags "$source_root/tests/package/consumer/host.cpp" -o "$work/host" ||
    fail "compiling the host consumer with pkg-config's flags: $flags"
CONSUMER_DIR=$work "$work/host" || fail "the header-only host consumer returned $?"
# shellcheck disable=SC2086
"$compiler" "$source_root/tests/package/consumer/host.cpp" $compiled -o "$work/host_compiled" ||
    fail "compiling the host consumer with pkg-config's flags: $compiled"
CONSUMER_DIR=$work "$work/host_compiled" || fail "the compiled host consumer returned $?"
# In compiled mode the definitions come from libctnn, not from the headers.
nm -C "$work/host_compiled" | grep -q " T ctnn::read_csv" || fail "read_csv is not libctnn's in the compiled consumer"
echo "PASS: installed package, host side header-only and with pkg-config --cflags --libs ctnn-compiled = $compiled"

# 2. as a subproject
mkdir -p "$work/project/subprojects"
cp "$source_root/tests/package/consumer/"* "$work/project/"
ln -s "$source_root" "$work/project/subprojects/ctnn"
meson setup "$work/sub" "$work/project" -Dctnn:tests=false -Dctnn:examples=false -Dctnn:benchmarks=disabled \
    >"$work/sub.log" 2>&1 || { cat "$work/sub.log"; fail "meson setup of a subproject consumer"; }
meson test -C "$work/sub" >"$work/subtest.log" 2>&1 || { cat "$work/subtest.log"; fail "subproject consumer"; }
echo "PASS: meson subproject, dependency('ctnn') and dependency('ctnn-compiled')"

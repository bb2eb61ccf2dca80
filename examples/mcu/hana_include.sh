#!/bin/sh
# Makes DIR a folder holding only a `boost` link to the build machine's Boost
# headers, so the cross compiler reaches Boost.Hana without /usr/include on its
# include path (glibc's headers there would shadow newlib's). Prints DIR.
# Usage: hana_include.sh DIR [BOOST_INCLUDE]; without BOOST_INCLUDE, asks the
# build machine's C++ compiler ($CXX_FOR_BUILD, c++ or g++) where boost is.
set -eu
dir=$1 root=${2:-}
if [ -z "$root" ]; then
    for cxx in ${CXX_FOR_BUILD:-} c++ g++ clang++; do
        command -v "$cxx" >/dev/null 2>&1 || continue
        root=$(printf '#include <boost/version.hpp>\n' | "$cxx" -E -x c++ - 2>/dev/null |
            sed -n 's|^# [0-9]* "\(.*\)/boost/version.hpp".*|\1|p' | head -n 1)
        [ -n "$root" ] && break
    done
fi
if [ -z "$root" ] || [ ! -f "$root/boost/hana.hpp" ]; then
    echo "cannot find Boost.Hana (boost/hana.hpp): install libboost-dev or pass -Dboost_include=DIR" >&2
    exit 1
fi
mkdir -p "$dir"
ln -sfn "$root/boost" "$dir/boost"
printf '%s' "$dir"

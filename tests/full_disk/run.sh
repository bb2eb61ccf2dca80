#!/usr/bin/env bash
# Runs save_on_full_disk on a 256 KiB tmpfs mounted in a mount namespace of
# its own (as root, or in a user namespace where the kernel allows them), so
# nothing outside sees it and it is gone when the test ends. Skips (77) where
# neither is allowed; tests/persistence.cpp checks the same promise with an
# injected ENOSPC (/dev/full) everywhere.
# Usage: run.sh SAVE_ON_FULL_DISK_PROGRAM
set -u
program=$1
dir=$(mktemp -d) || exit 1
trap 'rmdir "$dir"' EXIT
if unshare -m true 2>/dev/null; then
    namespace=(unshare -m)
elif unshare -rm true 2>/dev/null; then
    namespace=(unshare -rm)
else
    echo "SKIP: no mount namespace can be made here (not root, no user namespaces)"
    exit 77
fi
"${namespace[@]}" bash -c 'mount -t tmpfs -o size=256k ctnn-full-disk "$1" || { echo "SKIP: cannot mount a tmpfs"; exit 77; }
"$2" "$1"' _ "$dir" "$program"

#!/usr/bin/env bash
# The README's code that says it is a file (a line `<!-- file: PATH -->`
# before a ```cpp block) is that file, verbatim, so what the README shows is
# what the test suite compiles and runs. Usage: readme_examples.sh SOURCE_ROOT
set -u
root=$1
status=0 count=0
while IFS= read -r path; do
    count=$((count + 1))
    shown=$(awk -v marker="<!-- file: $path -->" '
        $0 == marker { found = 1; next }
        found == 1 && /^```/ { if (inside) exit; inside = 1; next }
        inside { print }' "$root/README.md")
    if ! diff <(printf '%s\n' "$shown") "$root/$path" >/dev/null; then
        echo "FAIL: the README's copy of $path differs from the file:"
        diff <(printf '%s\n' "$shown") "$root/$path" | head -n 20
        status=1
    fi
done < <(sed -n 's/^<!-- file: \(.*\) -->$/\1/p' "$root/README.md")
[ "$count" -gt 0 ] || { echo "FAIL: the README shows no example file"; exit 1; }
[ "$status" -eq 0 ] && echo "PASS: $count README example(s) match their files"
exit "$status"

#!/bin/bash
# checkpatch.sh KDIR SRCDIR: every kernel source file of ours is checkpatch --strict clean.
set -u
kdir=$1 src=$2
cd "$src" || exit 1
mapfile -t files < <(
	find kernel include/uapi -name '*.[ch]' ! -name '*.mod.c' | sort)
[ ${#files[@]} -gt 0 ] || { echo "no kernel sources yet"; exit 77; }
out=$(perl "$kdir/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
	--ignore FILE_PATH_CHANGES -f "${files[@]}" 2>&1 |
	grep -E ': (ERROR|WARNING|CHECK):')
if [ -n "$out" ]; then
	echo "$out"
	echo "checkpatch --strict: $(echo "$out" | wc -l) findings"
	exit 1
fi
echo "checkpatch --strict: ${#files[@]} files clean"

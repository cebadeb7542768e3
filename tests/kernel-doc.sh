#!/bin/bash
# kernel-doc.sh KDIR SRCDIR MODULE...: the kernel-doc comments of our kernel sources (the
# directories kernel/MODULE, and include/) give no warning with KDIR's scripts/kernel-doc
# at -Wall: every documented function, struct and member is described.
set -u
kdir=$1 src=$2
shift 2
cd "$src" || exit 1
mapfile -t files < <(
	find "${@/#/kernel/}" include -name '*.[ch]' ! -name '*.mod.c' | sort)
[ ${#files[@]} -gt 0 ] || { echo "no kernel sources yet"; exit 77; }
out=$("$kdir/scripts/kernel-doc" -none -Wall "${files[@]}" 2>&1)
if [ -n "$out" ]; then
	echo "$out"
	echo "kernel-doc -Wall: $(echo "$out" | wc -l) warnings"
	exit 1
fi
echo "kernel-doc -Wall: ${#files[@]} files clean"

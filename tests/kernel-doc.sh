#!/bin/bash
# kernel-doc.sh KDIR SRCDIR MODULE...: the kernel-doc comments of our kernel sources (the
# directories kernel/MODULE, and include/) give no warning with KDIR's scripts/kernel-doc
# at -Wall: every documented function, struct and member is described.
set -u
kdir=$1
shift
# shellcheck source=tests/kernel-sources.sh
. "$(dirname "$0")/kernel-sources.sh"
out=$("$kdir/scripts/kernel-doc" -none -Wall "${files[@]}" 2>&1)
if [ -n "$out" ]; then
	echo "$out"
	echo "kernel-doc -Wall: $(echo "$out" | wc -l) warnings"
	exit 1
fi
echo "kernel-doc -Wall: ${#files[@]} files clean"

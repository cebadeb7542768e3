#!/bin/bash
# SPDX-License-Identifier: MIT
# drm-p2p-symbols-check.sh LIBRARY SYMBOL_LIST: the dynamic symbols LIBRARY
# defines must be exactly those in SYMBOL_LIST (like libdrm's symbols-check).
set -eu
lib=$1
list=$2
nm=${NM:-nm}

actual=$(mktemp)
expected=$(mktemp)
trap 'rm -f "$actual" "$expected"' EXIT

"$nm" -D --defined-only --format=bsd "$lib" | awk '{ print $NF }' |
	grep -vxE '_init|_fini|_edata|_end|__bss_start' | sort -u > "$actual"
grep -vE '^(#|$)' "$list" | sort -u > "$expected"

ret=0
extra=$(comm -23 "$actual" "$expected")
missing=$(comm -13 "$actual" "$expected")
if [ -n "$extra" ]; then
	echo "exported but not in $(basename "$list"):"
	echo "$extra" | sed 's/^/  /'
	ret=1
fi
if [ -n "$missing" ]; then
	echo "in $(basename "$list") but not exported:"
	echo "$missing" | sed 's/^/  /'
	ret=1
fi
[ $ret = 0 ] && echo "$(wc -l < "$expected") symbols, as listed"
exit $ret

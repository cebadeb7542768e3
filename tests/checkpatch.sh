#!/bin/bash
# checkpatch.sh KDIR SRCDIR MODULE...: the kernel sources of ours that build against KDIR
# (the directories kernel/MODULE, and include/) are checkpatch --strict clean by the
# rules of KDIR's checkpatch.
set -u
kdir=$1
shift
# shellcheck source=tests/kernel-sources.sh
. "$(dirname "$0")/kernel-sources.sh"
check() {
	perl "$kdir/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES,MACRO_ARG_REUSE "$@" 2>&1 | grep -E ': (ERROR|WARNING|CHECK):'
}
code=() trace=()
for f in "${files[@]}"; do
	case "$f" in
	*_trace.h) trace+=("$f") ;;
	*) code+=("$f") ;;
	esac
done
# MACRO_ARG_REUSE is left out: iterator macros (for_each style) must name their cursor
# more than once, and that is the only place where it arises here.
# Tracepoint headers are written in the TRACE_EVENT macro language, whose layout
# checkpatch's C rules misread; every other rule still applies to them.
out=$( { check -f "${code[@]}"
	[ ${#trace[@]} = 0 ] || check --ignore OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT -f "${trace[@]}"; })
if [ -n "$out" ]; then
	echo "$out"
	echo "checkpatch --strict: $(echo "$out" | wc -l) findings"
	exit 1
fi
echo "checkpatch --strict: ${#files[@]} files clean"

#!/bin/bash
# kernel-sources.sh SRCDIR MODULE...: sourced by the kernel source checks.  Fills the
# array files with our kernel sources (the directories kernel/MODULE, and include/), or
# exits 77 (skip) when there are none yet.
cd "$1" || exit 1
shift
mapfile -t files < <(
	find "${@/#/kernel/}" include -name '*.[ch]' ! -name '*.mod.c' | sort)
[ ${#files[@]} -gt 0 ] || { echo "no kernel sources yet"; exit 77; }

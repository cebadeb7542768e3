#!/bin/bash
# kbuild-modules.sh KDIR SRCDIR OUTDIR SPARSE MODULE...
#
# Builds each module directory kernel/MODULE of SRCDIR with Kbuild against KDIR.  The
# sources are mirrored into OUTDIR/src so that the objects stay out of the source tree;
# each module gets the Module.symvers of those before it.  The .ko files end up in
# OUTDIR/MODULE/.  SPARSE other than 0 (the sparse binary to run) adds W=1 and sparse
# (C=1) and fails on any warning, and when Kbuild finds that sparse unusable.
set -euo pipefail
kdir=$1 src=$2 out=$3 sparse=$4
shift 4

[ -f "$kdir/Module.symvers" ] || { echo "kbuild-modules: $kdir is not a built kernel tree" >&2; exit 1; }
mkdir -p "$out/src"
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--exclude '*.mod*' --exclude '.*.d' --exclude 'Module.symvers' --exclude 'modules.order' \
	--exclude meson.build --exclude kbuild-modules.sh "$src/kernel/" "$out/src/kernel/"
rsync -a --delete "$src/include/" "$out/src/include/"

extra=()
flags=()
[ "$sparse" = 0 ] || flags=(W=1 C=1 CHECK="$sparse")
for m in "$@"; do
	dir=$out/src/kernel/$m
	[ -f "$dir/Makefile" ] || [ -f "$dir/Kbuild" ] || { echo "kbuild-modules: skipping $m (no Makefile yet)" >&2; continue; }
	log=$out/$m.log
	if ! make -s -C "$kdir" M="$dir" "${flags[@]}" KBUILD_EXTRA_SYMBOLS="${extra[*]:-}" \
		-j"$(nproc)" modules > "$log" 2>&1; then
		cat "$log" >&2
		echo "kbuild-modules: $m failed" >&2
		exit 1
	fi
	if [ "$sparse" != 0 ] && grep -E 'warning:|error:|sparse is not available' "$log" >&2; then
		echo "kbuild-modules: $m has warnings (W=1, sparse)" >&2
		exit 1
	fi
	mkdir -p "$out/$m"
	rm -f "$out/$m"/*.ko
	find "$dir" -name '*.ko' -exec cp {} "$out/$m/" \;
	extra+=("$dir/Module.symvers")
done
touch "$out/modules.stamp"

#!/bin/bash
# The guest log checker accepts clean logs (expected DMAR faults included) and refuses
# each kind of kernel error that must fail a test run.
set -u
checker=$1 logs=$2
status=0
expect() {
	local want=$1 dir=$2 got=0 tmp
	tmp=$(mktemp -d)
	cp "$logs/$dir"/* "$tmp/"
	"$checker" "$tmp" > "$tmp/out" 2>&1 || got=1
	if [ "$got" != "$want" ]; then
		echo "FAIL: $dir: checker returned $got, expected $want"; cat "$tmp/out"; status=1
	else
		echo "ok: $dir"
	fi
	rm -rf "$tmp"
}
expect 0 clean
expect 0 dmar
expect 1 warn
expect 1 lockdep
expect 1 dmaapi
expect 1 leak
expect 1 hung
expect 1 softlockup
expect 1 wqlockup
expect 1 rcustall
expect 1 killed
exit $status

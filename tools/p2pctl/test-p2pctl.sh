#!/bin/bash
# SPDX-License-Identifier: MIT
# test-p2pctl.sh P2PCTL: host checks of the CLI (usage, exit codes, output
# shape); the device paths are exercised in the guest.
set -u
p2pctl=$1
fails=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

expect() {	# expect RC ARGS...
	local want=$1
	shift
	"$p2pctl" "$@" > "$out" 2>&1
	local rc=$?
	if [ "$rc" = "$want" ]; then
		echo "ok: p2pctl $* -> $rc"
	else
		echo "FAIL: p2pctl $* -> $rc, want $want"
		sed 's/^/    | /' "$out"
		fails=$((fails + 1))
	fi
}
contains() {
	if grep -qE -- "$1" "$out"; then echo "ok: /$1/"; else
		echo "FAIL: no /$1/"; sed 's/^/    | /' "$out"; fails=$((fails + 1)); fi
}

expect 2
expect 0 --help
contains "^usage: p2pctl"
contains "xfer"
expect 2 bogus
expect 2 --bogus list
expect 0 list --help
expect 0 paths --help
expect 0 xfer --help
contains "--from"
expect 2 list extra-arg
expect 0 list
expect 0 --json list
contains '^\{"gpus": \['
expect 0 list --json
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out" && echo "ok: list json parses" ||
	{ echo "FAIL: list json"; fails=$((fails + 1)); }
expect 0 --json paths
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out" && echo "ok: paths json parses" ||
	{ echo "FAIL: paths json"; fails=$((fails + 1)); }
expect 2 xfer
expect 2 xfer --from 0 --to 1
expect 2 xfer --from 0 --to 1 --size 0
expect 2 xfer --from 0 --to 1 --size 1Q
expect 2 xfer --from x --to 1 --size 1M
expect 2 xfer --from 0 --to 1 --size 1M --pattern zz
expect 2 xfer --from 0 --to 1 --size 1M --pattern 0x123456789
expect 2 xfer --from 0 --to 1 --size 1M extra
expect 0 svm --help
contains "--owner"
expect 2 svm
expect 2 svm --owner 0
expect 2 svm --reader 1
expect 2 svm --owner 0 --reader 1 --size 0
expect 2 svm --owner 0 --reader 1 --size 1000
expect 2 svm --owner 0 --reader 1 --pattern 0x100000000
expect 2 svm --owner x --reader 1
expect 2 svm --owner 0 --reader 1 extra

# without any drm_p2p GPU (the host): a clean failure, in JSON too
if "$p2pctl" list | grep -q '^no drm_p2p GPU found'; then
	expect 1 xfer --from 0 --to 1 --size 4k
	contains "No such device"
	"$p2pctl" --json xfer --from 0 --to 1 --size 4k > "$out" 2>/dev/null
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["match"] is False and d["error"]' "$out" &&
		echo "ok: xfer error json" || { echo "FAIL: xfer error json"; fails=$((fails + 1)); }
	expect 1 svm --owner 0 --reader 1
	contains "No such device"
fi

echo "$fails failure(s)"
[ "$fails" = 0 ]

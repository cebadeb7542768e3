#!/bin/bash
# SPDX-License-Identifier: MIT
# test-p2pctl-device.sh P2PCTL: p2pctl against drm_p2p GPUs (run in the test VM
# by tools/vm/guest-tests).  Exit 0 pass, 77 skip (fewer than two GPUs), 1 fail.
set -u
p2pctl=$1
fails=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

fail() { echo "FAIL: $*"; sed 's/^/    | /' "$out"; fails=$((fails + 1)); }
run() {		# run RC ARGS...: p2pctl ARGS must exit with RC
	local want=$1
	shift
	"$p2pctl" "$@" > "$out" 2>&1
	local rc=$?
	if [ "$rc" = "$want" ]; then echo "ok: p2pctl $* -> $rc"; else fail "p2pctl $* -> $rc, want $want"; fi
}
# json_check TEXT PYTHON-EXPR: the JSON document in $out satisfies the expression over d
json_check() {
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$out" "$2" 2>/dev/null; then echo "ok: $1"; else fail "$1: $2"; fi
}

gpus=$("$p2pctl" --json list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["gpus"]))')
if [ "${gpus:-0}" -lt 2 ]; then
	echo "skip: ${gpus:-0} drm_p2p GPU(s), two needed"
	exit 77
fi

run 0 list
contains_gpu=$(grep -c '0000:' "$out")
[ "$contains_gpu" -ge 2 ] && echo "ok: list shows $contains_gpu GPUs" || fail "list shows the GPUs"
run 0 --json list
json_check "list: SVM slice and owner group of every GPU" \
	'all(g["svm_owner_group"] and g["svm_vram_size"] > 0 and g["svm_vram_used"] <= g["svm_vram_size"] for g in d["gpus"])'
same_group=$(python3 -c 'import json,sys; g=json.load(open(sys.argv[1]))["gpus"]; print(int(g[0]["svm_owner_group"] == g[1]["svm_owner_group"]))' "$out")

# SVM: 1 MiB in GPU 0's VRAM read by GPU 1, as the GPUs' owner groups allow
run 0 --json svm --owner 0 --reader 1 --size 1M
json_check "svm data" 'd["match"] and d["pages"] == 256 and d["migrated_to_owner_vram"] == 256'
json_check "svm peers as list shows the owner groups" "d['p2p_peers'] == bool($same_group)"
if python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["p2p_peers"] else 1)' "$out"; then
	json_check "svm peer: nothing moved" \
		'd["bytes_copied"] == 0 and d["still_in_owner_vram"] == 256 and d["reader_entries"]["peer"] == 256'
	json_check "svm peer: batched faults (one per 2 MiB range)" '1 <= d["fault_batches"] <= 2 and d["pages_faulted"] == 256'
	if [ "$(id -u)" = 0 ]; then
		json_check "svm peer: reader DMA address" 'int(d["reader_dma_addr"], 16) != 0'
	fi
else
	json_check "svm no peers: pages came back to RAM" \
		'd["bytes_copied"] == 1048576 and d["still_in_owner_vram"] == 0 and d["reader_entries"]["system"] == 256'
fi
# forced migration: a NO_PEER reader
run 0 --json svm --owner 0 --reader 1 --size 64k --no-peer
json_check "svm --no-peer migrates" \
	'd["match"] and not d["p2p_peers"] and d["bytes_copied"] == 65536 and d["reader_entries"]["system"] == 16'
run 0 svm --owner 1 --reader 0 --size 8k --pattern 0x01020304
grep -q ': match$' "$out" && echo "ok: text output" || fail "text output has the match line"
grep -q '^afterwards: ' "$out" && echo "ok: text output residency" || fail "text output residency"
# errors
run 2 svm --owner 0 --reader 0
grep -q 'same GPU' "$out" && echo "ok: same GPU refused" || fail "same GPU message"
run 1 svm --owner 0 --reader 99
grep -q 'No such device' "$out" && echo "ok: missing GPU" || fail "missing GPU message"

echo "$fails failure(s)"
[ "$fails" = 0 ]

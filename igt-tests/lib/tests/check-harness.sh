#!/bin/bash
# SPDX-License-Identifier: MIT
# check-harness.sh SCENARIO BINARY: run one harness self-test binary in the ways
# the scenario describes and check IGT's output lines and exit codes.
set -u
scenario=$1
bin=$2
fails=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

run() {		# run ARGS...: output to $out, exit code to $rc
	IGT_PLAIN_OUTPUT=1 "$bin" "$@" > "$out" 2>&1
	rc=$?
}
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; sed 's/^/    | /' "$out"; fails=$((fails + 1)); }
expect_rc() { [ "$rc" = "$1" ] && ok "exit $1 ($2)" || bad "exit $rc, expected $1 ($2)"; }
has() { grep -qxE -- "$1" "$out" && ok "line /$1/" || bad "no line /$1/"; }
hasnt() { grep -qE -- "$1" "$out" && bad "unexpected /$1/" || ok "no /$1/"; }
result() { has "$1 $2: $3 \([0-9]+\.[0-9]{3}s\)"; }

case $scenario in
basic)
	run
	expect_rc 98 "a subtest failed"
	has "fixture ran"
	has "Starting subtest: pass-a"
	result Subtest pass-a SUCCESS
	result Subtest fail-b FAIL
	has ".*CRITICAL: Failed assertion: value == 8"
	has ".*CRITICAL: error: 7 != 8"
	hasnt "not reached"
	result Subtest skip-c SKIP
	has "Test requirement: value == 8"
	result Subtest after-fail SUCCESS
	result Subtest fmt-7 SUCCESS
	hasnt "^\(.*\) DEBUG: debug line"
	has "Starting dynamic subtest: dyn-pass"
	result "Dynamic subtest" dyn-pass SUCCESS
	result "Dynamic subtest" dyn-fail FAIL
	has ".*CRITICAL: dyn-fail message 42"
	result "Dynamic subtest" dyn-skip SKIP
	result Subtest dynamic FAIL
	result Subtest dynamic-pass SUCCESS
	result Subtest dynamic-all-skip SKIP
	result Subtest group-skipped SKIP
	hasnt "Starting subtest: group-skipped"
	result Subtest after-group SUCCESS
	has "child 1 failed with exit status 98"
	result Subtest fork-fail FAIL
	result Subtest ioctl-err SUCCESS

	run --list-subtests
	expect_rc 0 "--list-subtests"
	printf '%s\n' pass-a fail-b skip-c after-fail fmt-7 dynamic dynamic-pass \
		dynamic-all-skip group-skipped after-group fork-fail ioctl-err | \
		diff -u - "$out" > /dev/null && ok "subtest list" || bad "subtest list"

	run --run-subtest pass-a
	expect_rc 0 "--run-subtest pass-a"
	result Subtest pass-a SUCCESS
	hasnt "fail-b"

	run --run-subtest 'pass-*,fmt-*'
	expect_rc 0 "--run-subtest with glob list"
	result Subtest pass-a SUCCESS
	result Subtest fmt-7 SUCCESS
	[ "$(grep -c '^Subtest ' "$out")" = 2 ] && ok "two subtests ran" || bad "two subtests ran"

	run --run-subtest '*,!fail-b,!fork-fail,!dynamic'
	expect_rc 0 "--run-subtest with negations"
	hasnt "fail-b"

	run --run-subtest skip-c
	expect_rc 77 "only a skipped subtest"

	run --run-subtest no-such-subtest
	expect_rc 79 "unknown subtest"
	has ".*Unknown subtest: no-such-subtest"

	run --run-subtest dynamic --dynamic-subtest dyn-pass
	expect_rc 0 "--dynamic-subtest dyn-pass"
	result "Dynamic subtest" dyn-pass SUCCESS
	hasnt "dyn-fail"
	result Subtest dynamic SUCCESS

	run --run-subtest fmt-7 --debug
	expect_rc 0 "--debug"
	has "\(harness_basic:[0-9]+\) DEBUG: debug line only with --debug"

	run --describe=pass-a
	expect_rc 0 "--describe"
	has "SUB pass-a .*harness_basic.c:[0-9]+:"
	has "  passes"

	run --no-such-option
	expect_rc 79 "bad option"
	;;
fixture_skip)
	run
	expect_rc 77 "everything skipped"
	has "Test requirement: false"
	has "no such hardware"
	result Subtest first SKIP
	result Subtest second SKIP
	hasnt "Starting subtest"
	run --list-subtests
	expect_rc 0 "listing does not run fixtures"
	hasnt "no such hardware"
	;;
fixture_fail)
	run
	expect_rc 98 "fixture failure"
	result Subtest before SUCCESS
	has ".*CRITICAL: Failed assertion: 1 == 0"
	has "Subtest first: FAIL \(0\.000s\)"
	has "Subtest second: FAIL \(0\.000s\)"
	;;
crash)
	run
	[ "$rc" = 139 ] && ok "died of SIGSEGV" || bad "exit $rc, expected 139"
	result Subtest ok SUCCESS
	result Subtest crash CRASH
	hasnt "never"
	;;
simple)
	run
	expect_rc 0 "simple test"
	has "SUCCESS \([0-9]+\.[0-9]{3}s\)"
	run --list-subtests
	expect_rc 79 "no subtests to list"
	;;
drm_open)
	run --device drm:/nonexistent
	expect_rc 77 "no such device"
	result Subtest version SKIP
	has "No known gpu found for chipset flags .*"
	IGT_FORCE_DRIVER=no-such-driver run
	expect_rc 77 "forced driver absent"
	;;
*)
	echo "unknown scenario $scenario"
	exit 2
	;;
esac

echo "$scenario: $fails failure(s)"
[ "$fails" = 0 ]

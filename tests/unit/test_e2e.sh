#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end test of the built tdx-quote binary: exit codes and messages.
# Needs no kernel: `show` works on files, and the device is pointed at a
# path that does not exist.
#
# Environment: TDX_QUOTE_BIN (default ../../tools/tdx-quote),
#              MKQUOTE (default ./mkquote).

BIN=${TDX_QUOTE_BIN:-../../tools/tdx-quote}
MKQUOTE=${MKQUOTE:-./mkquote}
TMP=$(mktemp -d /tmp/tdxq-e2e-XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0

ok() {
	passed=$((passed + 1))
	echo "ok   $1"
}

not_ok() {
	failed=$((failed + 1))
	echo "FAIL $1"
	head -n 20 "$TMP/out" "$TMP/err" | sed 's/^/     | /'
}

# expect NAME CODE [STDERR-TEXT] -- COMMAND...
expect() {
	name=$1 code=$2 text=
	shift 2
	if [ "$1" != "--" ]; then
		text=$1
		shift
	fi
	shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		echo "     exit code $rc, expected $code" >>"$TMP/err"
		not_ok "$name"
	elif [ -n "$text" ] && ! grep -qF -- "$text" "$TMP/err"; then
		echo "     stderr lacks: $text" >>"$TMP/err"
		not_ok "$name"
	else
		ok "$name"
	fi
}

if [ ! -x "$BIN" ] || [ ! -x "$MKQUOTE" ]; then
	echo "e2e: $BIN or $MKQUOTE not built"
	echo "0 passed, 1 failed"
	exit 1
fi

"$MKQUOTE" "$TMP/v4.bin" 4 || exit 1
"$MKQUOTE" "$TMP/v5.bin" 5 3 || exit 1
# corrupt: tee_type (offset 4) set to 0 (SGX); truncated: last byte cut
{ head -c 4 "$TMP/v4.bin"; printf '\000\000\000\000'; tail -c +9 "$TMP/v4.bin"; } >"$TMP/sgx.bin"
head -c $(($(wc -c <"$TMP/v4.bin") - 1)) "$TMP/v4.bin" >"$TMP/short.bin"
{ cat "$TMP/v4.bin"; printf 'x'; } >"$TMP/long.bin"

expect "show valid v4 quote"		0 -- "$BIN" show "$TMP/v4.bin"
grep -q '^  report_data          404142' "$TMP/out" && ok "show prints report_data" ||
	not_ok "show prints report_data"
expect "show valid v5 quote"		0 -- "$BIN" show "$TMP/v5.bin"
grep -q '^  mrservicetd ' "$TMP/out" && ok "show prints mrservicetd (v5, TD 1.5)" ||
	not_ok "show prints mrservicetd (v5, TD 1.5)"
expect "show from stdin"		0 -- sh -c '"$1" show - <"$2"' sh "$BIN" "$TMP/v4.bin"
expect "show corrupt tee_type"		4 "is not TDX" -- "$BIN" show "$TMP/sgx.bin"
expect "show truncated quote"		4 "exceeds remaining" -- "$BIN" show "$TMP/short.bin"
expect "show trailing garbage"		4 "trailing" -- "$BIN" show "$TMP/long.bin"
expect "show missing file"		5 "cannot open" -- "$BIN" show "$TMP/missing.bin"
expect "quote without module"		2 "is the tdx_quote module loaded" -- \
	env TDX_QUOTE_DEVICE=/nonexistent "$BIN" quote
expect "info without module"		2 "is the tdx_quote module loaded" -- \
	env TDX_QUOTE_DEVICE=/nonexistent "$BIN" info
expect "not a tdx_quote device"		3 "not a tdx_quote device" -- \
	env TDX_QUOTE_DEVICE=/dev/null "$BIN" info
expect "bad report data"		1 "odd number of hex digits" -- "$BIN" quote -d abc
expect "unknown command"		1 "unknown command" -- "$BIN" frobnicate
expect "--help"				0 -- "$BIN" --help
grep -q 'Exit status:' "$TMP/out" && ok "--help lists exit codes" ||
	not_ok "--help lists exit codes"
expect "--version"			0 -- "$BIN" --version
grep -Eq '^tdx-quote [0-9]' "$TMP/out" && ok "--version prints a version" ||
	not_ok "--version prints a version"

echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

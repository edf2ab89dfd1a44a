#!/bin/bash
# report.sh RESULTS.tsv - the kernel matrix of one `make check` as a table:
# one row per kernel, one column per step (tests/matrix/kernel.sh writes
# the lines: suite, kernel, compiler, step, pass/FAIL, seconds), "-" for a
# step that did not run; then the count of steps passed and failed. Exit
# status 1 if any step failed.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: ${0##*/} RESULTS.tsv" >&2; exit 2; }
[ -s "$1" ] || { echo "${0##*/}: $1: no matrix results" >&2; exit 1; }
awk -F'\t' '
	!($1 in seen) { seen[$1] = 1; order[++n] = $1; kver[$1] = $2; cc[$1] = $3 }
	{ res[$1, $4] = $5 " (" $6 " s)"; secs[$1] += $6; if ($5 == "pass") npass++; else nfail++ }
	END {
		fmt = "| %-7s | %-26s | %-12s | %-12s | %-12s | %-13s | %-12s | %6s |\n"
		printf fmt, "suite", "kernel", "compiler", "build W=1", "sparse", "VM suite", "DKMS package", "time"
		printf "|%s|%s|%s|%s|%s|%s|%s|%s|\n", "---------", "----------------------------", \
			"--------------", "--------------", "--------------", "---------------", "--------------", "--------"
		for (i = 1; i <= n; i++) {
			s = order[i]
			printf fmt, s, kver[s], cc[s], cell(s, "build"), cell(s, "sparse"), \
				cell(s, "vm"), cell(s, "dkms"), secs[s] " s"
		}
		printf "matrix: %d passed, %d failed\n", npass, nfail
		exit nfail > 0
	}
	function cell(s, step) { return ((s, step) in res) ? res[s, step] : "-" }
' "$1"

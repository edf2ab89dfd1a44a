#!/bin/bash
# make demo: boot the test VM with the simulated host, fetch a quote for a
# report data value of our choosing, show it parsed, and check that the
# quote carries that report data.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

# 64 bytes of report data: "tdx-quote demo" and the time, hex-encoded.
data=$(printf 'tdx-quote demo %s' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" |
	od -An -tx1 -v | tr -d ' \n')
hex=$(printf '%-128s' "$data" | tr ' ' 0)

exec tests/vm/run.sh --timeout 300 -m tdx_quote.ko -m tdx_quote_sim.ko \
	-a tools/tdx-quote:/usr/bin/tdx-quote -- "
set -e
modprobe tdx_quote host=sim
echo '### tdx-quote info'
tdx-quote info
echo '### tdx-quote quote -d $hex -o /tmp/quote.bin'
tdx-quote quote -d $hex -o /tmp/quote.bin
echo '### tdx-quote show /tmp/quote.bin'
tdx-quote show /tmp/quote.bin | tee /tmp/show.txt
if grep -q 'report_data *$hex' /tmp/show.txt; then
	echo '### demo: the quote carries the report data asked for'
else
	echo '### demo: report data MISMATCH'; exit 1
fi
modprobe -r tdx_quote
"

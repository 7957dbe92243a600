#!/bin/sh
# The understanding measured on the labelled message sets (tests/fixtures,
# README.md there), each through the real handler path by
# build/test/bin/accuracy (tests/accuracy/accuracy.c):
#   messages-dev.tsv     the first development set, arrival Wednesday
#                        2025-12-10 09:00, its dates and times from
#                        tests/appointment_accuracy/expected.tsv
#   messages-dev-r2.tsv  the second development set, arrival Thursday
#                        2027-01-14 10:00
#   messages-heldout.tsv with --heldout only: the held-out set, arrival
#                        Monday 2026-12-07 09:00
# Usage: tests/accuracy/run.sh [--heldout] [-v|-x] [--min SPEC] [ACCURACY]
#   (SPEC as accuracy's --min, for the development sets only; ACCURACY
#   defaults to build/test/bin/accuracy). Exit 1 when a set misses its
#   minimum.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
heldout=0
min=""
flags=""
bin="$top/build/test/bin/accuracy"
while [ $# -gt 0 ]; do
	case "$1" in
	--heldout) heldout=1 ;;
	-v | -x) flags="$flags $1" ;;
	--min) shift; min="$1" ;;
	*) bin="$1" ;;
	esac
	shift
done
cd "$top" || exit 2
rc=0
# shellcheck disable=SC2086
"$bin" $flags ${min:+--min "$min"} --at '2025-12-10 09:00' \
	--dates tests/appointment_accuracy/expected.tsv tests/fixtures/messages-dev.tsv || rc=1
# shellcheck disable=SC2086
"$bin" $flags ${min:+--min "$min"} --at '2027-01-14 10:00' tests/fixtures/messages-dev-r2.tsv || rc=1
if [ "$heldout" = 1 ]; then
	# shellcheck disable=SC2086
	"$bin" $flags --at '2026-12-07 09:00' tests/fixtures/messages-heldout.tsv || rc=1
fi
exit $rc

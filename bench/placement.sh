#!/bin/sh
# Build and run the placement benchmark; prints Markdown tables.
#
#   bench/placement.sh [BUILDDIR] [--hostile] [-- placement-bench options]
#
# BUILDDIR is a configured build tree (default: the current directory if
# it has a Makefile, else the source tree).  --hostile runs the hostile
# request set (placement-bench -H: auto:N with N in the thousands, 16-type
# requests, 1,000-10,000 nodes; every round printed) instead of the usual
# tables.  Options after -- go to placement-bench (-r REQUESTS,
# -q INSTANCES, -s SEED, -m MAXCOUNT, -w WORK; with --hostile: -R ROUNDS,
# -c CALLS, -U FACTOR, -C CASE).
set -eu

builddir=.
hostile=
if [ $# -gt 0 ] && [ "$1" != "--" ] && [ "$1" != "--hostile" ]; then
	builddir=$1
	shift
fi
if [ $# -gt 0 ] && [ "$1" = "--hostile" ]; then
	hostile=-H
	shift
fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
if [ ! -f "$builddir/Makefile" ]; then
	builddir=$(cd "$(dirname "$0")/.." && pwd)
fi
if [ ! -f "$builddir/Makefile" ]; then
	echo "placement.sh: no configured build tree; run configure first" >&2
	exit 2
fi

make -C "$builddir" -s bench/placement-bench >&2
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
	head -n 1)
echo "placement-bench on ${cpu:-unknown CPU}, $(date -u +%Y-%m-%d)"
echo
exec "$builddir/bench/placement-bench" $hostile "$@"

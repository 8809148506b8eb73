#!/bin/sh
# Build and run the placement benchmark; prints a Markdown table.
#
#   bench/placement.sh [BUILDDIR] [-- placement-bench options]
#
# BUILDDIR is a configured build tree (default: the current directory if
# it has a Makefile, else the source tree).  Options after -- go to
# placement-bench (-r REQUESTS, -q INSTANCES, -s SEED).
set -eu

builddir=.
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
	builddir=$1
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
exec "$builddir/bench/placement-bench" "$@"

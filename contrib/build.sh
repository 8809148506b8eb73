#!/bin/bash
# Set up a fresh Debian 12 machine and build dlhetero for one Slurm release:
# packages, the Slurm to build against (Debian 12's 22.05 and its source
# for the internal headers, or another release built into a cached prefix
# by contrib/build-slurm.sh), configure, make.
# Used by contrib/run-tests.sh, contrib/demo.sh and .ci/run.
#
#   DLH_SLURM      22.05 (default: Debian's packages), 24.11, or a Slurm
#                  release tarball (see contrib/build-slurm.sh)
#   DLH_BUILD_DIR  the build folder (default: build for 22.05,
#                  build-slurm-<version> for the others)
# The last line printed is "build: ok (<build folder>)".
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ "${DLH_SKIP_DEPS:-}" != 1 ]; then
	bash contrib/install-deps-debian.sh
fi
release=${DLH_SLURM:-22.05}
case $release in
22.05 | 22.05.*)
	src=$(bash contrib/get-slurm-source.sh \
		"${DLH_SLURM_SRC_DIR:-/var/tmp/dlhetero-slurm-src}" | tail -n 1)
	with_slurm=()
	dir=${DLH_BUILD_DIR:-build}
	;;
*)
	cache=$(bash contrib/build-slurm.sh "$release" | tail -n 1)
	src=$cache/src
	with_slurm=(--with-slurm="$cache/prefix")
	dir=${DLH_BUILD_DIR:-build-slurm-$(basename "$cache")}
	;;
esac
[ -f configure ] || ./autogen.sh
mkdir -p "$dir"
cd "$dir"
if [ ! -f Makefile ]; then
	"$top/configure" -q "${with_slurm[@]}" --with-slurm-source="$src" \
		--sysconfdir=/etc/slurm
fi
make -j"$(nproc)" >/dev/null
echo "build: ok ($top/$dir)"

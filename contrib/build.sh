#!/bin/bash
# Set up a fresh Debian 12 machine and build dlhetero in ./build:
# packages, the matching Slurm source (for internal headers), configure, make.
# Used by contrib/run-tests.sh, contrib/demo.sh and .ci/run.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ "${DLH_SKIP_DEPS:-}" != 1 ]; then
	bash contrib/install-deps-debian.sh
fi
src=$(bash contrib/get-slurm-source.sh "${DLH_SLURM_SRC_DIR:-/var/tmp/dlhetero-slurm-src}" | tail -n 1)
[ -f configure ] || ./autogen.sh
# DLH_BUILD_DIR: another build folder (run-tests.sh makes an
# AddressSanitizer one, with CFLAGS and LDFLAGS from the environment)
dir=${DLH_BUILD_DIR:-build}
mkdir -p "$dir"
cd "$dir"
if [ ! -f Makefile ]; then
	"$top/configure" -q --with-slurm-source="$src" --sysconfdir=/etc/slurm
fi
make -j"$(nproc)" >/dev/null
echo "build: ok ($top/$dir)"

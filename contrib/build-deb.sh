#!/bin/bash
# Build the Debian package of this tree against the installed Slurm
# (libslurm-dev), in a clean copy of the tree (git archive of HEAD, or the
# files as they are outside git), and print the .deb's path last.
#
#   contrib/build-deb.sh [OUTDIR]          (default: ./packages)
#
# The plugins need a configured Slurm source tree of the same release:
# DLH_SLURM_SOURCE, or contrib/get-slurm-source.sh fetches it into
# /var/tmp/dlhetero-slurm-src.  DEB_BUILD_OPTIONS=nocheck skips the unit
# tests.  Needs: dpkg-dev, debhelper (contrib/install-deps-debian.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/packages}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -z "${DLH_SLURM_SOURCE:-}" ]; then
	DLH_SLURM_SOURCE=$(bash "$top/contrib/get-slurm-source.sh" \
		/var/tmp/dlhetero-slurm-src | tail -n 1)
fi
export DLH_SLURM_SOURCE
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/dlhetero"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	# the tree as committed, plus what is changed but not committed
	git -C "$top" ls-files -z --cached --others --exclude-standard |
		(cd "$top" && xargs -0 cp --parents -t "$work/dlhetero" 2>/dev/null || true)
else
	cp -a "$top/." "$work/dlhetero"
fi
(cd "$work/dlhetero" &&
	dpkg-buildpackage -b -us -uc -j"$(nproc)" >"$work/build.log" 2>&1) || {
	tail -n 40 "$work/build.log" >&2
	exit 1
}
cp "$work"/*.deb "$out/"
ls "$out"/slurm-dlhetero_*.deb | tail -n 1

#!/bin/bash
# Build the RPM of this tree (contrib/rpm/slurm-dlhetero.spec) and print
# the .rpm's path last; rpmlint checks it when installed.
#
#   contrib/build-rpm.sh [OUTDIR]          (default: ./packages)
#
# On an RPM system: the installed slurm-devel and DLH_SLURM_SOURCE (a
# configured source tree of that release).  On Debian (rpmbuild from the
# rpm package) it builds against Debian's Slurm with --nodeps: the layout
# and content of the RPM, for a check; build for an RPM site on one.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/packages}
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(sed -n 's/^Version: *//p' "$top/contrib/rpm/slurm-dlhetero.spec")
defs=()
nodeps=()
if dpkg-query -W libslurm-dev >/dev/null 2>&1; then
	slurm=$(dpkg-query -W -f '${Version}' libslurm-dev)
	slurm=${slurm%%-*}
	nodeps=(--nodeps)
	# Debian's rpm has no debugedit: no -debuginfo package
	defs+=(-D 'debug_package %{nil}')
	: "${DLH_SLURM_SOURCE:=$(bash "$top/contrib/get-slurm-source.sh" \
		/var/tmp/dlhetero-slurm-src | tail -n 1)}"
else
	slurm=$(rpm -q --qf '%{VERSION}' slurm-devel)
fi
: "${DLH_SLURM_SOURCE:?set DLH_SLURM_SOURCE to a configured Slurm $slurm source tree}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{SOURCES,BUILD,RPMS,SRPMS,SPECS,tree/dlhetero-$version}
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$top" ls-files -z --cached --others --exclude-standard |
		(cd "$top" && xargs -0 cp --parents -t "$work/tree/dlhetero-$version" 2>/dev/null || true)
else
	cp -a "$top/." "$work/tree/dlhetero-$version"
fi
tar -C "$work/tree" -czf "$work/SOURCES/dlhetero-$version.tar.gz" \
	"dlhetero-$version"
rpmbuild -bb "${nodeps[@]}" --define "_topdir $work" \
	--define "slurm_version $slurm" \
	--define "slurm_source $DLH_SLURM_SOURCE" "${defs[@]}" \
	--define "packager ${DLH_PACKAGER:-dlhetero developers <dlhetero@example.org>}" \
	${DLH_RPM_NOCHECK:+--nocheck} \
	"$top/contrib/rpm/slurm-dlhetero.spec" >"$work/build.log" 2>&1 || {
	tail -n 40 "$work/build.log" >&2
	exit 1
}
rpm=$(find "$work/RPMS" -name 'slurm-dlhetero-*.rpm' | head -n 1)
cp "$rpm" "$out/"
if command -v rpmlint >/dev/null; then
	rpmlint "$out/$(basename "$rpm")" >&2 || true
fi
echo "$out/$(basename "$rpm")"

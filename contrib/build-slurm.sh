#!/bin/bash
# Build one Slurm release into a cached prefix, for dlhetero's plugins and
# its test cluster on releases other than the one Debian 12 packages.
#
#   contrib/build-slurm.sh RELEASE|TARBALL
#
# RELEASE   24.11: Debian 13 (trixie)'s slurm-wlm source (24.11.5), fetched
#           with a private apt configuration (the machine's own apt sources
#           are never touched, no trixie binary is ever installed).
#           22.05: nothing is built: Debian 12's packages are used (the
#           default everywhere); prints "/usr".
# TARBALL   a Slurm release tarball (slurm-X.Y.Z.tar.{bz2,gz,xz}), as an
#           admin gives their own release (e.g. the upstream 26.05.3).
#
# The result lives in $DLH_SLURM_CACHE (default /var/tmp/dlhetero-slurm):
#   <version>/src      the configured source tree (internal headers and
#                      config.h: ./configure --with-slurm-source=...)
#   <version>/prefix   the installed release (bin, sbin, lib/slurm, ...)
# and is reused when <version>/prefix/.complete exists: the build (about 6
# minutes on 2 cores) happens once per machine.  The last line printed is
# the version's cache folder.
set -euo pipefail
cache=${DLH_SLURM_CACHE:-/var/tmp/dlhetero-slurm}
arg=${1:?usage: build-slurm.sh RELEASE|TARBALL}
say() { echo "build-slurm: $*" >&2; }

# Packages needed to build Slurm from source (beyond what
# install-deps-debian.sh installs): MariaDB client library for slurmdbd's
# accounting_storage/mysql, munge, json and yaml for the data parsers.
deps() {
	local need=() p
	for p in build-essential libmunge-dev libmariadb-dev libjson-c-dev \
		libyaml-dev libhwloc-dev liblz4-dev libreadline-dev \
		zlib1g-dev python3 xz-utils bzip2 dpkg-dev; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null |
			grep -q 'ok installed' || need+=("$p")
	done
	[ ${#need[@]} -eq 0 ] && return 0
	say "installing ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${need[@]}" >&2
}

# trixie_source DEST: the 24.11 upstream tarball from Debian 13's source
# package, through an apt configuration of our own under $cache/apt.
trixie_source() {
	local apt=$cache/apt dest=$1 opts f
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	cat >"$apt/sources.list" <<-'SRC'
	deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
	SRC
	opts=(-o "Dir::Etc::SourceList=$apt/sources.list"
		-o Dir::Etc::SourceParts=/nonexistent
		-o "Dir::State::Lists=$apt/lists"
		-o "Dir::Cache=$apt/cache" -q)
	apt-get "${opts[@]}" update >&2
	# Only the .orig tarball is served here (the .dsc answers 404), so
	# `apt-get source` cannot unpack: take the tarball and unpack it.
	(cd "$dest" && apt-get "${opts[@]}" source --download-only \
		slurm-wlm >&2) || true
	f=$(ls "$dest"/slurm-wlm_*.orig.tar.* 2>/dev/null | head -n 1)
	[ -n "$f" ] || { say "no slurm-wlm source tarball from trixie"; exit 1; }
	echo "$f"
}

# version_of TARBALL: X.Y.Z from the name (slurm-26.05.3.tar.xz,
# slurm-wlm_24.11.5.orig.tar.gz)
version_of() {
	basename "$1" | sed -n 's/^slurm[-a-z]*[-_]\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p'
}

case $arg in
22.05 | 22.05.*)
	echo /usr
	exit 0
	;;
24.11 | 24.11.*)
	mkdir -p "$cache/download"
	# reuse an earlier download
	tarball=$(ls "$cache"/download/slurm-wlm_24.11.*.orig.tar.* 2>/dev/null |
		head -n 1 || true)
	[ -n "$tarball" ] || tarball=$(trixie_source "$cache/download")
	;;
*)
	[ -f "$arg" ] || {
		say "'$arg' is neither a supported release (22.05, 24.11)" \
			"nor a tarball file"
		exit 1
	}
	tarball=$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")
	;;
esac

version=$(version_of "$tarball")
[ -n "$version" ] || { say "cannot read a version from $tarball"; exit 1; }
dir=$cache/$version
if [ -f "$dir/prefix/.complete" ] && [ -f "$dir/src/config.h" ]; then
	say "Slurm $version: cached in $dir"
	echo "$dir"
	exit 0
fi

deps
say "Slurm $version: unpacking $tarball"
rm -rf "$dir"
mkdir -p "$dir/src"
tar -xf "$tarball" -C "$dir/src" --strip-components=1
cd "$dir/src"
say "Slurm $version: configure"
# --enable-multiple-slurmd: the test cluster runs ten slurmd on one host.
./configure -q --prefix="$dir/prefix" --sysconfdir="$dir/prefix/etc" \
	--with-munge --enable-multiple-slurmd --disable-debug \
	>"$dir/configure.log" 2>&1 ||
	{ tail -n 30 "$dir/configure.log" >&2; exit 1; }
say "Slurm $version: make (several minutes)"
make -j"$(nproc)" >"$dir/make.log" 2>&1 ||
	{ tail -n 30 "$dir/make.log" >&2; exit 1; }
make install >"$dir/install.log" 2>&1 ||
	{ tail -n 30 "$dir/install.log" >&2; exit 1; }
for p in accounting_storage_mysql auth_munge select_cons_tres \
	topology_tree gres_gpu; do
	[ -f "$dir/prefix/lib/slurm/$p.so" ] || {
		say "Slurm $version built without $p.so (see $dir/configure.log)"
		exit 1
	}
done
touch "$dir/prefix/.complete"
say "Slurm $version: installed in $dir/prefix"
echo "$dir"

#!/bin/sh
# Fetch and configure the Slurm source tree that matches the installed Slurm,
# so that dlhetero's gres and select plugins can use Slurm's internal headers
# (src/common/*.h and config.h).  Nothing of Slurm is built.
#
#   contrib/get-slurm-source.sh [DESTDIR]      (default: ./slurm-src)
#   ./configure --with-slurm-source=DESTDIR/slurm-wlm-<version>
#
# Debian/Ubuntu: enables deb-src entries (in a separate sources file) and uses
# `apt-get source slurm-wlm`.  RPM sites: `dnf download --source slurm`
# (or `yumdownloader --source slurm`), `rpm2cpio slurm-*.src.rpm | cpio -id`,
# untar the tarball and run ./configure there with the flags of your build
# (see `rpm -q --queryformat '%{OPTFLAGS}' slurm` and the spec file).
set -eu
dest=${1:-slurm-src}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

version=$(dpkg-query -W -f '${Version}' libslurm-dev 2>/dev/null || true)
if [ -z "$version" ]; then
	echo "get-slurm-source: libslurm-dev is not installed; install it" \
	     "first (apt-get install libslurm-dev)" >&2
	exit 1
fi
upstream=${version%%-*}
tree="$dest/slurm-wlm-$upstream"
if [ -f "$tree/config.h" ]; then
	echo "$tree"
	exit 0
fi

if ! apt-get source --print-uris slurm-wlm >/dev/null 2>&1; then
	list=/etc/apt/sources.list.d/dlhetero-deb-src.sources
	codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
	echo "get-slurm-source: adding deb-src entries in $list" >&2
	cat > "$list" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $codename-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt-get update -q >&2
fi

cd "$dest"
apt-get source -q --download-only "slurm-wlm=$version" >&2
dpkg-source --no-check -x slurm-wlm_"$version".dsc "$tree" >&2
cd "$tree"
# Debian's own configure flags: config.h must describe the installed build.
./configure -q --sysconfdir=/etc/slurm --with-munge --without-rpath \
	--disable-debug --enable-multiple-slurmd --prefix=/usr \
	--libdir=/usr/lib/x86_64-linux-gnu >/dev/null
echo "$tree"

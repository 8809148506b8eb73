#!/bin/sh
# Regenerate the build system.  automake does not install its TAP driver by
# itself: copy it next to the other auxiliary files.
set -e
cd "$(dirname "$0")"
autoreconf -fi
cp -f "$(automake --print-libdir)/tap-driver.sh" config/tap-driver.sh

#!/bin/sh
# Install everything dlhetero needs to build and to run its test cluster on
# Debian 12: build tools, Slurm daemons and clients, munge, MariaDB, the
# libraries the plugins use, Debian's PyTorch (CPU, gloo) for the
# reference runtime and its tests, and the package tools (deb, rpm).  Never installs slurm-wlm-emulator: it
# switches the slurmctld/slurmd alternatives to front-end builds.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
	build-essential autoconf automake libtool pkg-config \
	slurmctld slurmd slurmdbd slurm-client libslurm-dev \
	munge libmunge-dev mariadb-server mariadb-client \
	libhwloc-dev hwloc-nox libjson-c-dev libcmocka-dev \
	dpkg-dev python3 jq bc procps iproute2 ca-certificates \
	python3-torch debhelper lintian rpm rpmlint

# Sourced by the cluster benchmarks: `. bench/bench-env.sh BUILD_DIR`.
# Sets top (the source tree) and build, points the test cluster's scripts
# at them, gives the benchmarks a cluster of their own (DLH_CLUSTER_DIR,
# DLH_CLUSTER_PORT_BASE; the tests use other defaults) and loads the
# test helpers (tests/integration/lib.sh: cluster_up, job_field, ...).
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd) || return 1
export DLH_SRCDIR=$top DLH_BUILDDIR=$build
# the Slurm release the build is for (configure --with-slurm)
DLH_SLURM_PREFIX=$(sed -n 's/^slurm_prefix = //p' "$build/Makefile" 2>/dev/null)
export DLH_SLURM_PREFIX=${DLH_SLURM_PREFIX:-/usr}
export DLH_CLUSTER_DIR=${DLH_CLUSTER_DIR:-/tmp/dlh-bench-$(id -u)}
export DLH_CLUSTER_PORT_BASE=${DLH_CLUSTER_PORT_BASE:-28800}
. "$top/tests/integration/lib.sh"

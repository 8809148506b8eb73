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

# bench_start stock|dlhetero [BUILD_DIR [EXTRA_SLURM_CONF]]: a fresh bench
# cluster, either stock Slurm (select/cons_tres, no job_submit or SPANK
# plugin, none of our plugins in PluginDir) or dlhetero installed as the
# README says, from BUILD_DIR's plugins (default: this build), with extra
# slurm.conf lines (an older build needed PrologFlags=Alloc).  Leaves the
# cluster's PATH and SLURM_CONF set.
bench_start() {
	local dir=${2:-$build}
	bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1 || true
	if [ "$1" = stock ]; then
		env -u DLH_PLUGIN_DIR DLH_SELECT_TYPE=select/cons_tres \
			DLH_SLURM_CONF_EXTRA="# stock Slurm" DLH_CONF_EXTRA= \
			bash "$DLH_CLUSTER_SH" start
	else
		DLH_PLUGIN_DIR=$dir/tests/plugins \
			DLH_SELECT_TYPE=select/cons_tres_dlhetero \
			DLH_SLURM_CONF_EXTRA="JobSubmitPlugins=dlhetero${3:+
$3}" \
			DLH_CONF_EXTRA=$(printf 'ChipCatalog=%s\nModelCatalog=%s\nStateDir=%s\n' \
				"$top/data/chips.json" "$top/data/models.json" \
				"$DLH_CLUSTER_DIR/run/dlhetero") \
			bash "$DLH_CLUSTER_SH" start
	fi >/dev/null 2>&1 || { echo "bench cluster did not start ($1 ${2:-})" >&2; exit 1; }
	eval "$(bash "$DLH_CLUSTER_SH" env)"
}

# Sourced by the planner benchmarks: `. bench/plan-env.sh NAME [PLAN_BIN]`.
# Sets here (the source tree), plan (the dlhetero-plan to run: PLAN_BIN,
# $DLH_PLAN_BIN or ./src/cli/dlhetero-plan of the build directory one runs
# in), chips and models (the source tree's catalogs unless
# DLH_CHIP_CATALOG / DLH_MODEL_CATALOG say otherwise); exits 2 when there
# is no dlhetero-plan to run.
here=$(cd "$(dirname "$0")/.." && pwd)
plan=${2:-${DLH_PLAN_BIN:-./src/cli/dlhetero-plan}}
chips=${DLH_CHIP_CATALOG:-$here/data/chips.json}
models=${DLH_MODEL_CATALOG:-$here/data/models.json}
if [ ! -x "$plan" ]; then
	echo "$1: $plan not found; build first or pass its path" >&2
	exit 2
fi

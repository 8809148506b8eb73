#!/bin/bash
# A broken chip catalog never takes a node down: slurmd logs the file and
# line, keeps serving its gres as plain counts, and jobs still run.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "the test cluster needs root"
plan 7
bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1

bad=$(mktemp /tmp/dlh-bad-catalog.XXXXXX.json)
# the real catalog, cut in the middle of an entry
head -c 3000 "$DLH_SRCDIR/data/chips.json" > "$bad"
DLH_CONF_EXTRA="ChipCatalog=$bad
ModelCatalog=$DLH_SRCDIR/data/models.json
StateDir=${DLH_CLUSTER_DIR:-/tmp/dlh-cluster-$(id -u)}/run/dlhetero" cluster_up

is "$(sinfo -h -N -o '%N %T' | awk '$2 == "idle"' | wc -l)" 10 "all 10 nodes up and idle"
like "$(sinfo -h -o '%G')" 'accel:a100:8' "gres still counted per type"
like "$(cat "$DLH_CLUSTER_DIR"/log/n1.log)" "gres/accel: .*$(basename "$bad").*(line|:[0-9]+)" \
	"slurmd names the broken file and where"
id=$(sbatch --parsable -w n2 --gres=accel:a100:2 --wrap 'printenv CUDA_VISIBLE_DEVICES; echo done')
is "$(submit_wait "$id" 60)" COMPLETED "a gres job still runs"
is "$(cat "$(job_field "$id" StdOut)")" "done" "(without vendor variables: no catalog)"
like "$(sacct_field "$id" AllocTRES)" 'gres/accel:a100=2' "and is accounted per type"
msg=$(sbatch --dl-hetero=a100:8 --wrap true 2>&1)
like "$msg" 'chip catalog' "--dl-hetero is refused, naming the catalog"
rm -f "$bad"

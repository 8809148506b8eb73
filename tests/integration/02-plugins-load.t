#!/bin/bash
# Our four plugins load in the real daemons and clients, and ordinary jobs
# run as before under the select plugin.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 9

conf=$(scontrol show config)
like "$conf" 'SelectType += select/cons_tres_dlhetero' \
	"slurmctld runs select/cons_tres_dlhetero"
like "$conf" 'JobSubmitPlugins += dlhetero' "job_submit/dlhetero configured"

help=$(sbatch --help)
like "$help" '--dl-hetero=\[SPEC\]' "sbatch --help lists --dl-hetero"
like "$help" '--dl-model=NAME' "sbatch --help lists --dl-model"
like "$(srun --help)" '--dl-mode=train\|infer' "srun --help lists --dl-mode"

# gres/accel in slurmstepd: the vendor variable comes from our plugin
out=$(srun -N1 -w n9 --gres=accel:mlu590:1 printenv MLU_VISIBLE_DEVICES)
is "$out" 0 "gres/accel sets MLU_VISIBLE_DEVICES in a task"

# ordinary jobs under the select plugin
id=$(sbatch --parsable -N2 -n4 --wrap 'srun hostname')
is "$(submit_wait "$id" 60)" COMPLETED "ordinary 2-node job completes"
is "$(sacct_field "$id" NNodes)" 2 "it held 2 nodes"

ctld=$DLH_CLUSTER_DIR/log/slurmctld.log
ok '! grep -q "fatal\|Plugin load\|cannot load select" "$ctld"' \
	"no plugin load error in slurmctld.log"

#!/bin/bash
# slurmctld hands a job's spank environment to MailProg (and to
# PrologSlurmctld/EpilogSlurmctld) by walking it up to a NULL entry; the
# select plugin removes DL_HETERO_MAP from it at allocation (older
# dlhetero kept the map there; it is in the job's supplemental environment
# now).  --dl-hetero jobs with --mail-type=ALL: MailProg
# (tests/cluster/cluster.sh records each call) sees the job's request, no
# map and nothing past the array's end, and slurmctld lives.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 9

maildir=$DLH_CLUSTER_DIR/mail
ids=
for spec in a100:2 ascend910b:1,mlu590:1 auto:3; do
	# one task per accelerator (job_submit/dlhetero)
	id=$(sbatch --parsable --mail-type=ALL --dl-hetero=$spec \
		-o /dev/null --wrap true)
	ids="$ids $id"
done
for id in $ids; do
	is "$(submit_wait "$id" 120)" COMPLETED "job $id completes"
done

# MailProg runs after the job's state changes: give it a moment
for id in $ids; do
	for i in $(seq 40); do
		ls "$maildir/$id.Ended".* >/dev/null 2>&1 && break
		sleep 0.5
	done
done

for id in $ids; do
	began=$(ls "$maildir/$id.Began".* 2>/dev/null | head -n1)
	req=$(sed -n 's/^\(SPANK_\)\{0,1\}DL_HETERO=//p' "$began" 2>/dev/null)
	maps=$(grep -c 'DL_HETERO_MAP' "$began" 2>/dev/null)
	like "$req:$maps" '^[a-z0-9:,]+:0$' \
		"job $id: MailProg at BEGIN sees its request ($req), no map"
done
# every line of every record is NAME=VALUE (env prints nothing else),
# and the END records are there too
bad=$(cat $(for id in $ids; do ls "$maildir/$id".*; done 2>/dev/null) \
	/dev/null | grep -cvE '^[A-Za-z_][A-Za-z0-9_]*=' || true)
n_end=$(for id in $ids; do ls "$maildir/$id.Ended".* 2>/dev/null; done | wc -l)
ok '[ "$bad" = 0 ] && [ "$n_end" = 3 ]' \
	"MailProg environments are clean ($bad odd lines), 3 END calls ($n_end)"
ok 'scontrol ping | grep -q "is UP"' "slurmctld is still up"
like "$(scontrol show config | awk '$1 == "MailProg" { print $3 }')" \
	'mail-record\.sh$' "MailProg is the recorder"

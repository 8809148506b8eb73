#!/bin/bash
# A program linked with the public libslurm (pyslurm tools, site portals)
# submits jobs while our select plugin is configured: libslurm loads the
# select plugin in every client that packs a job request, so the plugin
# must load without symbols that only slurmctld defines.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 6

client=$DLH_BUILDDIR/tests/integration/submit-client
err=$DLH_CLUSTER_DIR/work/18-client.err
is "$(scontrol show config | awk '$1 == "SelectType" { print $3 }')" \
	select/cons_tres_dlhetero "the cluster runs our select plugin"
ok '! nm -D "$DLH_PLUGIN_DIR/select_cons_tres_dlhetero.so" | grep -qE "^ +U (switch_record_cnt|switch_record_table|switch_levels|node_record_count|node_record_table_ptr)$"' \
	"slurmctld's tables are weak references in the select plugin"

id=$("$client" $'#!/bin/sh\ntrue\n' 2>"$err")
ok $? "plain job submitted through libslurm${id:+ (job $id)}"
[ -s "$err" ] && diag "$(cat "$err")"
is "$([ -n "$id" ] && submit_wait "$id" 60)" COMPLETED "it runs"

id=$("$client" $'#!/bin/sh\ntrue\n' a100:1 2>"$err")
ok $? "--dl-hetero job submitted through libslurm${id:+ (job $id)}"
[ -s "$err" ] && diag "$(cat "$err")"
[ -n "$id" ] && submit_wait "$id" 60 >/dev/null
like "$([ -n "$id" ] && job_comment "$id")" '^dlhetero a100:1\(n[0-9]+\)$' \
	"placed by our select plugin"

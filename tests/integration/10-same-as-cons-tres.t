#!/bin/bash
# Ordinary jobs get the same allocations under select/cons_tres_dlhetero as
# under stock select/cons_tres: the same mix of jobs, released at once on a
# fresh cluster under each, lands on the same nodes with the same TRES.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

run_mix() {	# -> "name nodes tres" lines, sorted
	local ids=() id
	submit() { id=$(sbatch --parsable --hold -J "$1" "${@:2}" --wrap 'sleep 4') && ids+=("$id"); }
	submit one -N1
	submit two -N2 -n4
	submit a100x2 --gres=accel:a100:2
	submit untyped4 --gres=accel:4
	submit wide -n40
	submit excl -N1 --exclusive
	submit mlu8 -w n9 --gres=accel:mlu590:8
	submit asc16 -N2 --gres=accel:ascend910b:8
	submit mem -N1 --mem=20000
	submit tasks -n3 --gres=accel:a100:1 --ntasks-per-node=1
	scontrol release "${ids[@]}"
	for id in "${ids[@]}"; do submit_wait "$id" 120 >/dev/null; done
	for id in "${ids[@]}"; do
		sacct -X -n -P -j "$id" -o JobName,NodeList,AllocTRES,State
	done | sort
}

[ "$(id -u)" -eq 0 ] || skip_all "the test cluster needs root"
plan 5
bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1

DLH_SELECT_TYPE=select/cons_tres cluster_up
like "$(scontrol show config | grep '^SelectType ')" 'select/cons_tres$' "cluster runs stock select/cons_tres"
stock=$(run_mix)
bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1

unset DLH_SELECT_TYPE
cluster_up
like "$(scontrol show config | grep '^SelectType ')" 'select/cons_tres_dlhetero$' "cluster runs select/cons_tres_dlhetero"
ours=$(run_mix)

is "$(printf '%s\n' "$stock" | wc -l)" 10 "10 jobs ran under stock cons_tres"
ok '! printf "%s\n" "$stock" | grep -v "|COMPLETED$"' "all of them completed"
is "$ours" "$stock" "the same allocations under ours" || diag "$(diff <(echo "$stock") <(echo "$ours"))"

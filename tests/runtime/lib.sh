# Helpers of the runtime tests (tests/runtime/*.t): TAP from the
# integration helpers, plans from this build's dlhetero-plan, and
# runtime/tests/run_plan.py, which runs a plan one process per rank here
# and compares the losses with the single-process run of the same model.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

PY=${DLH_PYTHON:-/usr/bin/python3}
RUN_PLAN="$DLH_SRCDIR/runtime/tests/run_plan.py"
work=$(mktemp -d "${TMPDIR:-/tmp}/dlh-runtime.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$PY" -c 'import torch, torch.distributed' 2>/dev/null ||
	bail_out "$PY has no torch (apt-get install python3-torch)"

# make_plan FILE MODEL MAP: the DL_PLAN the nodes of a job on MAP get
make_plan() {
	"$DLH_BUILDDIR/src/cli/dlhetero-plan" --catalog "$DLH_DATA/chips.json" \
		--models "$DLH_DATA/models.json" --model "$2" --map "$3" \
		--json > "$1"
}

# run_plan OUT ARGS...: run_plan.py ARGS, its table and the ranks' log in
# OUT; returns its status
run_plan() {
	local out=$1
	shift
	timeout 900 "$PY" "$RUN_PLAN" "$@" > "$out" 2>&1
}

# groups FILE: "chip tp/pp/dp/ep layers first-last" per chip group
groups() {
	"$PY" -c 'import json, sys
p = json.load(open(sys.argv[1]))
print("; ".join("%s %d/%d/%d/%d layers %d-%d" % (g["chip"], g["tp"], g["pp"],
      g["dp"], g["ep"], g["first_layer"], g["last_layer"])
      for g in p["groups"]))' "$1"
}

# same_losses OUT: every step of run_plan.py's table agreed ("ok")
same_losses() {
	grep -q '^step ' "$1" && ! grep -q '^step .* DIFFERS$' "$1"
}

show() {
	grep '^step \|^dlhetero_runtime: event\|^dlhetero_runtime: gen' "$1" |
		while read -r l; do diag "$l"; done
}

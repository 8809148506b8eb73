#!/bin/sh
# dp-per-group.sh: what a data-parallel degree per chip group (FlagScale's
# hetero_process_meshes allow one; our planner shares one DP degree across
# the groups of a pipeline) could add, by the planner's own cost model.
#
#   bench/dp-per-group.sh [PATH/TO/dlhetero-plan]
#
# With a DP degree of its own, each group would train its share of the
# layers on the whole batch as if it were alone, so the mix could at best
# reach the sum of the groups' standalone tokens/s (each group planned
# alone, its own best TP/PP/DP: "standalone" in the plan).  Our plan
# reaches `efficiency` of that sum; the rest, standalone/ours - 1, bounds
# the gain (before the cost of regrouping activations between DP degrees
# at each boundary, which a per-group DP adds).  "relaxed": a group alone
# cannot hold the model, its standalone figure ignores memory (the bound
# is then loose).
set -eu

. "$(dirname "$0")/plan-env.sh" dp-per-group "${1:-}"

# model | chips | extra options: equal groups, then lopsided ones (a small
# group next to a large one is where one shared DP degree hurts most)
cases='llama2-7b|a100:4,ascend910b:2|
llama2-7b|a100:8,ascend910b:8|
llama2-70b|ascend910b:64,a100:64|
llama2-70b|ascend910b:16,a100:112|
llama2-70b|a100:120,mlu590:8|
qwen2.5-72b|h800:32,mlu590:32|
qwen2.5-72b|h800:56,mlu590:8|
llama3-70b|h100:64,ascend910b:128|
internlm2-20b|c500:32,bi150:32|
internlm2-20b|c500:8,bi150:56|
llama2-13b|a100:16,mlu370:32|
llama3-405b|h800:512,ascend910b:512|--global-batch 2048
mixtral-8x7b|a100:16,ascend910b:16|'

printf '%-14s %-24s %-32s %10s %11s %6s %8s\n' \
	model chips 'ours: chip tp/pp/dp' tokens/s standalone eff bound
echo "$cases" | while IFS='|' read -r model mix extra; do
	# shellcheck disable=SC2086
	"$plan" --catalog "$chips" --models "$models" --model "$model" \
		--chips "$mix" $extra --json 2>/dev/null |
		python3 -c '
import json, sys
model, mix = sys.argv[1:3]
try:
    p = json.load(sys.stdin)
except ValueError:
    print("%-14s %-24s no plan" % (model, mix))
    sys.exit(0)
lay = " ".join("%s %d/%d/%d" % (g["chip"], g["tp"], g["pp"], g["dp"])
               for g in p["groups"])
relaxed = any(g["standalone_memory_relaxed"] for g in p["groups"])
alone = p["standalone_tokens_per_s"]
print("%-14s %-24s %-32s %10.0f %11.0f %6.3f %7.1f%%%s" % (
    model, mix, lay, p["tokens_per_s"], alone, p["efficiency"],
    100 * (alone / p["tokens_per_s"] - 1), " relaxed" if relaxed else ""))
' "$model" "$mix"
done

#!/bin/sh
# plan-baselines.sh: compare the planner's balanced layer split with two
# baselines on several models and chip mixes.
#
#   bench/plan-baselines.sh [PATH/TO/dlhetero-plan]
#
# For each case it prints the efficiency (predicted tokens/s over the sum
# of each chip group's standalone tokens/s) of
#   balanced  our split: min-max stage time within memory,
#   even      layers split evenly over the stages (best layout for it),
#   metis     layers in proportion to stage compute (Metis, ATC'24),
# each with its own best TP/PP/DP layout.  The CLI reads the catalogs in
# the source tree's data/ unless DLH_CHIP_CATALOG / DLH_MODEL_CATALOG say
# otherwise.
set -eu

. "$(dirname "$0")/plan-env.sh" plan-baselines "${1:-}"

# model | mode | chips | extra options
cases='llama2-70b|train|ascend910b:64,a100:64|
qwen2.5-72b|train|h800:32,mlu590:32|
llama3-70b|train|h100:64,ascend910b:128|
internlm2-20b|train|c500:32,bi150:32|
llama2-13b|train|a100:16,mlu370:32|
qwen3-235b-a22b|train|h800:256,p800:256|--global-batch 2048
llama3-405b|train|h800:512,ascend910b:512|--global-batch 2048
deepseek-v3|train|h800:1024,ascend910b:1024|--global-batch 4096
mixtral-8x7b|infer|a100:16,mlu370:16|'

printf '%-16s %-6s %-26s %10s %7s %8s %7s %7s %8s %8s\n' \
	model mode chips tokens/s step_s balanced even metis vs_even vs_metis
echo "$cases" | while IFS='|' read -r model mode mix extra; do
	# shellcheck disable=SC2086
	"$plan" --catalog "$chips" --models "$models" --model "$model" \
		--mode "$mode" --chips "$mix" $extra --json |
	python3 -c '
import json, sys
p = json.load(sys.stdin)
m, mode, mix = sys.argv[1:4]
step = "%.2f" % p["step_time_s"] if mode == "train" else "-"
b, e, t = p["efficiency"], p["even_split_efficiency"], p["metis_efficiency"]
def gain(x):
    return "%+.1f%%" % (100 * (b / x - 1)) if x > 0 else "OOM"
print("%-16s %-6s %-26s %10.0f %7s %7.1f%% %6.1f%% %6.1f%% %8s %8s" %
      (m, mode, mix, p["tokens_per_s"], step, 100 * b, 100 * e, 100 * t,
       gain(e), gain(t)))
' "$model" "$mode" "$mix"
done

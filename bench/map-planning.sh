#!/bin/bash
# Planning a big job on one node, as every node of a --dl-hetero job does:
# dlhetero-plan --map with the compact node -> chip map slurmctld writes,
# for jobs of 1,000 to 20,000 nodes of 8 accelerators, half a100 and half
# ascend910b, node numbers with a hole every 997 nodes.  Seconds and peak
# memory (/usr/bin/time), map and plan sizes, every round printed.
#
#   bench/map-planning.sh [BUILD_DIR] [ROUNDS] [MODEL]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
rounds=${2:-3}
model=${3:-llama2-70b}
tmp=$(mktemp -d /tmp/dlh-map-planning.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

make_map() {	# NODES -> the map slurmctld would write
	python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
def names(lo, hi, pre):
    return [f"{pre}{i + i // 997:05d}" for i in range(lo, hi)]
def compress(hosts, pre):
    nums = [int(h[len(pre):]) for h in hosts]
    out, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(f"{nums[i]:05d}" + (f"-{nums[j]:05d}" if j > i else ""))
        i = j + 1
    return f"{pre}[{','.join(out)}]"
half = n // 2
print(compress(names(0, half, "gpu"), "gpu") + ":a100:8;" +
      compress(names(half, n, "npu"), "npu") + ":ascend910b:8")
PY
}

echo "| round | nodes | ranks | map bytes | plan MB | seconds | peak MB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for ((r = 1; r <= rounds; r++)); do
	for nodes in 1000 10000 20000; do
		make_map "$nodes" >"$tmp/map"
		/usr/bin/time -f '%e %M' -o "$tmp/time" \
			"$build/src/cli/dlhetero-plan" --model "$model" \
			--map "@$tmp/map" --catalog "$top/data/chips.json" \
			--models "$top/data/models.json" >"$tmp/plan.json"
		read -r secs kb <"$tmp/time"
		printf '| %d | %d | %d | %d | %.1f | %.2f | %.0f |\n' "$r" \
			"$nodes" $((nodes * 8)) "$(($(wc -c <"$tmp/map") - 1))" \
			"$(echo "$(wc -c <"$tmp/plan.json") / 1048576" | bc -l)" \
			"$secs" "$(echo "$kb / 1024" | bc -l)"
	done
done

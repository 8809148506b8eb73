#!/usr/bin/env python3
"""Print a dlhetero plan (the JSON file named by DL_PLAN) in a few lines."""
import json
import sys

plan = json.load(open(sys.argv[1]))
for g in plan["groups"]:
    line = "  %-11s %3d accelerators: TP %d PP %d DP %d" % (
        g["chip"], g["accelerators"], g["tp"], g["pp"], g["dp"])
    if "first_layer" in g:
        line += ", layers %d-%d" % (g["first_layer"], g["last_layer"] - 1)
    print(line)
if plan["mode"] == "train":
    print("  predicted: %.1f s per step, %d tokens/s, efficiency %.1f%% "
          "(even layer split: %.1f%%)" % (
              plan["step_time_s"], plan["tokens_per_s"],
              100 * plan["efficiency"], 100 * plan["even_split_efficiency"]))
else:
    print("  predicted: %d tokens/s" % plan["tokens_per_s"])

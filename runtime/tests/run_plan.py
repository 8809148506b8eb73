#!/usr/bin/python3
"""Runs a plan on this machine, one process per rank (gloo over
127.0.0.1), and compares its losses with the single-process reference.

    /usr/bin/python3 runtime/tests/run_plan.py PLAN.json [--steps N]

Exit status 0 when every step's loss agrees within fp32 tolerance."""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(here))

from dlhetero_runtime.plan import Plan            # noqa: E402
from dlhetero_runtime.train import reference_losses  # noqa: E402

# fp32: the distributed run adds the same terms in another order
RTOL, ATOL = 1e-4, 1e-5


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(plan_path, steps, lr, global_batch, seq_len):
    plan = Plan.load(plan_path).scale(global_batch, seq_len)
    out = tempfile.mktemp(suffix=".json")
    env = dict(os.environ, MASTER_ADDR="127.0.0.1",
               MASTER_PORT=str(free_port()),
               WORLD_SIZE=str(plan.world_size),
               PYTHONPATH=os.path.dirname(here))
    procs = [subprocess.Popen(
        [sys.executable, "-m", "dlhetero_runtime", "--plan", plan_path,
         "--steps", str(steps), "--lr", str(lr), "--out", out,
         "--global-batch", str(plan.global_batch),
         "--seq-len", str(plan.seq_len)],
        env=dict(env, RANK=str(r))) for r in range(plan.world_size)]
    rcs = [p.wait(timeout=600) for p in procs]
    if any(rcs):
        raise SystemExit("ranks exited %s" % rcs)
    with open(out) as f:
        got = json.load(f)["losses"]
    os.unlink(out)
    want = reference_losses(plan, steps, lr)
    return got, want


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("plan")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--global-batch", type=int, default=8)
    ap.add_argument("--seq-len", type=int, default=16)
    a = ap.parse_args()
    got, want = run(a.plan, a.steps, a.lr, a.global_batch, a.seq_len)
    bad = 0
    for i, (g, w) in enumerate(zip(got, want)):
        ok = abs(g - w) <= ATOL + RTOL * abs(w)
        bad += not ok
        print("step %d: plan %.7f single process %.7f %s"
              % (i, g, w, "ok" if ok else "DIFFERS"))
    return 1 if bad or len(got) != len(want) else 0


if __name__ == "__main__":
    sys.exit(main())

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


def launch(plan, plan_path, steps, lr, ckdir=None):
    """One run of the plan until step `steps`: {step: loss}."""
    out = tempfile.mktemp(suffix=".json")
    env = dict(os.environ, MASTER_ADDR="127.0.0.1",
               MASTER_PORT=str(free_port()),
               WORLD_SIZE=str(plan.world_size),
               PYTHONPATH=os.path.dirname(here))
    procs = [subprocess.Popen(
        [sys.executable, "-m", "dlhetero_runtime", "--plan", plan_path,
         "--steps", str(steps), "--lr", str(lr), "--out", out,
         "--global-batch", str(plan.global_batch),
         "--seq-len", str(plan.seq_len)]
        + (["--checkpoint-dir", ckdir] if ckdir else []),
        env=dict(env, RANK=str(r))) for r in range(plan.world_size)]
    rcs = [p.wait(timeout=600) for p in procs]
    if any(rcs):
        raise SystemExit("ranks exited %s" % rcs)
    with open(out) as f:
        got = {int(k): v for k, v in json.load(f)["losses"].items()}
    os.unlink(out)
    return got


def run(plan_paths, steps, lr, global_batch, seq_len):
    """Runs the first plan for steps[0] steps, then each next plan from
    the previous one's checkpoint until its steps[i]; returns the losses
    of all steps and the single-process ones."""
    got = {}
    with tempfile.TemporaryDirectory() as ckdir:
        for path, n in zip(plan_paths, steps):
            plan = Plan.load(path).scale(global_batch, seq_len)
            got.update(launch(plan, path, n, lr,
                              ckdir if len(plan_paths) > 1 else None))
    first = Plan.load(plan_paths[0]).scale(global_batch, seq_len)
    want = reference_losses(first, steps[-1], lr)
    return [got.get(i) for i in range(steps[-1])], want


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("plan", nargs="+",
                    help="a plan, or several: each resumes from the last's "
                    "checkpoint (a resize, another chip mix)")
    ap.add_argument("--steps", type=int, nargs="+", default=[3],
                    help="the step each plan trains until")
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--global-batch", type=int, default=8)
    ap.add_argument("--seq-len", type=int, default=16)
    a = ap.parse_args()
    if len(a.steps) != len(a.plan):
        ap.error("one --steps value per plan")
    got, want = run(a.plan, a.steps, a.lr, a.global_batch, a.seq_len)
    bad = 0
    for i, (g, w) in enumerate(zip(got, want)):
        ok = g is not None and abs(g - w) <= ATOL + RTOL * abs(w)
        bad += not ok
        print("step %d: plan %s single process %.7f %s"
              % (i, "-" if g is None else "%.7f" % g, w,
                 "ok" if ok else "DIFFERS"))
    return 1 if bad or len(got) != len(want) else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Runs a plan on this machine, one process per rank (gloo over
127.0.0.1), and compares its losses with the single-process reference.

    /usr/bin/python3 runtime/tests/run_plan.py PLAN.json [--steps N]
    run_plan.py A.json B.json --steps 2 4        # B resumes A's checkpoint
    run_plan.py A.json --resize-to B.json --at 2 [--graceful] --steps 5
    run_plan.py --compare OUT.json     # a job's losses (dlhetero_runtime --out)

Each process gets the environment Slurm and dlhetero give a task (RANK,
WORLD_SIZE, SLURMD_NODENAME, LOCAL_RANK, DL_CHIP_TYPE, MASTER_ADDR/PORT,
DL_RESIZE_SIGNAL).  --resize-to plays Slurm's shrink while A runs: once
step --at is done, the ranks on nodes B leaves are killed (--graceful: not
killed), B is written over A's plan file as generation 1, and every rank
still running gets SIGWINCH, as slurmd's resize watch does.

Exit status 0 when every step's loss agrees within fp32 tolerance."""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(here))

from dlhetero_runtime.model import Config        # noqa: E402
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


def start(plan, plan_path, steps, a, ckdir, out, extra=()):
    env = dict(os.environ, MASTER_ADDR="127.0.0.1",
               MASTER_PORT=str(free_port()),
               WORLD_SIZE=str(plan.world_size),
               DL_RESIZE_SIGNAL="WINCH",
               PYTHONPATH=os.path.dirname(here))
    procs = []
    for r in plan.ranks:
        e = dict(env, RANK=str(r["rank"]), DL_CHIP_TYPE=r["chip"])
        if "node_name" in r:
            e.update(SLURMD_NODENAME=r["node_name"],
                     LOCAL_RANK=str(r["local_rank"]))
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "dlhetero_runtime", "--plan", plan_path,
             "--steps", str(steps), "--lr", str(a.lr), "--out", out,
             "--global-batch", str(a.global_batch),
             "--seq-len", str(a.seq_len), "--timeout", "60",
             "--master-addr", "127.0.0.1"]
            + (["--checkpoint-dir", ckdir] if ckdir else []) + list(extra),
            env=e))
    return procs


def losses_of(out):
    with open(out) as f:
        got = {int(k): v for k, v in json.load(f)["losses"].items()}
    os.unlink(out)
    return got


def resize(a, plan, path, ckdir, out):
    """Plan A until step --at, then A's world shrinks to B's in place."""
    procs = start(plan, path, a.steps[0], a, ckdir, out,
                  ["--checkpoint-every", str(a.checkpoint_every)])
    progress = os.path.join(ckdir, "progress.json")
    while True:
        try:
            with open(progress) as f:
                if json.load(f)["step"] >= a.at:
                    break
        except (OSError, ValueError):
            pass
        if any(p.poll() is not None for p in procs):
            raise SystemExit("a rank exited before step %d" % a.at)
        time.sleep(0.05)
    with open(a.resize_to) as f:
        new = json.load(f)
    new["generation"] = plan.generation + 1
    keep = {(r["node_name"], r["local_rank"]) for r in new["ranks"]}
    left = [p for p, r in zip(procs, plan.ranks)
            if (r["node_name"], r["local_rank"]) not in keep]
    if not a.graceful:
        for p in left:
            p.kill()
    with open(path + ".new", "w") as f:
        json.dump(new, f)
    os.replace(path + ".new", path)
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGWINCH)
    rcs = [p.wait(timeout=600) for p in procs]
    if any(rc for p, rc in zip(procs, rcs) if p not in left or a.graceful):
        raise SystemExit("ranks exited %s" % rcs)
    return losses_of(out)


def run(a):
    """Runs the first plan for steps[0] steps, then each next plan from
    the previous one's checkpoint until its steps[i] (or resizes the first
    to --resize-to); returns the losses of all steps and the single-process
    ones."""
    got = {}
    out = tempfile.mktemp(suffix=".json")
    with tempfile.TemporaryDirectory() as tmp:
        ckdir = a.keep or os.path.join(tmp, "checkpoints")
        os.makedirs(ckdir, exist_ok=True)
        for i, (path, n) in enumerate(zip(a.plan, a.steps)):
            # a copy: a resize rewrites the plan file
            mine = os.path.join(tmp, "plan-%d.json" % i)
            shutil.copy(path, mine)
            plan = Plan.load(mine).scale(a.global_batch, a.seq_len)
            if a.resize_to:
                got.update(resize(a, plan, mine, ckdir, out))
                continue
            procs = start(plan, mine, n, a, ckdir if len(a.plan) > 1
                          else None, out)
            rcs = [p.wait(timeout=600) for p in procs]
            if any(rcs):
                raise SystemExit("ranks exited %s" % rcs)
            got.update(losses_of(out))
    first = Plan.load(a.plan[0]).scale(a.global_batch, a.seq_len)
    want = reference_losses(first, a.steps[-1], a.lr)
    return [got.get(i) for i in range(a.steps[-1])], want


def compare(path):
    """The steps a job's runtime wrote (--out) and the single process's
    losses of the same model, batch and learning rate."""
    with open(path) as f:
        out = json.load(f)
    got = {int(k): v for k, v in out["losses"].items()}

    class Shape:
        global_batch, seq_len = out["global_batch"], out["seq_len"]

    cfg = Config.from_dict(out["config"])
    want = reference_losses(Shape, max(got) + 1, out["lr"], cfg)
    first = min(got)
    return [got.get(i) for i in range(first, len(want))], want[first:], first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("plan", nargs="*",
                    help="a plan, or several: each resumes from the last's "
                    "checkpoint (a restart on another chip mix)")
    ap.add_argument("--steps", type=int, nargs="+", default=[3],
                    help="the step each plan trains until")
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--global-batch", type=int, default=8)
    ap.add_argument("--seq-len", type=int, default=16)
    ap.add_argument("--resize-to", help="the plan the first one shrinks to")
    ap.add_argument("--at", type=int, default=1,
                    help="shrink once this step is done")
    ap.add_argument("--checkpoint-every", type=int, default=1)
    ap.add_argument("--keep", help="the checkpoint folder (kept)")
    ap.add_argument("--graceful", action="store_true",
                    help="the ranks that leave still run at the signal")
    ap.add_argument("--compare", metavar="OUT.json",
                    help="only compare the losses a job wrote")
    a = ap.parse_args()
    first = 0
    if a.compare:
        got, want, first = compare(a.compare)
    elif len(a.steps) != len(a.plan) or not a.plan:
        ap.error("one --steps value per plan")
    else:
        got, want = run(a)
    bad = 0
    for i, (g, w) in enumerate(zip(got, want), first):
        ok = g is not None and abs(g - w) <= ATOL + RTOL * abs(w)
        bad += not ok
        print("step %d: plan %s single process %.7f %s"
              % (i, "-" if g is None else "%.7f" % g, w,
                 "ok" if ok else "DIFFERS"))
    return 1 if bad or len(got) != len(want) else 0


if __name__ == "__main__":
    sys.exit(main())

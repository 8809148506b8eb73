#!/usr/bin/python3
"""checkpoint-io.py: seconds per GB to save and to load the reference
runtime's checkpoints (dlhetero_runtime/checkpoint.py: one file per layer,
TP shards gathered, fsync, renamed into place), against writing and
reading the same bytes as one plain file (the disk's own speed).

    /usr/bin/python3 bench/checkpoint-io.py [--rounds 3] [--hidden 1024]
        [--layers 32] [--dir /var/tmp]

One process (gloo world of 1), a LLaMA-style model of --layers layers of
width --hidden (1.5 GB of fp32 weights by default).  Each round runs the
plain file and the checkpoint in alternating order and prints both; the
ratio is checkpoint time / plain time of the same round.  Loads read what
was just written (page cache warm, as after a save on the same node)."""
import argparse
import os
import shutil
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(here), "runtime"))

import torch                                        # noqa: E402
import torch.distributed as dist                    # noqa: E402

from dlhetero_runtime import checkpoint             # noqa: E402
from dlhetero_runtime.model import Config, Stage    # noqa: E402
from dlhetero_runtime.plan import Plan              # noqa: E402
from dlhetero_runtime.train import Rank             # noqa: E402


def one_rank_plan(layers):
    r = dict(rank=0, node=0, chip="cpu", group=0, local_device=0, stage=0,
             first_layer=0, last_layer=layers, replica=0, batch=1,
             micro_batches=1, tp_rank=0, tp_group=0, pp_group=0,
             dp_group=0, ep_group=-1, node_name="localhost", local_rank=0)
    return Plan(dict(ranks=[r], world_size=1, replica_batch=[1],
                     global_batch=1, seq_len=16))


def plain(state, folder):
    """The same tensors as one file: written (fsync) and read back."""
    path = os.path.join(folder, "plain.pt")
    t0 = time.time()
    with open(path, "wb") as f:
        torch.save(state, f)
        f.flush()
        os.fsync(f.fileno())
    t1 = time.time()
    torch.load(path)
    t2 = time.time()
    os.unlink(path)
    return t1 - t0, t2 - t1


def ours(r, cfg, folder):
    ck = os.path.join(folder, "ck")
    t0 = time.time()
    checkpoint.save(r, 1, ck)
    t1 = time.time()
    _, d, _ = checkpoint.latest(ck)
    Stage(cfg, 0, cfg.num_layers, weights=checkpoint.Weights(d))
    t2 = time.time()
    shutil.rmtree(ck)
    return t1 - t0, t2 - t1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--hidden", type=int, default=1024)
    ap.add_argument("--layers", type=int, default=32)
    ap.add_argument("--dir", default="/var/tmp")
    a = ap.parse_args()
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29533")
    dist.init_process_group("gloo", rank=0, world_size=1)
    h = a.hidden
    cfg = Config(a.layers, hidden=h, heads=h // 64, kv_heads=h // 128,
                 ffn=h * 11 // 4, vocab=32000)
    plan = one_rank_plan(a.layers)
    r = Rank(plan, 0, cfg)
    state = {k: v.detach() for k, v in r.model.state_dict().items()}
    gb = sum(v.numel() * v.element_size() for v in state.values()) / 1e9
    print("model: %d layers, hidden %d, %.2f GB of fp32 weights; folder %s"
          % (a.layers, h, gb, a.dir))
    print("%-5s %-6s %9s %9s %9s %9s %7s %7s" % (
        "round", "first", "save s/GB", "load s/GB", "plain w", "plain r",
        "save x", "load x"))
    for i in range(a.rounds):
        with tempfile.TemporaryDirectory(dir=a.dir) as folder:
            if i % 2:
                s, l = ours(r, cfg, folder)
                pw, pr = plain(state, folder)
            else:
                pw, pr = plain(state, folder)
                s, l = ours(r, cfg, folder)
        print("%-5d %-6s %9.2f %9.2f %9.2f %9.2f %7.2f %7.2f" % (
            i, "ours" if i % 2 else "plain", s / gb, l / gb, pw / gb,
            pr / gb, s / pw, l / pr), flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()

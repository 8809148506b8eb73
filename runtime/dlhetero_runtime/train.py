"""Training under a plan: each rank builds its stage's share of the model
and runs the plan's micro-batches through the pipeline (GPipe order: all
forwards, then all backwards), activations handed across chip groups of
any TP width by the sending stage's first TP rank to every rank of the
next stage; gradients are summed over each data-parallel group; plain SGD.
The single-process reference (reference_losses) trains the whole model on
the whole batch: the two agree to fp32 rounding."""
import argparse
import datetime
import json
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F

from . import checkpoint
from .elastic import Event, ResizeFlag, find_rank, wait_generation
from .model import EP, Config, Stage, TP, expert_of
from .plan import Plan, PlanError


def batch(cfg, step, global_batch, seq_len):
    """The global batch of step: global_batch sequences of seq_len + 1
    tokens (inputs and next-token targets), the same everywhere."""
    g = torch.Generator().manual_seed(cfg.seed * 7919 + step)
    return torch.randint(cfg.vocab, (global_batch, seq_len + 1), generator=g)


def token_loss(logits, targets):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                           targets.reshape(-1))


def reference_losses(plan, steps, lr, cfg=None):
    """Losses of the whole model trained in one process (plan: anything
    with global_batch and seq_len)."""
    cfg = cfg or Config.for_plan(plan)
    model = Stage(cfg, 0, cfg.num_layers)
    out = []
    for step in range(steps):
        tokens = batch(cfg, step, plan.global_batch, plan.seq_len)
        loss = token_loss(model(tokens[:, :-1]), tokens[:, 1:])
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
        out.append(loss.item())
    return out


class Rank:
    """This rank's part of the plan: its stage, its neighbours and its
    groups.  Every rank creates every group, in the same order (as
    torch.distributed requires)."""

    def __init__(self, plan, rank, cfg, weights=None):
        self.plan, self.rank, self.cfg = plan, rank, cfg
        me = self.me = plan.me(rank)
        groups = {}
        for key, lists in self.group_lists(plan).items():
            for gid, members in lists.items():
                pg = dist.new_group(members) if len(members) > 1 else None
                groups[(key, gid)] = (pg, members)
        tp_pg, tp_members = groups[("tp_group", me["tp_group"])]
        self.tp = TP(tp_pg, len(tp_members), tp_members.index(rank))
        self.dp_pg, dp_members = groups[("dp_group", me["dp_group"])]
        self.dp_size = len(dp_members)
        self.ep = EP()
        self.edp_pg, self.edp_size = None, 1
        if cfg.experts:
            ep_pg, ep_members = groups[("ep_group", me["ep_group"])]
            self.ep = EP(ep_pg, len(ep_members), ep_members.index(rank))
            for m in ep_members:
                r = plan.me(m)
                if (r["batch"], r["micro_batches"]) != (me["batch"],
                                                        me["micro_batches"]):
                    raise PlanError("MoE: ranks %d and %d of an expert group "
                                    "run different micro-batches" % (rank, m))
            key = ("edp", (me["dp_group"], self.ep.rank))
            self.edp_pg, edp_members = groups[key]
            self.edp_size = len(edp_members)
        stages = plan.stages_of(me["pp_group"])
        i = stages.index(me["stage"])
        self.prev = plan.stage_ranks(me["pp_group"], stages[i - 1]) if i else []
        self.next = (plan.stage_ranks(me["pp_group"], stages[i + 1])
                     if i + 1 < len(stages) else [])
        self.model = Stage(cfg, me["first_layer"], me["last_layer"], self.tp,
                           weights, self.ep)

    @staticmethod
    def group_lists(plan):
        """Every group of the plan, in one order for all ranks: TP, DP,
        EP, and for experts the ranks of a DP group that hold the same
        experts (their EP index), which sum those experts' gradients."""
        out = {key: plan.members(key)
               for key in ("tp_group", "dp_group", "ep_group")}
        edp = {}
        ep_index = {}
        for members in out["ep_group"].values():
            for i, m in enumerate(members):
                ep_index[m] = i
        for gid, members in out["dp_group"].items():
            for m in members:
                edp.setdefault((gid, ep_index.get(m, 0)), []).append(m)
        out["edp"] = edp
        return out

    def step(self, step, lr):
        """One training step; returns this rank's share of the global
        loss (non-zero on the first TP rank of each last stage)."""
        plan, me, cfg = self.plan, self.me, self.cfg
        tokens = batch(cfg, step, plan.global_batch, plan.seq_len)
        off = plan.replica_offset(me["replica"])
        mine = tokens[off:off + me["batch"]]
        micro = [m for m in torch.tensor_split(mine, max(1, me["micro_batches"]))
                 if len(m)]
        kept, share = [], 0.0
        self.model.zero_grad()
        for mb in micro:                          # forwards
            if self.prev:
                x = torch.empty(len(mb), plan.seq_len, cfg.hidden)
                dist.recv(x, src=self.prev[0])
                x.requires_grad_()
            else:
                x = mb[:, :-1]
            y = self.model(x)
            if self.next:
                if self.tp.rank == 0:
                    for dst in self.next:
                        dist.send(y.detach().contiguous(), dst=dst)
                kept.append((x, y))
            else:
                loss = token_loss(y, mb[:, 1:]) * (len(mb) / plan.global_batch)
                share += loss.item()
                kept.append((x, loss))
        for x, y in kept:                         # backwards
            if self.next:
                g = torch.empty_like(y)
                dist.recv(g, src=self.next[0])
                y.backward(g)
            else:
                y.backward()
            if self.prev and self.tp.rank == 0:
                for dst in self.prev:
                    dist.send(x.grad.contiguous(), dst=dst)
        with torch.no_grad():
            for name, p in self.model.named_parameters():
                if expert_of(name.rsplit(".", 1)[-1]) is not None:
                    pg, size = self.edp_pg, self.edp_size
                else:
                    pg, size = self.dp_pg, self.dp_size
                if size > 1:
                    dist.all_reduce(p.grad, group=pg)
                p -= lr * p.grad
        return share if (not self.next and self.tp.rank == 0) else 0.0


class Progress:
    """What outlives a generation: the losses and the last step done."""

    def __init__(self):
        self.losses, self.reached, self.config = {}, 0, None


def model_config(plan, meta):
    """The model the checkpoint holds, or the plan's for a fresh start."""
    cfg = (Config.from_dict(meta["config"]) if meta and "config" in meta
           else Config.for_plan(plan))
    why = cfg.check_plan(plan)
    if why:
        raise PlanError("generation %d cannot run this model: %s"
                        % (plan.generation, why))
    return cfg


def train(plan, rank, a, progress, flag=None, event=None, log=None):
    """Trains this generation up to step a.steps, from the last checkpoint
    in a.checkpoint_dir when there is one; checkpoints every
    a.checkpoint_every steps and at the end.  Returns True when the job
    resized (all ranks checkpointed at the same step), False when done.
    Each step's global loss goes to progress on every rank (one all-reduce
    of the last stages' shares, with the resize flag)."""
    ckdir, every = a.checkpoint_dir, a.checkpoint_every
    start, folder, meta = (checkpoint.latest(ckdir) if ckdir
                           else (0, None, None))
    cfg = model_config(plan, meta)
    progress.config = cfg.to_dict()
    r = Rank(plan, rank, cfg, checkpoint.Weights(folder) if folder else None)
    if rank == 0 and folder:
        log("generation %d, %d ranks: resumed from %s (step %d) at %.3f"
            % (plan.generation, plan.world_size, folder, start, time.time()))
    for step in range(start, a.steps):
        t0 = time.time()
        want = flag.wanted(plan.generation) if flag else 0.0
        share = torch.tensor([r.step(step, a.lr), want], dtype=torch.float64)
        dist.all_reduce(share)
        progress.losses[step] = share[0].item()
        progress.reached = step + 1
        if rank == 0:
            log("step %d loss %.6f (%.2f s)" % (step, progress.losses[step],
                                               time.time() - t0))
            if ckdir:
                checkpoint.write_progress(ckdir, step + 1, plan.generation,
                                          plan.world_size)
            if event:
                event.report(step + 1, log)
        event = None
        if ckdir and (step + 1 == a.steps or share[1] > 0
                      or (every and (step + 1) % every == 0)):
            checkpoint.save(r, step + 1, ckdir)
        if share[1] > 0:
            if not ckdir:
                raise PlanError("resized without a checkpoint folder "
                                "(DL_CHECKPOINT_DIR, --checkpoint-dir)")
            return True
    return False


def agree_generation(path, generation, timeout):
    """The next plan generation, the same for every rank of the world that
    is ending (still whole: all its ranks asked to resize at one step).
    Each rank reads its node's plan file, and on a busy node two ranks may
    read it a second apart, across one more rewrite (a part that left ends:
    one more generation); ranks of two generations would wait for each
    other on two ports.  So the ranks take the newest any of them read.
    None when this rank's plan did not move on within timeout s."""
    new = wait_generation(path, generation, timeout)
    seen = torch.tensor([new.generation if new else -1], dtype=torch.int64)
    try:
        dist.all_reduce(seen, op=dist.ReduceOp.MAX)
    except RuntimeError:    # a peer went away meanwhile: what this one read
        return new
    newest = int(seen.item())
    if new is not None and newest > new.generation:
        new = wait_generation(path, newest - 1, timeout)
    return new


def init_world(addr, port, rank, world, timeout):
    dist.init_process_group("gloo", init_method="tcp://%s:%d" % (addr, port),
                            rank=rank, world_size=world,
                            timeout=datetime.timedelta(seconds=timeout))


def start_rank(plan, node, local, chip):
    """This task's rank in the plan it starts with: the rank variables,
    checked, for a step's first plan; for a later generation (a part of a
    grown job starts with one, and the job may grow or shrink while this
    process starts, the plan at DL_PLAN rewritten under it) the rank is
    found by node and local rank, as after a resize; None when this task
    is not in it."""
    if plan.generation == 0:
        return plan.check_env()
    return find_rank(plan, node, local, chip)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="dlhetero-runtime",
                                 description=__doc__)
    ap.add_argument("--steps", type=int, default=3,
                    help="train until this step (from the last checkpoint)")
    ap.add_argument("--checkpoint-dir",
                    default=os.environ.get("DL_CHECKPOINT_DIR"))
    ap.add_argument("--checkpoint-every", type=int, default=0)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--out", help="rank 0 writes the losses here (JSON)")
    ap.add_argument("--plan", default=os.environ.get("DL_PLAN"))
    ap.add_argument("--global-batch", type=int,
                    help="train on this many sequences per step instead "
                    "of the plan's, split among its replicas as it says")
    ap.add_argument("--seq-len", type=int, help="instead of the plan's")
    ap.add_argument("--master-addr",
                    help="the rendezvous address of every generation "
                    "(default: MASTER_ADDR, then the new rank 0's node)")
    ap.add_argument("--timeout", type=float, default=120,
                    help="seconds a collective may wait for a peer")
    ap.add_argument("--resize-wait", type=float, default=60,
                    help="seconds to wait for the next plan generation "
                    "after a peer failed")
    a = ap.parse_args(argv)
    env = os.environ
    if not a.plan:
        err = env.get("DL_PLAN_ERROR", "no DL_PLAN")
        print("dlhetero_runtime: no plan: %s" % err, file=sys.stderr)
        return 2
    node = env.get("SLURMD_NODENAME")
    local = int(env.get("LOCAL_RANK", env.get("SLURM_LOCALID", "-1")))
    chip = env.get("DL_CHIP_TYPE")
    try:
        flag = ResizeFlag(env.get("DL_RESIZE_SIGNAL"), a.plan)
        plan = Plan.load(a.plan).scale(a.global_batch, a.seq_len)
        rank = start_rank(plan, node, local, chip)
    except (OSError, ValueError, KeyError, PlanError) as e:
        print("dlhetero_runtime: %s: %s" % (a.plan, e), file=sys.stderr)
        return 2
    if rank is None:
        print("dlhetero_runtime: %s/%d is not in generation %d: done"
              % (node, local, plan.generation), file=sys.stderr)
        return 0

    def log(msg):
        print("dlhetero_runtime: %s" % msg, file=sys.stderr, flush=True)

    progress, event = Progress(), None
    restarts = int(env.get("DL_RESTART_COUNT", "0") or 0)
    if restarts and a.checkpoint_dir:
        last = checkpoint.read_progress(a.checkpoint_dir)
        if last:
            resumed = checkpoint.latest(a.checkpoint_dir)[0]
            event = Event("requeue %d" % restarts, last[1], last[0], resumed)
    addr = a.master_addr or env["MASTER_ADDR"]
    base_port = int(env["MASTER_PORT"])
    while True:
        # each generation meets on its own port: a fresh store, no
        # stragglers of the last world.  A grown job's plan names it: its
        # parts are other Slurm jobs, with other MASTER_PORTs.
        port = plan.doc.get("master_port") or base_port + plan.generation
        if plan.doc.get("master_port") and not a.master_addr:
            addr = plan.me(0)["node_name"]
        with flag.held():
            init_world(addr, port, rank, plan.world_size, a.timeout)
        failed = None
        try:
            resized = train(plan, rank, a, progress, flag, event, log)
        except RuntimeError as e:   # a peer left (gloo): the node went away
            failed, resized = time.time(), True
            log("rank %d of generation %d: %s" % (rank, plan.generation,
                                                   str(e).splitlines()[0]))
        except PlanError as e:
            log(str(e))
            return 2
        agreed = resized and not failed and a.checkpoint_dir
        if agreed:
            new = agree_generation(a.plan, plan.generation, a.resize_wait)
        try:
            dist.destroy_process_group()
        except RuntimeError:
            pass
        if not resized:
            break
        at = flag.take() or failed
        if not a.checkpoint_dir:
            log("a peer failed and there is no checkpoint folder")
            return 3
        if not agreed:     # a peer failed: no world left to agree in
            new = wait_generation(a.plan, plan.generation, a.resize_wait)
        if new is None:
            log("no plan generation after %d within %g s"
                % (plan.generation, a.resize_wait))
            return 3
        new.scale(a.global_batch, a.seq_len)
        try:
            mine = find_rank(new, node, local, chip)
        except PlanError as e:
            log(str(e))
            return 2
        if mine is None:
            log("%s/%d is not in generation %d: done" % (node, local,
                                                          new.generation))
            return 0
        resumed = checkpoint.latest(a.checkpoint_dir)[0]
        event = Event("resize to generation %d (%d ranks)"
                      % (new.generation, new.world_size), at,
                      progress.reached, resumed)
        plan, rank = new, mine
        addr = a.master_addr or plan.me(0)["node_name"]
    if rank == 0 and a.out:
        with open(a.out + ".tmp", "w") as f:
            json.dump({"losses": {str(k): v
                                  for k, v in progress.losses.items()},
                       "world_size": plan.world_size,
                       "generation": plan.generation,
                       # what the single process needs to train the same
                       "config": progress.config, "lr": a.lr,
                       "global_batch": plan.global_batch,
                       "seq_len": plan.seq_len,
                       "groups": [{k: g[k] for k in ("chip", "tp", "pp", "dp",
                                                     "ep", "first_layer",
                                                     "last_layer")}
                                  for g in plan.doc.get("groups", [])],
                       "layer_split": [s["last_layer"] - s["first_layer"]
                                       for s in plan.doc.get("stages", [])]},
                      f)
        os.replace(a.out + ".tmp", a.out)
    return 0

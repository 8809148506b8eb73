"""The plan of this task: DL_PLAN read, checked against the task's
environment, and the groups it defines."""
import json
import os


class PlanError(Exception):
    pass


class Plan:
    def __init__(self, doc):
        self.doc = doc
        self.ranks = doc["ranks"]
        self.world_size = doc["world_size"]
        if len(self.ranks) != self.world_size:
            raise PlanError("plan: %d ranks for world size %d"
                            % (len(self.ranks), self.world_size))
        for i, r in enumerate(self.ranks):
            if r["rank"] != i:
                raise PlanError("plan: rank %d listed at %d" % (r["rank"], i))
        self.num_layers = max(r["last_layer"] for r in self.ranks)
        self.generation = doc.get("generation", 0)
        self.replica_batch = doc["replica_batch"]
        self.global_batch = doc["global_batch"]
        self.seq_len = doc["seq_len"]
        self.check_layout()

    def check_layout(self):
        """What torch.distributed and the model need of a plan: each
        pipeline's stages cover the layers [0, n) in order without a gap
        or an overlap, and a TP group is one stage of one pipeline."""
        for pp in {r["pp_group"] for r in self.ranks}:
            stages = {}
            for r in self.ranks:
                if r["pp_group"] == pp:
                    span = (r["first_layer"], r["last_layer"])
                    if stages.setdefault(r["stage"], span) != span:
                        raise PlanError("plan: stage %d of pipeline %d has "
                                        "ranks with other layers" % (
                                            r["stage"], pp))
            at = 0
            for stage in sorted(stages):
                first, last = stages[stage]
                if first != at or last <= first:
                    raise PlanError("plan: pipeline %d stage %d holds layers "
                                    "[%d, %d), the next layer is %d" % (
                                        pp, stage, first, last, at))
                at = last
            if at != self.num_layers:
                raise PlanError("plan: pipeline %d ends at layer %d of %d"
                                % (pp, at, self.num_layers))
        for g, members in self.members("tp_group").items():
            where = {(self.ranks[m]["pp_group"], self.ranks[m]["stage"])
                     for m in members}
            if len(where) != 1:
                raise PlanError("plan: TP group %d spans stages %s"
                                % (g, sorted(where)))

    @classmethod
    def load(cls, path):
        with open(path) as f:
            return cls(json.load(f))

    def me(self, rank):
        return self.ranks[rank]

    def check_env(self, env=os.environ):
        """The plan must be this task's: its rank, world size, node and
        chip as Slurm and gres/accel gave them."""
        rank = int(env["RANK"])
        world = int(env["WORLD_SIZE"])
        if world != self.world_size:
            raise PlanError("WORLD_SIZE=%d, the plan has %d ranks"
                            % (world, self.world_size))
        r = self.me(rank)
        node = env.get("SLURMD_NODENAME")
        if node and node != r["node_name"]:
            raise PlanError("rank %d runs on %s, the plan puts it on %s"
                            % (rank, node, r["node_name"]))
        chip = env.get("DL_CHIP_TYPE")
        if chip and chip != r["chip"]:
            raise PlanError("rank %d has a %s, the plan gives it a %s"
                            % (rank, chip, r["chip"]))
        return rank

    def members(self, key):
        """{group id: [global ranks]} for key tp_group, pp_group,
        dp_group or ep_group, ranks ordered by tp_rank then rank."""
        out = {}
        for r in self.ranks:
            g = r[key]
            if g >= 0:
                out.setdefault(g, []).append(r)
        return {g: [r["rank"] for r in sorted(rs, key=lambda r: (r["tp_rank"], r["rank"]))]
                for g, rs in sorted(out.items())}

    def stage_ranks(self, pp_group, stage):
        """Ranks of one pipeline's stage, in tp_rank order."""
        rs = [r for r in self.ranks
              if r["pp_group"] == pp_group and r["stage"] == stage]
        return [r["rank"] for r in sorted(rs, key=lambda r: r["tp_rank"])]

    def stages_of(self, pp_group):
        return sorted({r["stage"] for r in self.ranks
                       if r["pp_group"] == pp_group})

    def replica_offset(self, replica):
        return sum(self.replica_batch[:replica])

    def max_ep(self):
        """The widest expert group; 0 for a dense model's plan."""
        eps = self.members("ep_group")
        return max(len(m) for m in eps.values()) if eps else 0

    def max_tp(self):
        return max(len(m) for m in self.members("tp_group").values())

    def scale(self, global_batch=None, seq_len=None):
        """The same plan for a smaller batch (tests, small jobs): the
        replicas keep their shares of it (largest remainder), each rank
        at most one micro-batch per sequence."""
        if seq_len:
            self.seq_len = seq_len
        if not global_batch or global_batch == self.global_batch:
            return self
        if global_batch < len(self.replica_batch):
            raise PlanError("a batch of %d for %d replicas"
                            % (global_batch, len(self.replica_batch)))
        old = self.replica_batch
        exact = [b * global_batch / self.global_batch for b in old]
        new = [max(1, int(x)) for x in exact]
        order = sorted(range(len(old)), key=lambda i: new[i] - exact[i])
        i = 0
        while sum(new) < global_batch:
            new[order[i % len(order)]] += 1
            i += 1
        while sum(new) > global_batch:
            j = max(range(len(new)), key=lambda k: new[k])
            new[j] -= 1
        self.replica_batch, self.global_batch = new, global_batch
        for r in self.ranks:
            r["batch"] = new[r["replica"]]
            r["micro_batches"] = max(1, min(r["micro_batches"], r["batch"]))
        return self

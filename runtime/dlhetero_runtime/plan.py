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

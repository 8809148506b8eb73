"""A small LLaMA-style decoder (RMSNorm, rotary attention with grouped KV
heads, SwiGLU MLP) whose layers can be split over a tensor-parallel group:
attention heads and MLP columns are divided among the group's ranks
(column-parallel in, row-parallel out, one all-reduce each), as Megatron
does.  Every weight is made from the full layer's seeded weights and
sliced, so any split computes the same function as the whole model."""
import math

import torch
import torch.distributed as dist
import torch.nn.functional as F


class Config:
    @classmethod
    def for_plan(cls, plan, seed=1234):
        """The plan's layer count; heads, KV heads and MLP columns that
        every TP width of the plan divides; for a plan with expert groups
        (an MoE model), experts that every EP width divides, top-2."""
        kv = max(4, plan.max_tp())
        ep = plan.max_ep()
        return cls(plan.num_layers, hidden=8 * kv, heads=2 * kv, kv_heads=kv,
                   ffn=16 * kv, seed=seed,
                   experts=4 * ep if ep else 0, top_k=2)

    def __init__(self, num_layers, hidden=32, heads=8, kv_heads=4, ffn=64,
                 vocab=64, seed=1234, experts=0, top_k=2):
        self.num_layers = num_layers
        self.hidden = hidden
        self.heads = heads
        self.kv_heads = kv_heads
        self.head_dim = hidden // heads
        self.ffn = ffn
        self.vocab = vocab
        self.seed = seed
        self.experts = experts  # 0: dense MLP
        self.top_k = top_k

    FIELDS = ("num_layers", "hidden", "heads", "kv_heads", "ffn", "vocab",
              "seed", "experts", "top_k")

    def to_dict(self):
        return {k: getattr(self, k) for k in self.FIELDS}

    @classmethod
    def from_dict(cls, d):
        return cls(**{k: int(d[k]) for k in cls.FIELDS})

    def check_plan(self, plan):
        """A model trained under one plan continues under another only if
        the new plan's TP widths split its heads and columns and its EP
        widths its experts."""
        if plan.num_layers != self.num_layers:
            return "the plan has %d layers, the model %d" % (
                plan.num_layers, self.num_layers)
        for tp in {len(m) for m in plan.members("tp_group").values()}:
            if self.kv_heads % tp or self.heads % tp or self.ffn % tp:
                return ("TP width %d does not divide %d KV heads, %d heads, "
                        "%d MLP columns" % (tp, self.kv_heads, self.heads,
                                            self.ffn))
        for ep in {len(m) for m in plan.members("ep_group").values()}:
            if not self.experts or self.experts % ep:
                return "EP width %d does not divide %d experts" % (
                    ep, self.experts)
        return None


def seeded(cfg, what, layer, *shape):
    """The full weight named what of layer (-1: embedding and head),
    the same on every rank and in the single-process reference."""
    g = torch.Generator().manual_seed(cfg.seed * 100003 + (layer + 1) * 101
                                      + sum(map(ord, what)))
    return torch.randn(*shape, generator=g) / math.sqrt(shape[-1])


class _CopyToTP(torch.autograd.Function):
    """Identity forward; the gradient is summed over the group (the
    input feeds every rank's slice)."""

    @staticmethod
    def forward(ctx, x, group):
        ctx.group = group
        return x

    @staticmethod
    def backward(ctx, g):
        g = g.clone()
        dist.all_reduce(g, group=ctx.group)
        return g, None


class _ReduceFromTP(torch.autograd.Function):
    """Partial sums added over the group; the gradient goes to every
    rank unchanged."""

    @staticmethod
    def forward(ctx, x, group):
        x = x.clone()
        dist.all_reduce(x, group=group)
        return x

    @staticmethod
    def backward(ctx, g):
        return g, None


class TP:
    """This rank's place in its stage's tensor-parallel group."""

    def __init__(self, group=None, size=1, rank=0):
        self.group, self.size, self.rank = group, size, rank

    def copy_in(self, x):
        return _CopyToTP.apply(x, self.group) if self.size > 1 else x

    def reduce_out(self, x):
        return _ReduceFromTP.apply(x, self.group) if self.size > 1 else x

    def rows(self, w, n):
        """This rank's n/size consecutive rows of w (output features)."""
        k = n // self.size
        return w[self.rank * k:(self.rank + 1) * k]


class EP:
    """This rank's place in its expert-parallel group: the group's ranks
    hold different experts and see each other's tokens."""

    def __init__(self, group=None, size=1, rank=0):
        self.group, self.size, self.rank = group, size, rank


class _GatherEP(torch.autograd.Function):
    """Every rank's rows (padded to the same count) stacked in group
    order; the gradient of a rank's rows is summed over the group."""

    @staticmethod
    def forward(ctx, x, group, size, rank):
        ctx.group, ctx.rank, ctx.n = group, rank, x.shape[0]
        parts = [torch.empty_like(x) for _ in range(size)]
        dist.all_gather(parts, x.contiguous(), group=group)
        return torch.cat(parts)

    @staticmethod
    def backward(ctx, g):
        g = g.contiguous().clone()
        dist.all_reduce(g, group=ctx.group)
        return g[ctx.rank * ctx.n:(ctx.rank + 1) * ctx.n], None, None, None


class _CombineEP(torch.autograd.Function):
    """The group's partial outputs for all rows added up, this rank's
    rows kept; the gradient of every row comes from the rank that owns
    it."""

    @staticmethod
    def forward(ctx, y, group, size, rank):
        ctx.group, ctx.size = group, size
        n = y.shape[0] // size
        y = y.contiguous().clone()
        dist.all_reduce(y, group=group)
        return y[rank * n:(rank + 1) * n]

    @staticmethod
    def backward(ctx, g):
        parts = [torch.empty_like(g) for _ in range(ctx.size)]
        dist.all_gather(parts, g.contiguous(), group=ctx.group)
        return torch.cat(parts), None, None, None


class RMSNorm(torch.nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) \
            * self.weight


def rotary(x, base=10000.0):
    """Rotary position embedding over the last dim of (b, h, s, d)."""
    s, d = x.shape[-2], x.shape[-1]
    inv = 1.0 / base ** (torch.arange(0, d, 2, dtype=torch.float32) / d)
    ang = torch.arange(s, dtype=torch.float32)[:, None] * inv[None, :]
    cos, sin = ang.cos(), ang.sin()
    x1, x2 = x[..., 0::2], x[..., 1::2]
    out = torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1)
    return out.flatten(-2)


# A layer's weights: name -> (full shape, how TP splits it): "rows" splits
# the output features (column-parallel), "cols" the input features
# (row-parallel), None keeps it whole on every rank.
def layer_shapes(cfg):
    h, d = cfg.hidden, cfg.head_dim
    if cfg.experts:
        shapes = {"attn_norm": ((h,), None), "mlp_norm": ((h,), None),
                  "router": ((cfg.experts, h), None)}
        for e in range(cfg.experts):
            shapes["e%d_gate" % e] = ((cfg.ffn, h), "rows")
            shapes["e%d_up" % e] = ((cfg.ffn, h), "rows")
            shapes["e%d_down" % e] = ((h, cfg.ffn), "cols")
        for n, shape in _attention_shapes(cfg).items():
            shapes[n] = shape
        return shapes
    return dict(_attention_shapes(cfg), **{
        "attn_norm": ((h,), None), "mlp_norm": ((h,), None),
        "w_gate": ((cfg.ffn, h), "rows"), "w_up": ((cfg.ffn, h), "rows"),
        "w_down": ((h, cfg.ffn), "cols"),
    })


def _attention_shapes(cfg):
    h, d = cfg.hidden, cfg.head_dim
    return {
        "attn_norm": ((h,), None), "mlp_norm": ((h,), None),
        "wq": ((cfg.heads * d, h), "rows"),
        "wk": ((cfg.kv_heads * d, h), "rows"),
        "wv": ((cfg.kv_heads * d, h), "rows"),
        "wo": ((h, cfg.heads * d), "cols"),
    }


def expert_of(name):
    """The expert a weight belongs to ("e3_up" -> 3), or None."""
    if name[0] == "e" and "_" in name and name[1:name.index("_")].isdigit():
        return int(name[1:name.index("_")])
    return None


def initial(cfg, name, layer, shape):
    """A weight as training starts: norms 1, the rest seeded."""
    if name.endswith("norm"):
        return torch.ones(shape)
    return seeded(cfg, name, layer, *shape)


class Layer(torch.nn.Module):
    """One decoder layer, this rank's share of it, cut from the full
    weights (full(name, shape): seeded at the start, a checkpoint's
    later)."""

    def __init__(self, cfg, index, tp, full=None, ep=None):
        super().__init__()
        ep = ep or EP()
        if cfg.experts % ep.size:
            raise ValueError("EP width %d does not divide %d experts"
                             % (ep.size, cfg.experts))
        self.ep = ep
        per = cfg.experts // ep.size
        self.local_experts = range(ep.rank * per, (ep.rank + 1) * per)
        if cfg.heads % tp.size or cfg.kv_heads % tp.size or cfg.ffn % tp.size:
            raise ValueError("TP width %d does not divide %d heads, %d KV "
                             "heads, %d MLP columns"
                             % (tp.size, cfg.heads, cfg.kv_heads, cfg.ffn))
        h, d = cfg.hidden, cfg.head_dim
        self.cfg, self.tp = cfg, tp
        self.heads = cfg.heads // tp.size
        self.kv_heads = cfg.kv_heads // tp.size
        full = full or (lambda name, shape: initial(cfg, name, index, shape))
        self.attn_norm = RMSNorm(h)
        self.mlp_norm = RMSNorm(h)
        for name, (shape, split) in layer_shapes(cfg).items():
            e = expert_of(name)
            if e is not None and e not in self.local_experts:
                continue
            w = full(name, shape)
            if split == "rows":
                w = tp.rows(w, shape[0])
            elif split == "cols":
                w = tp.rows(w.t(), shape[1]).t()
            w = torch.nn.Parameter(w.contiguous().clone())
            if name.endswith("norm"):
                getattr(self, name).weight = w
            else:
                setattr(self, name, w)

    def full_weights(self):
        """name -> the full tensor (TP shards gathered)."""
        out = {}
        for name, (shape, split) in layer_shapes(self.cfg).items():
            e = expert_of(name)
            if e is not None and e not in self.local_experts:
                w = torch.zeros(shape)  # the expert's rank sends it below
                if self.tp.size > 1:
                    w = w[:shape[0] // self.tp.size] if split == "rows" \
                        else w[:, :shape[1] // self.tp.size]
            else:
                w = (getattr(self, name).weight if name.endswith("norm")
                     else getattr(self, name)).detach()
            if split and self.tp.size > 1:
                parts = [torch.empty_like(w) for _ in range(self.tp.size)]
                dist.all_gather(parts, w.contiguous(), group=self.tp.group)
                w = torch.cat(parts, dim=0 if split == "rows" else 1)
            if e is not None and self.ep.size > 1:
                w = w.clone()   # only its owner's copy is not zero
                dist.all_reduce(w, group=self.ep.group)
            out[name] = w.clone()
        return out

    def moe(self, y):
        """Top-k routed SwiGLU experts over the EP group: every rank sees
        the group's tokens, runs its own experts on those routed to them,
        and the outputs are added up and sent back to their tokens."""
        cfg, ep = self.cfg, self.ep
        b, s, h = y.shape
        tok = y.reshape(-1, h)
        probs = F.linear(tok, self.router).softmax(-1)
        w, idx = probs.topk(cfg.top_k, dim=-1)
        w = w / w.sum(-1, keepdim=True)
        if ep.size > 1:
            tok = _GatherEP.apply(tok, ep.group, ep.size, ep.rank)
            w = _GatherEP.apply(w, ep.group, ep.size, ep.rank)
            parts = [torch.empty_like(idx) for _ in range(ep.size)]
            dist.all_gather(parts, idx.contiguous(), group=ep.group)
            idx = torch.cat(parts)
        out = torch.zeros_like(tok)
        for e in self.local_experts:
            rows, slot = (idx == e).nonzero(as_tuple=True)
            x = self.tp.copy_in(tok[rows])
            m = F.silu(F.linear(x, getattr(self, "e%d_gate" % e))) * \
                F.linear(x, getattr(self, "e%d_up" % e))
            ye = self.tp.reduce_out(F.linear(m, getattr(self, "e%d_down" % e)))
            out = out.index_add(0, rows, w[rows, slot].unsqueeze(-1) * ye)
        if ep.size > 1:
            out = _CombineEP.apply(out, ep.group, ep.size, ep.rank)
        return out.reshape(b, s, h)

    def forward(self, x):
        b, s, _ = x.shape
        d = self.cfg.head_dim
        y = self.tp.copy_in(self.attn_norm(x))
        q = F.linear(y, self.wq).view(b, s, self.heads, d).transpose(1, 2)
        k = F.linear(y, self.wk).view(b, s, self.kv_heads, d).transpose(1, 2)
        v = F.linear(y, self.wv).view(b, s, self.kv_heads, d).transpose(1, 2)
        q, k = rotary(q), rotary(k)
        rep = self.heads // self.kv_heads
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(d)
        mask = torch.ones(s, s, dtype=torch.bool).triu(1)
        att = att.masked_fill(mask, float("-inf")).softmax(-1)
        o = (att @ v).transpose(1, 2).reshape(b, s, self.heads * d)
        x = x + self.tp.reduce_out(F.linear(o, self.wo))
        if self.cfg.experts:
            return x + self.moe(self.mlp_norm(x))
        y = self.tp.copy_in(self.mlp_norm(x))
        m = F.silu(F.linear(y, self.w_gate)) * F.linear(y, self.w_up)
        return x + self.tp.reduce_out(F.linear(m, self.w_down))


class Stage(torch.nn.Module):
    """Layers [first, last) of the model; the first stage also embeds the
    tokens, the last one also computes the logits."""

    def __init__(self, cfg, first, last, tp=None, weights=None, ep=None):
        """weights(layer, name, shape) gives a full weight (layer -1: the
        embedding, final norm and head); None: training starts."""
        super().__init__()
        tp = tp or TP()
        weights = weights or (lambda layer, name, shape:
                              initial(cfg, name, layer, shape))
        self.first, self.last = first, last
        self.first_stage = first == 0
        self.last_stage = last == cfg.num_layers
        self.layers = torch.nn.ModuleList(
            Layer(cfg, i, tp, lambda name, shape, i=i: weights(i, name, shape),
                  ep)
            for i in range(first, last))
        P = torch.nn.Parameter
        if self.first_stage:
            self.embed = P(weights(-1, "embed", (cfg.vocab, cfg.hidden)).clone())
        if self.last_stage:
            self.norm = RMSNorm(cfg.hidden)
            self.norm.weight = P(weights(-1, "norm", (cfg.hidden,)).clone())
            self.head = P(weights(-1, "head", (cfg.vocab, cfg.hidden)).clone())

    def full_weights(self):
        """{layer: {name: full tensor}} of this stage (-1: embedding,
        final norm, head); a collective over the stage's TP group."""
        out = {i: l.full_weights()
               for i, l in zip(range(self.first, self.last), self.layers)}
        extra = {}
        if self.first_stage:
            extra["embed"] = self.embed.detach().clone()
        if self.last_stage:
            extra["norm"] = self.norm.weight.detach().clone()
            extra["head"] = self.head.detach().clone()
        if extra:
            out[-1] = extra
        return out

    def forward(self, x):
        if self.first_stage:
            x = F.embedding(x, self.embed)
        for layer in self.layers:
            x = layer(x)
        if self.last_stage:
            x = F.linear(self.norm(x), self.head)
        return x

"""Checkpoints that follow the plan: one file per layer with its full
weights (TP shards gathered), written by the first replica's first TP
rank of each stage, each file written aside and renamed into place, then
a "latest" file renamed into place last, so a checkpoint is either whole
or not there.  Any plan can load any checkpoint of the same model: each
rank reads the layers of its stage and cuts its TP share."""
import json
import os
import time

import torch
import torch.distributed as dist


def _write(path, save):
    """save(f) into a file beside path, on disk, then renamed over path:
    a reader (or a restart after a crash) sees the old file or the new."""
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "wb") as f:
        save(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _file(layer):
    return "layer-%05d.pt" % layer


# the weights outside the layers: the first stage's and the last stage's
EXTRA_FILES = {"embed.pt": ("embed",), "head.pt": ("norm", "head")}


def save(r, step, ckdir, extra_meta=None):
    """Collective: every rank of the job calls it after step `step - 1`."""
    full = r.model.full_weights()
    d = os.path.join(ckdir, "step-%d" % step)
    if r.rank == 0:
        os.makedirs(d, exist_ok=True)
    dist.barrier()
    if r.me["replica"] == 0 and r.tp.rank == 0:
        for layer, ws in full.items():
            if layer >= 0:
                files = {_file(layer): ws}
            else:
                files = {f: {k: ws[k] for k in keys}
                         for f, keys in EXTRA_FILES.items() if keys[0] in ws}
            for f, part in files.items():
                _write(os.path.join(d, f),
                       lambda p, part=part: torch.save(part, p))
    dist.barrier()
    if r.rank == 0:
        meta = dict(step=step, config=r.cfg.to_dict(),
                    generation=r.plan.generation,
                    world_size=r.plan.world_size, **(extra_meta or {}))
        _write(os.path.join(d, "meta.json"),
               lambda f: f.write(json.dumps(meta).encode()))
        _write(os.path.join(ckdir, "latest"),
               lambda f: f.write(b"step-%d\n" % step))
        fd = os.open(ckdir, os.O_RDONLY)    # the renames, on disk too
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    dist.barrier()


def latest(ckdir):
    """(step, folder, meta) of the last whole checkpoint, or
    (0, None, None)."""
    try:
        with open(os.path.join(ckdir, "latest")) as f:
            d = os.path.join(ckdir, f.read().strip())
        with open(os.path.join(d, "meta.json")) as f:
            meta = json.load(f)
        return meta["step"], d, meta
    except (OSError, ValueError, KeyError):
        return 0, None, None


PROGRESS = "progress.json"


def write_progress(ckdir, step, generation, world_size):
    """Rank 0 after each step: how far training got and when, so that a
    requeued job can say how many steps it lost and how long it was
    gone."""
    doc = dict(step=step, time=time.time(), generation=generation,
               world_size=world_size)
    _write(os.path.join(ckdir, PROGRESS),
           lambda f: f.write(json.dumps(doc).encode()))


def read_progress(ckdir):
    try:
        with open(os.path.join(ckdir, PROGRESS)) as f:
            doc = json.load(f)
        return int(doc["step"]), float(doc["time"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Weights:
    """weights(layer, name, shape) for model.Stage from a checkpoint."""

    def __init__(self, folder):
        self.folder, self.cache = folder, {}

    def _load(self, layer):
        if layer not in self.cache:
            if layer >= 0:
                self.cache[layer] = torch.load(
                    os.path.join(self.folder, _file(layer)))
            else:
                ws = {}
                for f in EXTRA_FILES:
                    ws.update(torch.load(os.path.join(self.folder, f)))
                self.cache[layer] = ws
        return self.cache[layer]

    def __call__(self, layer, name, shape):
        w = self._load(layer)[name]
        if tuple(w.shape) != tuple(shape):
            raise ValueError("checkpoint %s: layer %d %s is %s, the model "
                             "wants %s" % (self.folder, layer, name,
                                           tuple(w.shape), tuple(shape)))
        return w

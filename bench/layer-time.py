#!/usr/bin/env python3
"""Time one decoder layer, forward + backward, on this machine's accelerator.

This is how the planner's chip speed (catalog tflops_bf16 x efficiency) is
checked against a real chip: the layer is the one the cost model counts
(RMSNorm, fused QKV projection, causal attention with grouped KV heads,
SwiGLU MLP), in bf16, and the achieved TFLOPS use the cost model's count
(Megatron-LM: attention counted in full, x3 for forward + backward).

    bench/layer-time.py [--models llama2-7b,llama2-70b] [--batch 1,2]
                        [--seq 4096] [--json OUT]

Prints a Markdown table.  Needs PyTorch with a CUDA (or torch_npu, via
--device npu) device.
"""
import argparse
import json
import sys
import time

# hidden, ffn, heads, kv heads: as in data/models.json
MODELS = {
    "llama2-7b": (4096, 11008, 32, 32),
    "llama2-13b": (5120, 13824, 40, 40),
    "llama2-70b": (8192, 28672, 64, 8),
    "qwen2.5-7b": (3584, 18944, 28, 4),
}


def layer_flops(h, f, a, g, b, s):
    hd = h // a
    weights = h * (a * hd + 2 * g * hd) + a * hd * h + 3 * h * f
    fwd = 2 * b * s * weights + 4 * b * s * s * a * hd
    return 3 * fwd


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="llama2-7b,llama2-70b")
    ap.add_argument("--batch", default="1,2")
    ap.add_argument("--seq", type=int, default=4096)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--json")
    args = ap.parse_args()

    import torch
    import torch.nn.functional as F

    if args.device == "npu":
        import torch_npu  # noqa: F401
    dev = torch.device(args.device)
    mod = getattr(torch, args.device)
    dt = torch.bfloat16

    def sync():
        mod.synchronize()

    def rms(x, w):
        return x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True)
                               + 1e-5).to(x.dtype) * w

    def run(h, f, a, g, b, s):
        hd = h // a
        p = {
            "n1": torch.ones(h, device=dev, dtype=dt),
            "n2": torch.ones(h, device=dev, dtype=dt),
            "qkv": torch.randn(a * hd + 2 * g * hd, h, device=dev,
                               dtype=dt) * 0.02,
            "o": torch.randn(h, a * hd, device=dev, dtype=dt) * 0.02,
            "up": torch.randn(2 * f, h, device=dev, dtype=dt) * 0.02,
            "down": torch.randn(h, f, device=dev, dtype=dt) * 0.02,
        }
        for t in p.values():
            t.requires_grad_(True)
        x = torch.randn(b, s, h, device=dev, dtype=dt, requires_grad=True)

        def step():
            y = rms(x, p["n1"])
            qkv = F.linear(y, p["qkv"])
            q, k, v = qkv.split([a * hd, g * hd, g * hd], dim=-1)
            q = q.view(b, s, a, hd).transpose(1, 2)
            k = k.view(b, s, g, hd).transpose(1, 2)
            v = v.view(b, s, g, hd).transpose(1, 2)
            att = F.scaled_dot_product_attention(q, k, v, is_causal=True,
                                                 enable_gqa=(g != a))
            z = x + F.linear(att.transpose(1, 2).reshape(b, s, a * hd),
                             p["o"])
            gate, up = F.linear(rms(z, p["n2"]), p["up"]).chunk(2, dim=-1)
            out = z + F.linear(F.silu(gate) * up, p["down"])
            out.backward(torch.ones_like(out))

        for _ in range(3):
            step()
        sync()
        mod.reset_peak_memory_stats()
        times = []
        for _ in range(args.iters):
            t0 = time.perf_counter()
            step()
            sync()
            times.append(time.perf_counter() - t0)
        times.sort()
        ms = times[len(times) // 2] * 1e3
        return ms, mod.max_memory_allocated() / 2**30

    name = mod.get_device_name(0)
    rows = []
    print(f"device: {name}, torch {torch.__version__}")
    print("| model | micro-batch | seq | fwd+bwd ms | TFLOPS | peak GiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for m in args.models.split(","):
        h, f, a, g = MODELS[m]
        for b in (int(v) for v in args.batch.split(",")):
            ms, gib = run(h, f, a, g, b, args.seq)
            tf = layer_flops(h, f, a, g, b, args.seq) / (ms * 1e-3) / 1e12
            rows.append({"model": m, "micro_batch": b, "seq": args.seq,
                         "layer_fwd_bwd_ms": round(ms, 3),
                         "tflops_megatron": round(tf, 1),
                         "peak_mem_gib": round(gib, 2)})
            print(f"| {m} | {b} | {args.seq} | {ms:.3f} | {tf:.1f} | "
                  f"{gib:.2f} |", flush=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"device": name, "torch": torch.__version__,
                       "method": "bench/layer-time.py: one decoder layer, "
                       "bf16, forward+backward, 3 warm-up, median of "
                       f"{args.iters}", "train": rows}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

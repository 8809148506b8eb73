/*
 * cost_model: parameter counts, FLOPs, memory and time of transformer
 * pieces on one accelerator type.  Pure arithmetic, no Slurm, no I/O.
 *
 * FLOPs follow Megatron-LM's num_floating_point_operations(): every matmul
 * counts 2 FLOPs per multiply-add, a training step is forward + backward =
 * 3x forward, and the attention core (QK^T and AV) is counted in full (not
 * halved for the causal mask).  For a dense GQA model the sum is exactly
 *   12*B*s*L*h^2*[(1 + G/A + s/h)*(q/h) + (f/h)*3/2 + V/(2*L*h)].
 * Router FLOPs are left out (as Megatron does); router weights are counted
 * as parameters.
 */
#ifndef DLH_COST_MODEL_H
#define DLH_COST_MODEL_H

#include "chip_catalog.h"
#include "model_catalog.h"

enum recompute {
	RECOMPUTE_NONE,	     /* keep every activation */
	RECOMPUTE_SELECTIVE, /* recompute the attention core only */
	RECOMPUTE_FULL,	     /* keep layer inputs, redo the forward */
};

const char *recompute_name(enum recompute r);

/* Parameters of decoder layer i (all experts included), of its routed
 * experts only, and the ones a token uses (top_k + shared experts). */
double cm_layer_params(const struct model_spec *m, int i);
double cm_layer_expert_params(const struct model_spec *m, int i);
double cm_layer_active_params(const struct model_spec *m, int i);
/* Input embedding, and output head (with the final norm). */
double cm_embedding_params(const struct model_spec *m);
double cm_head_params(const struct model_spec *m);
double cm_total_params(const struct model_spec *m);
double cm_active_params(const struct model_spec *m);

/* Forward FLOPs of layer i for b sequences of s tokens. */
double cm_layer_fwd_flops(const struct model_spec *m, int i, double b,
			  double s);
/* Forward FLOPs of the attention core alone (what selective recompute
 * redoes). */
double cm_attn_core_fwd_flops(const struct model_spec *m, double b, double s);
/* Forward FLOPs of the output head (logits). */
double cm_head_fwd_flops(const struct model_spec *m, double b, double s);
/* Forward+backward FLOPs of layer i, plus what recompute redoes. */
double cm_layer_train_flops(const struct model_spec *m, int i, double b,
			    double s, enum recompute rc);
/* Megatron count of one training step: B sequences of s tokens. */
double cm_train_step_flops(const struct model_spec *m, double B, double s);

/* Bytes of activations layer i keeps per micro-batch of b sequences on one
 * of tp ranks (sequence parallel), Korthikanti et al. 2022:
 * none s*b*h*(34 + 5*a*s/h)/t, selective 34*s*b*h/t, full 2*s*b*h/t. */
double cm_layer_act_bytes(const struct model_spec *m, double b, double s,
			  int tp, enum recompute rc);
/* Working set of one layer being recomputed under full recompute. */
double cm_layer_work_bytes(const struct model_spec *m, double b, double s,
			   int tp);
/* fp32 logits of the last stage for one micro-batch. */
double cm_logits_bytes(const struct model_spec *m, double b, double s, int tp);

/* KV-cache bytes per token (bf16), all layers. MLA caches the latent. */
double cm_kv_bytes_per_token(const struct model_spec *m);

/* Per-parameter training state: bf16 weights, fp32 gradients, fp32
 * master weights + Adam moments sharded over d data-parallel ranks
 * (Megatron distributed optimizer: 6 + 12/d bytes). */
#define CM_WEIGHT_BYTES 2.0
#define CM_GRAD_BYTES	4.0
#define CM_OPTIM_BYTES	12.0

/* Achieved dense BF16 FLOP/s of one chip: tflops_bf16 * efficiency. */
double cm_chip_flops(const struct chip_type *c);
/* Usable memory of one chip in bytes (GiB figure, minus a runtime
 * reserve). */
double cm_chip_mem_bytes(const struct chip_type *c);
#define CM_MEM_RESERVE 0.10
/* Share of the memory bandwidth decode achieves. */
#define CM_MEM_BW_UTIL 0.75

#endif

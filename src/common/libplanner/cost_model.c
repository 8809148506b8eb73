/*
 * cost_model: see cost_model.h for the conventions.  Every formula here is
 * written out in doc/planner.md.
 */
#include "cost_model.h"

const char *recompute_name(enum recompute r)
{
	switch (r) {
	case RECOMPUTE_NONE:
		return "none";
	case RECOMPUTE_SELECTIVE:
		return "selective";
	case RECOMPUTE_FULL:
		return "full";
	}
	return "?";
}

static double q_width(const struct model_spec *m)
{
	return (double) m->heads * m->head_dim;
}

/* Query/key width per head and value width per head of the core. */
static double qk_head(const struct model_spec *m)
{
	if (m->kv_lora_rank)
		return m->qk_nope_head_dim + m->qk_rope_head_dim;
	return m->head_dim;
}

static double v_head(const struct model_spec *m)
{
	return m->kv_lora_rank ? m->v_head_dim : m->head_dim;
}

/* Weights of the attention projections (matmuls only). */
static double attn_matmul_params(const struct model_spec *m)
{
	double h = m->hidden, a = m->heads;

	if (m->kv_lora_rank) {
		double qk = qk_head(m), q;

		/* Queries go through a low-rank bottleneck when q_lora_rank
		 * is set; keys/values always do, plus a shared rope key. */
		if (m->q_lora_rank)
			q = h * m->q_lora_rank + m->q_lora_rank * a * qk;
		else
			q = h * a * qk;
		return q + h * (m->kv_lora_rank + m->qk_rope_head_dim) +
		       m->kv_lora_rank * a *
			       (m->qk_nope_head_dim + m->v_head_dim) +
		       a * m->v_head_dim * h;
	}
	return 2.0 * h * q_width(m) +
	       2.0 * h * (double) m->kv_heads * m->head_dim;
}

static double attn_norm_params(const struct model_spec *m)
{
	return m->kv_lora_rank ? m->q_lora_rank + m->kv_lora_rank : 0;
}

/* One SwiGLU MLP of width f: gate, up and down projections. */
static double swiglu_params(const struct model_spec *m, double f)
{
	return 3.0 * m->hidden * f;
}

double cm_layer_expert_params(const struct model_spec *m, int i)
{
	if (!model_layer_is_moe(m, i))
		return 0;
	return m->experts * swiglu_params(m, m->expert_ffn);
}

static double mlp_params(const struct model_spec *m, int i, int active)
{
	if (!model_layer_is_moe(m, i))
		return swiglu_params(m, m->ffn);
	return (active ? m->top_k : m->experts) *
		       swiglu_params(m, m->expert_ffn) +
	       m->shared_experts * swiglu_params(m, m->expert_ffn) +
	       (double) m->hidden * m->experts; /* router */
}

double cm_layer_params(const struct model_spec *m, int i)
{
	return attn_matmul_params(m) + attn_norm_params(m) +
	       mlp_params(m, i, 0) + 2.0 * m->hidden;
}

double cm_layer_active_params(const struct model_spec *m, int i)
{
	return attn_matmul_params(m) + attn_norm_params(m) +
	       mlp_params(m, i, 1) + 2.0 * m->hidden;
}

double cm_embedding_params(const struct model_spec *m)
{
	return (double) m->vocab * m->hidden;
}

double cm_head_params(const struct model_spec *m)
{
	return (double) m->vocab * m->hidden + m->hidden;
}

double cm_total_params(const struct model_spec *m)
{
	double p = cm_embedding_params(m) + cm_head_params(m);
	int i;

	for (i = 0; i < m->layers; i++)
		p += cm_layer_params(m, i);
	return p;
}

double cm_active_params(const struct model_spec *m)
{
	double p = cm_embedding_params(m) + cm_head_params(m);
	int i;

	for (i = 0; i < m->layers; i++)
		p += cm_layer_active_params(m, i);
	return p;
}

double cm_attn_core_fwd_flops(const struct model_spec *m, double b, double s)
{
	/* QK^T: s*s*qk per head, AV: s*s*v per head, 2 FLOPs each. */
	return 2.0 * b * s * s * m->heads * (qk_head(m) + v_head(m));
}

double cm_layer_fwd_flops(const struct model_spec *m, int i, double b, double s)
{
	double mlp;

	if (model_layer_is_moe(m, i))
		mlp = (m->top_k + m->shared_experts) *
		      swiglu_params(m, m->expert_ffn);
	else
		mlp = swiglu_params(m, m->ffn);
	return 2.0 * b * s * (attn_matmul_params(m) + mlp) +
	       cm_attn_core_fwd_flops(m, b, s);
}

double cm_head_fwd_flops(const struct model_spec *m, double b, double s)
{
	return 2.0 * b * s * m->hidden * (double) m->vocab;
}

double cm_layer_train_flops(const struct model_spec *m, int i, double b,
			    double s, enum recompute rc)
{
	double fwd = cm_layer_fwd_flops(m, i, b, s);

	switch (rc) {
	case RECOMPUTE_NONE:
		return 3.0 * fwd;
	case RECOMPUTE_SELECTIVE:
		return 3.0 * fwd + cm_attn_core_fwd_flops(m, b, s);
	case RECOMPUTE_FULL:
		return 4.0 * fwd;
	}
	return 3.0 * fwd;
}

double cm_train_step_flops(const struct model_spec *m, double B, double s)
{
	double f = cm_head_fwd_flops(m, B, s);
	int i;

	for (i = 0; i < m->layers; i++)
		f += cm_layer_fwd_flops(m, i, B, s);
	return 3.0 * f;
}

double cm_layer_act_bytes(const struct model_spec *m, double b, double s,
			  int tp, enum recompute rc)
{
	double sbh = s * b * m->hidden;

	switch (rc) {
	case RECOMPUTE_NONE:
		return sbh * (34.0 + 5.0 * m->heads * s / m->hidden) / tp;
	case RECOMPUTE_SELECTIVE:
		return 34.0 * sbh / tp;
	case RECOMPUTE_FULL:
		return 2.0 * sbh / tp;
	}
	return 0;
}

double cm_layer_work_bytes(const struct model_spec *m, double b, double s,
			   int tp)
{
	return cm_layer_act_bytes(m, b, s, tp, RECOMPUTE_NONE);
}

double cm_logits_bytes(const struct model_spec *m, double b, double s, int tp)
{
	return 4.0 * b * s * (double) m->vocab / tp;
}

double cm_kv_bytes_per_token(const struct model_spec *m)
{
	if (m->kv_lora_rank)
		return 2.0 * m->layers *
		       (m->kv_lora_rank + m->qk_rope_head_dim);
	return 2.0 * 2.0 * m->layers * (double) m->kv_heads * m->head_dim;
}

double cm_chip_flops(const struct chip_type *c)
{
	double eff = c->efficiency > 0 && c->efficiency <= 1 ? c->efficiency
							     : 1.0;

	return c->tflops_bf16 * 1e12 * eff;
}

double cm_chip_mem_bytes(const struct chip_type *c)
{
	return c->mem_gb * (double) (1ULL << 30) * (1.0 - CM_MEM_RESERVE);
}

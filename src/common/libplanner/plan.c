/*
 * plan: search for a parallel layout of one model over a chip mix.
 *
 * Training search space (per chip group g, in pipeline order):
 *   tp_g  in {1, 2, 4, ...}, dividing accel_per_node and the heads,
 *   D     the data-parallel degree shared by all groups,
 *   pp_g  = n_g / (tp_g * D) stages,
 *   ep    (MoE) expert-parallel degree, a divisor of D and of the experts,
 *   recompute none / selective / full,
 *   the order of the groups along the pipeline (all orders up to 3
 *   groups), then the layer split for the strategy asked.
 * Each candidate is scored by the step time
 *   (m - 1) * max_i t_i + sum_i t_i + max_i dp_i
 * (t_i: one micro-batch's forward+backward on stage i, dp_i: its gradient
 * reduce-scatter + parameter all-gather), and the fastest wins.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

#define BIG 1e300

const char *plan_mode_name(enum plan_mode m)
{
	return m == PLAN_INFER ? "infer" : "train";
}

const char *plan_strategy_name(enum plan_strategy s)
{
	switch (s) {
	case PLAN_BALANCED:
		return "balanced";
	case PLAN_EVEN:
		return "even";
	case PLAN_METIS:
		return "metis";
	}
	return "?";
}

int plan_mode_parse(const char *s, enum plan_mode *out)
{
	if (!s)
		return -1;
	if (!strcmp(s, "train"))
		*out = PLAN_TRAIN;
	else if (!strcmp(s, "infer"))
		*out = PLAN_INFER;
	else
		return -1;
	return 0;
}

/* A request group with the defaults filled in. */
struct grp {
	const struct chip_type *chip;
	int n, apn, nodes, domain;
	double intra, inter; /* GB/s */
	double flops;	     /* achieved FLOP/s of one chip */
	double mem;	     /* usable bytes of one chip */
};

/* What a stage is, beyond its plan_stage_cost (S->cost[j]). */
struct stage_model {
	int g, tp, inflight;
	/* for reporting */
	double w_layer[2], w_fixed;   /* parameters per chip */
	double ow_layer[2], ow_fixed; /* optimizer bytes per chip */
	double a_layer, a_fixed;      /* activation bytes per chip */
	double dp_bw;
};

struct cand {
	int order[PLAN_MAX_GROUPS], tp[PLAN_MAX_GROUPS], pp[PLAN_MAX_GROUPS];
	int D, ep, m;
	enum recompute rc;
	double T, pipe, dp;
};

struct search {
	const struct model_spec *mdl;
	int L, s, GB, ng, dense_end; /* layers [0, dense_end) dense */
	struct grp g[PLAN_MAX_GROUPS];
	double inter_domain;
	enum plan_strategy st;
	int relax; /* ignore memory limits */
	/* scratch, sized for L stages */
	struct stage_model *sm;
	struct plan_stage_cost *cost;
	int *cnt;
	struct cand best;
	int have_best;
	long evaluated;
};

/* ---------------------------------------------------------------- */
/* Stage costs                                                       */

static int n_dense(int dense_end, int a, int b)
{
	int lo = a < dense_end ? a : dense_end;
	int hi = b < dense_end ? b : dense_end;

	return hi - lo;
}

static double range_time(const struct plan_stage_cost *c, int dense_end, int a,
			 int b)
{
	int d = n_dense(dense_end, a, b);

	return d * c->t_layer[0] + (b - a - d) * c->t_layer[1] + c->t_fixed;
}

static double range_mem(const struct plan_stage_cost *c, int dense_end, int a,
			int b)
{
	int d = n_dense(dense_end, a, b);

	return d * c->m_layer[0] + (b - a - d) * c->m_layer[1] + c->m_fixed;
}

/* Bandwidth between the chips of stage j and stage j + 1. */
static double link_bw(const struct search *S, const struct cand *c,
		      const struct stage_model *a, const struct stage_model *b)
{
	const struct grp *ga = &S->g[a->g], *gb = &S->g[b->g];
	double bw;

	if (a->g == b->g) {
		/* Consecutive stages of a group sit on the same node when
		 * one stage is smaller than a node. */
		return a->tp * c->D < ga->apn ? ga->intra : ga->inter;
	}
	bw = ga->inter < gb->inter ? ga->inter : gb->inter;
	if (ga->domain != gb->domain && S->inter_domain < bw)
		bw = S->inter_domain;
	return bw;
}

/* What build_stages() needs of each kind of layer (dense, expert). */
struct layer_kinds {
	int rep[2];		     /* a representative layer */
	double P_dense[2], P_exp[2]; /* its dense and expert parameters */
	double opt_d, opt_e; /* optimizer bytes per dense, expert parameter */
};

/* What build_stages() needs of one group's stages. */
struct group_stage {
	int gi, tp;
	double F;    /* FLOP/s of one stage (tp chips) */
	double tp_t; /* tensor-parallel time per layer */
	double ep_t; /* MoE all-to-all time per expert layer */
	double act;  /* activation bytes per layer and micro-batch */
};

/* The kinds of layer under candidate c (its data and expert parallelism
 * split the optimizer state). */
static void layer_kinds_of(const struct search *S, const struct cand *c,
			   struct layer_kinds *lk)
{
	const struct model_spec *M = S->mdl;
	int x;

	lk->opt_d = CM_OPTIM_BYTES / c->D;
	lk->opt_e = CM_OPTIM_BYTES / (c->D / c->ep);
	lk->rep[0] = 0;
	lk->rep[1] = M->experts ? M->dense_layers : 0;
	for (x = 0; x < 2; x++) {
		lk->P_exp[x] = cm_layer_expert_params(M, lk->rep[x]);
		lk->P_dense[x] = cm_layer_params(M, lk->rep[x]) - lk->P_exp[x];
	}
}

/* What the stages of group gi share under candidate c: compute, and the
 * tensor- and expert-parallel communication per layer. */
static void group_stage_of(const struct search *S, const struct cand *c, int gi,
			   struct group_stage *gs)
{
	const struct model_spec *M = S->mdl;
	const struct grp *G = &S->g[gi];
	double s = S->s, h = M->hidden, ep_bw;
	int tp = c->tp[gi];

	gs->gi = gi;
	gs->tp = tp;
	gs->F = tp * G->flops;
	/* TP with sequence parallelism: 2 all-gathers + 2 reduce-scatters
	 * of s*h bf16 per layer forward, as many backward, 1.5x that when
	 * the forward is redone. */
	gs->tp_t = tp > 1 ? (c->rc == RECOMPUTE_FULL ? 12 : 8) * (tp - 1.0) /
				    tp * s * h * 2 / (G->intra * 1e9)
			  : 0;
	/* MoE all-to-all: dispatch + combine of s*k/tp tokens, forward and
	 * backward, within a node when it fits. */
	ep_bw = tp * c->ep <= G->apn ? G->intra : G->inter;
	gs->ep_t = c->ep > 1 ? 4.0 * (c->ep - 1.0) / c->ep * s * M->top_k * h *
				       2 / tp / (ep_bw * 1e9)
			     : 0;
	gs->act = cm_layer_act_bytes(M, 1, s, tp, c->rc);
}

/* Stage j of P, one of group gs's: its model S->sm[j] and cost S->cost[j]
 * (without the point-to-point time). */
static void fill_stage(struct search *S, const struct cand *c,
		       const struct layer_kinds *lk,
		       const struct group_stage *gs, int j, int P)
{
	const struct model_spec *M = S->mdl;
	const struct grp *G = &S->g[gs->gi];
	struct stage_model *st = &S->sm[j];
	struct plan_stage_cost *cs = &S->cost[j];
	double s = S->s, wf = 0, of = 0;
	int tp = gs->tp, x;

	memset(st, 0, sizeof(*st));
	memset(cs, 0, sizeof(*cs));
	cs->compute = gs->F;
	st->g = gs->gi;
	st->tp = tp;
	st->inflight = c->m < P - j ? c->m : P - j;
	cs->cap = S->relax ? BIG : G->mem;
	st->dp_bw = tp * c->D <= G->apn ? G->intra : G->inter;
	for (x = 0; x < 2; x++) {
		cs->t_layer[x] =
			cm_layer_train_flops(M, lk->rep[x], 1, s, c->rc) /
				gs->F +
			gs->tp_t + (x && M->experts ? gs->ep_t : 0);
		st->w_layer[x] =
			lk->P_dense[x] / tp + lk->P_exp[x] / (tp * c->ep);
		st->ow_layer[x] = lk->P_dense[x] / tp * lk->opt_d +
				  lk->P_exp[x] / (tp * c->ep) * lk->opt_e;
		cs->m_layer[x] =
			st->w_layer[x] * (CM_WEIGHT_BYTES + CM_GRAD_BYTES) +
			st->ow_layer[x] + gs->act * st->inflight;
	}
	st->a_layer = gs->act * st->inflight;
	if (j == 0)
		wf += cm_embedding_params(M) / tp;
	if (j == P - 1) {
		wf += cm_head_params(M) / tp;
		st->a_fixed += cm_logits_bytes(M, 1, s, tp);
		cs->t_fixed += (c->rc == RECOMPUTE_FULL ? 4 : 3) *
			       cm_head_fwd_flops(M, 1, s) / gs->F;
	}
	if (c->rc == RECOMPUTE_FULL)
		st->a_fixed += cm_layer_work_bytes(M, 1, s, tp);
	of = wf * lk->opt_d;
	st->w_fixed = wf;
	st->ow_fixed = of;
	cs->m_fixed = wf * (CM_WEIGHT_BYTES + CM_GRAD_BYTES) + of + st->a_fixed;
}

/* Fill S->sm[0..P) for candidate c; returns P. */
static int build_stages(struct search *S, const struct cand *c)
{
	double s = S->s, h = S->mdl->hidden;
	struct layer_kinds lk;
	int P = 0, k, q, j = 0;

	layer_kinds_of(S, c, &lk);
	for (k = 0; k < S->ng; k++)
		P += c->pp[c->order[k]];
	for (k = 0; k < S->ng; k++) {
		struct group_stage gs;

		group_stage_of(S, c, c->order[k], &gs);
		for (q = 0; q < c->pp[gs.gi]; q++, j++)
			fill_stage(S, c, &lk, &gs, j, P);
	}
	/* Point-to-point: activations forward, gradients backward, each
	 * s*h bf16 split over the tp ranks; the sender pays. */
	for (j = 0; j + 1 < P; j++)
		S->cost[j].t_fixed +=
			2.0 * s * h * 2 / S->sm[j].tp /
			(link_bw(S, c, &S->sm[j], &S->sm[j + 1]) * 1e9);
	return P;
}

/* ---------------------------------------------------------------- */
/* Layer splits                                                      */

struct splitter {
	const struct plan_stage_cost *c;
	int P, L, dense_end;
};

/*
 * Can the layers be split so that no stage takes longer than T and each
 * fits its memory?  Exact, by dynamic programming over the boundaries:
 * reach[j][b] says layers [0, b) fit stages 0..j.  For a stage and an end
 * b, the starts a that fit form an interval [f(b), b) because a stage's
 * cost only grows with its range, and f grows with b, so each stage is one
 * two-pointer pass: O(P * L).  (Filling stages
 * greedily is not enough: with the one-layer minimum, an early stage that
 * takes too much can leave a later one a layer it cannot hold.)
 */
static int split_fits(const struct splitter *sp, double T, int *cnt)
{
	int P = sp->P, L = sp->L, de = sp->dense_end, j, b, a, ok = 0;
	unsigned char *reach = calloc((size_t) P * (L + 1), 1);
	int *from = malloc(sizeof(int) * (size_t) P * (L + 1));
	int *last = malloc(sizeof(int) * (L + 1));

	if (!reach || !from || !last)
		goto out;
	for (j = 0; j < P; j++) {
		const struct plan_stage_cost *c = &sp->c[j];
		unsigned char *r = reach + (size_t) j * (L + 1);
		int *fr = from + (size_t) j * (L + 1);

		/* last[x]: the latest boundary <= x that stages 0..j-1
		 * reach (before stage 0 only 0), -1 if none. */
		for (b = 0; b <= L; b++) {
			int here =
				j == 0 ? b == 0
				       : reach[(size_t) (j - 1) * (L + 1) + b];

			last[b] = here ? b : b ? last[b - 1] : -1;
		}
		a = 0;
		for (b = 1; b <= L; b++) {
			fr[b] = -1;
			while (a < b && (range_time(c, de, a, b) > T ||
					 range_mem(c, de, a, b) > c->cap))
				a++;
			/* Start as late as possible: the earlier stages
			 * keep more of the work only when they must. */
			if (a == b || last[b - 1] < a)
				continue;
			r[b] = 1;
			fr[b] = last[b - 1];
		}
	}
	if (!reach[(size_t) (P - 1) * (L + 1) + L])
		goto out;
	for (b = L, j = P - 1; j >= 0; j--) {
		a = from[(size_t) j * (L + 1) + b];
		cnt[j] = b - a;
		b = a;
	}
	ok = b == 0;
out:
	free(reach);
	free(from);
	free(last);
	return ok;
}

double plan_split_max_time(const struct plan_stage_cost *c, int P,
			   int dense_end, const int *cnt)
{
	double mx = 0;
	int j, a = 0;

	for (j = 0; j < P; j++) {
		double t = range_time(&c[j], dense_end, a, a + cnt[j]);

		if (t > mx)
			mx = t;
		a += cnt[j];
	}
	return mx;
}

static int split_mem_ok(const struct splitter *sp, const int *cnt)
{
	int j, a = 0;

	for (j = 0; j < sp->P; j++) {
		if (cnt[j] < 1 || range_mem(&sp->c[j], sp->dense_end, a,
					    a + cnt[j]) > sp->c[j].cap)
			return 0;
		a += cnt[j];
	}
	return a == sp->L;
}

static void split_even(const struct splitter *sp, int *cnt)
{
	int j;

	for (j = 0; j < sp->P; j++)
		cnt[j] = sp->L / sp->P + (j < sp->L % sp->P);
}

/* Layers in proportion to each stage's compute, largest remainder first,
 * at least one each: the Metis rule. */
static void split_proportional(const struct splitter *sp, int *cnt)
{
	int P = sp->P, j, left = sp->L;
	double sum = 0, rem[P];

	for (j = 0; j < P; j++)
		sum += sp->c[j].compute;
	for (j = 0; j < P; j++) {
		double x = sum > 0 ? sp->L * sp->c[j].compute / sum
				   : (double) sp->L / P;

		cnt[j] = (int) floor(x);
		rem[j] = x - floor(x);
		if (cnt[j] < 1) {
			cnt[j] = 1;
			rem[j] = -1;
		}
		left -= cnt[j];
	}
	/* Rounding down lost less than one layer per stage. */
	while (left > 0) {
		int bj = 0;

		for (j = 1; j < P; j++)
			if (rem[j] > rem[bj])
				bj = j;
		cnt[bj]++;
		rem[bj] = -2;
		left--;
	}
	while (left < 0) {
		/* The minimum of one overshot: take from the biggest. */
		int bj = 0;

		for (j = 1; j < P; j++)
			if (cnt[j] > cnt[bj])
				bj = j;
		cnt[bj]--;
		left++;
	}
}

/*
 * Balanced split: start from the proportional split (its slowest stage
 * bounds the answer), then fix it up exactly: bisect on the slowest-stage
 * time T, asking split_fits() whether every stage can stay under T and
 * within memory.  Returns 0 when no split fits memory.
 */
static int split_balanced(const struct splitter *sp, int *cnt)
{
	int tmp[sp->P], it;
	double lo = 0, hi;

	if (!split_fits(sp, BIG, cnt))
		return 0;
	hi = plan_split_max_time(sp->c, sp->P, sp->dense_end, cnt);
	split_proportional(sp, tmp);
	if (split_mem_ok(sp, tmp)) {
		double t =
			plan_split_max_time(sp->c, sp->P, sp->dense_end, tmp);

		if (t < hi)
			hi = t;
	}
	for (it = 0; it < 100 && hi - lo > 1e-9 * hi; it++) {
		double mid = 0.5 * (lo + hi);

		if (split_fits(sp, mid, tmp))
			hi = mid;
		else
			lo = mid;
	}
	return split_fits(sp, hi, cnt);
}

int plan_split_layers(enum plan_strategy st, const struct plan_stage_cost *c,
		      int P, int L, int dense_end, int *cnt)
{
	struct splitter sp = { .c = c, .P = P, .L = L, .dense_end = dense_end };

	if (P < 1 || P > L || !c || !cnt)
		return 0;
	switch (st) {
	case PLAN_BALANCED:
		return split_balanced(&sp, cnt);
	case PLAN_EVEN:
		split_even(&sp, cnt);
		break;
	case PLAN_METIS:
		split_proportional(&sp, cnt);
		break;
	default:
		return 0;
	}
	return split_mem_ok(&sp, cnt);
}

/* ---------------------------------------------------------------- */
/* Search                                                            */

static double dp_time(const struct search *S, const struct cand *c, int P,
		      const int *cnt)
{
	const struct model_spec *M = S->mdl;
	double mx = 0;
	int j, a = 0;

	for (j = 0; j < P; j++) {
		const struct stage_model *st = &S->sm[j];
		double dense = 0, exp = 0, t;
		int i;

		for (i = a; i < a + cnt[j]; i++) {
			double e = cm_layer_expert_params(M, i);

			dense += cm_layer_params(M, i) - e;
			exp += e;
		}
		dense = (dense / st->tp + st->w_fixed);
		exp /= st->tp * c->ep;
		/* fp32 gradients reduce-scattered, bf16 weights gathered */
		t = (CM_GRAD_BYTES + CM_WEIGHT_BYTES) *
		    ((c->D - 1.0) / c->D * dense +
		     (c->D / c->ep - 1.0) / (c->D / c->ep) * exp) /
		    (st->dp_bw * 1e9);
		if (t > mx)
			mx = t;
		a += cnt[j];
	}
	return mx;
}

static void evaluate(struct search *S, struct cand *c)
{
	double mx = 0, sum = 0;
	int P, j, a = 0;

	S->evaluated++;
	P = build_stages(S, c);
	if (!plan_split_layers(S->st, S->cost, P, S->L, S->dense_end, S->cnt))
		return;
	for (j = 0; j < P; j++) {
		double t =
			range_time(&S->cost[j], S->dense_end, a, a + S->cnt[j]);

		if (t > mx)
			mx = t;
		sum += t;
		a += S->cnt[j];
	}
	c->pipe = (c->m - 1) * mx + sum;
	c->dp = dp_time(S, c, P, S->cnt);
	c->T = c->pipe + c->dp;
	if (!S->have_best || c->T < S->best.T * (1 - 1e-12)) {
		S->best = *c;
		S->have_best = 1;
	}
}

static int tp_ok(const struct search *S, const struct grp *G, int tp)
{
	const struct model_spec *M = S->mdl;

	if (G->apn % tp || G->n % tp || M->heads % tp)
		return 0;
	return M->kv_heads % tp == 0 || tp % M->kv_heads == 0;
}

static int gcd(int a, int b)
{
	while (b) {
		int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static void search_dp(struct search *S, struct cand *c)
{
	int k, D, ep, r, common = 0, P;

	for (k = 0; k < S->ng; k++)
		common = gcd(common, S->g[k].n / c->tp[k]);
	for (D = 1; D <= common; D++) {
		if (common % D || D > S->GB)
			continue;
		P = 0;
		for (k = 0; k < S->ng; k++) {
			c->pp[k] = S->g[k].n / (c->tp[k] * D);
			P += c->pp[k];
		}
		if (P > S->L)
			continue;
		c->D = D;
		c->m = (S->GB + D - 1) / D;
		for (ep = 1; ep <= D; ep++) {
			if (D % ep)
				continue;
			if (ep > 1 &&
			    (!S->mdl->experts || S->mdl->experts % ep))
				continue;
			c->ep = ep;
			for (r = RECOMPUTE_NONE; r <= RECOMPUTE_FULL; r++) {
				c->rc = r;
				evaluate(S, c);
			}
		}
	}
}

static void search_tp(struct search *S, struct cand *c, int k)
{
	int tp;

	if (k == S->ng) {
		search_dp(S, c);
		return;
	}
	for (tp = 1; tp <= S->g[k].apn; tp *= 2) {
		if (!tp_ok(S, &S->g[k], tp))
			continue;
		c->tp[k] = tp;
		search_tp(S, c, k + 1);
	}
}

static void search_orders(struct search *S, struct cand *c, int k, int used)
{
	int i;

	if (k == S->ng) {
		search_tp(S, c, 0);
		return;
	}
	for (i = 0; i < S->ng; i++) {
		if (used & (1 << i))
			continue;
		c->order[k] = i;
		search_orders(S, c, k + 1, used | (1 << i));
	}
}

static int run_search(struct search *S)
{
	struct cand c;
	int k;

	memset(&c, 0, sizeof(c));
	S->have_best = 0;
	if (S->ng <= 3) {
		search_orders(S, &c, 0, 0);
	} else {
		for (k = 0; k < S->ng; k++)
			c.order[k] = k;
		search_tp(S, &c, 0);
	}
	return S->have_best;
}

/* ---------------------------------------------------------------- */
/* Request checking                                                  */

static int normalize(const struct plan_request *req, struct search *S,
		     struct dlh_error *err)
{
	const struct model_spec *M = req->model;
	size_t k;

	memset(S, 0, sizeof(*S));
	if (!M)
		return dlh_err(err, "no model given");
	if (M->layers < 1 || M->hidden < 1 || M->heads < 1 || M->kv_heads < 1 ||
	    M->head_dim < 1 || M->vocab < 1)
		return dlh_err(err, "model %s has an invalid shape", M->name);
	if (req->n_groups < 1 || req->n_groups > PLAN_MAX_GROUPS ||
	    !req->groups)
		return dlh_err(
			err, "between 1 and %d chip groups are needed, not %zu",
			PLAN_MAX_GROUPS, req->n_groups);
	if (req->global_batch < 0 || req->global_batch > PLAN_MAX_GLOBAL_BATCH)
		return dlh_err(err, "global batch %d out of range 0..%d",
			       req->global_batch, PLAN_MAX_GLOBAL_BATCH);
	if (req->seq_len < 0 || req->seq_len > PLAN_MAX_SEQ_LEN)
		return dlh_err(err, "sequence length %d out of range 0..%d",
			       req->seq_len, PLAN_MAX_SEQ_LEN);
	S->mdl = M;
	S->L = M->layers;
	S->dense_end = M->experts ? M->dense_layers : M->layers;
	S->s = req->seq_len ? req->seq_len : PLAN_DEFAULT_SEQ_LEN;
	S->GB = req->global_batch ? req->global_batch
				  : PLAN_DEFAULT_TRAIN_BATCH;
	S->st = req->strategy;
	S->inter_domain = req->inter_domain_gbps > 0
				  ? req->inter_domain_gbps
				  : PLAN_DEFAULT_INTER_DOMAIN_GBPS;
	S->ng = (int) req->n_groups;
	for (k = 0; k < req->n_groups; k++) {
		const struct plan_group_req *r = &req->groups[k];
		struct grp *G = &S->g[k];

		if (!r->chip || !r->chip->name)
			return dlh_err(err, "chip group %zu has no chip type",
				       k);
		if (!(r->chip->tflops_bf16 > 0) || !(r->chip->mem_gb > 0) ||
		    !(r->chip->mem_tbps > 0))
			return dlh_err(
				err,
				"chip type %s lacks tflops_bf16, mem_gb or mem_tbps",
				r->chip->name);
		G->chip = r->chip;
		G->apn = r->accel_per_node ? r->accel_per_node
					   : PLAN_DEFAULT_ACCEL_PER_NODE;
		if (G->apn < 1 || G->apn > 1024 || r->nodes < 1 ||
		    r->nodes > 100000)
			return dlh_err(
				err,
				"chip group %zu (%s): %d nodes of %d accelerators is out of range",
				k, r->chip->name, r->nodes, G->apn);
		G->nodes = r->nodes;
		G->n = G->apn * r->nodes;
		G->domain = r->domain;
		G->intra = r->intra_node_gbps > 0   ? r->intra_node_gbps
			   : r->chip->link_gbps > 0 ? r->chip->link_gbps
						    : 32;
		G->inter = r->inter_node_gbps > 0
				   ? r->inter_node_gbps
				   : PLAN_DEFAULT_INTER_NODE_GBPS;
		G->flops = cm_chip_flops(r->chip);
		G->mem = cm_chip_mem_bytes(r->chip);
	}
	return 0;
}

static int alloc_scratch(struct search *S)
{
	S->sm = calloc(S->L, sizeof(*S->sm));
	S->cost = calloc(S->L, sizeof(*S->cost));
	S->cnt = calloc(S->L, sizeof(int));
	return S->sm && S->cost && S->cnt ? 0 : -1;
}

static void free_scratch(struct search *S)
{
	free(S->sm);
	free(S->cnt);
	free(S->cost);
	S->sm = NULL;
	S->cost = NULL;
	S->cnt = NULL;
}

static double total_mem(const struct search *S)
{
	double m = 0;
	int k;

	for (k = 0; k < S->ng; k++)
		m += S->g[k].n * S->g[k].mem;
	return m;
}

static int too_small(const struct search *S, double need, struct dlh_error *err)
{
	double have = total_mem(S);

	if (need > have)
		return dlh_err(
			err,
			"too few chips to hold %s: weights, gradients and optimizer state alone need %.0f GB but the %d chip group(s) hold %.0f GB usable",
			S->mdl->name, need / 1e9, S->ng, have / 1e9);
	return dlh_err(
		err,
		"too few chips to hold %s: weights, gradients and optimizer state need %.0f GB of the %.0f GB usable, but no split over the stages fits each chip's memory with activations, even with full recompute",
		S->mdl->name, need / 1e9, have / 1e9);
}

/* ---------------------------------------------------------------- */
/* Building the training plan                                        */

static void mem_add(struct plan_mem *m, const struct stage_model *st,
		    const struct search *S, int a, int b)
{
	int d = n_dense(S->dense_end, a, b), e = b - a - d;

	m->weights = (d * st->w_layer[0] + e * st->w_layer[1] + st->w_fixed) *
		     CM_WEIGHT_BYTES;
	m->grads = m->weights / CM_WEIGHT_BYTES * CM_GRAD_BYTES;
	m->optimizer = d * st->ow_layer[0] + e * st->ow_layer[1] + st->ow_fixed;
	m->activations = (b - a) * st->a_layer + st->a_fixed;
	m->total = m->weights + m->grads + m->optimizer + m->activations;
	m->capacity = S->g[st->g].mem;
}

static void init_groups(struct plan *p, const struct search *S,
			const struct plan_request *req)
{
	int k, rank = 0, node = 0;

	for (k = 0; k < S->ng; k++) {
		struct plan_group *pg = &p->groups[k];
		const struct grp *G = &S->g[k];

		pg->chip = strdup(G->chip->name);
		pg->chip_type = G->chip;
		pg->accelerators = G->n;
		pg->nodes = G->nodes;
		pg->accel_per_node = G->apn;
		pg->domain = G->domain;
		pg->first_rank = rank;
		pg->first_node = node;
		pg->intra_node_gbps = G->intra;
		pg->inter_node_gbps = G->inter;
		pg->ep = 1;
		rank += G->n;
		node += G->nodes;
	}
	p->world_size = rank;
	p->n_nodes = node;
	p->model = strdup(S->mdl->name);
	p->mode = req->mode;
	p->strategy = req->strategy;
	p->seq_len = S->s;
}

/* The plan-wide figures of the winning candidate c. */
static void train_totals(struct plan *p, const struct search *S,
			 const struct cand *c)
{
	double peak = 0;
	int k;

	p->global_batch = S->GB;
	p->micro_batch_size = 1;
	p->micro_batches = c->m;
	p->recompute = c->rc;
	p->step_time_s = c->T;
	p->pipeline_s = c->pipe;
	p->dp_comm_s = c->dp;
	p->tokens_per_s = (double) S->GB * S->s / c->T;
	p->flops_per_step = cm_train_step_flops(S->mdl, S->GB, S->s);
	for (k = 0; k < S->ng; k++)
		peak += S->g[k].n * S->g[k].chip->tflops_bf16 * 1e12;
	p->mfu = p->flops_per_step / c->T / peak;
}

/* The P stages with their layers (S->cnt), time and memory; each group
 * shows its fullest stage's memory.  tp_off[j]: the tp ranks of the
 * stages before j. */
static void train_stages(struct plan *p, const struct search *S, int P,
			 int *tp_off)
{
	int j, a;

	for (j = 0, a = 0; j < P; j++) {
		struct plan_stage *ps = &p->stages[j];
		struct plan_group *pg = &p->groups[S->sm[j].g];

		ps->stage = j;
		ps->group = S->sm[j].g;
		ps->tp = S->sm[j].tp;
		ps->first_layer = a;
		ps->last_layer = a + S->cnt[j];
		ps->time_s = range_time(&S->cost[j], S->dense_end, a,
					ps->last_layer);
		mem_add(&ps->mem, &S->sm[j], S, a, ps->last_layer);
		if (ps->mem.total > pg->mem.total || !pg->mem.capacity)
			pg->mem = ps->mem;
		tp_off[j + 1] = tp_off[j] + ps->tp;
		a = ps->last_layer;
	}
}

/* The ranks of group gi, whose first stage is j: tp fastest, then data
 * parallel, then the group's stages, so tp groups stay inside a node. */
static void train_group_ranks(struct plan *p, const struct search *S,
			      const struct cand *c, int gi, int j,
			      const int *tp_off)
{
	const struct plan_group *pg = &p->groups[gi];
	int q, d, t;

	for (q = 0; q < pg->pp; q++, j++) {
		for (d = 0; d < c->D; d++) {
			for (t = 0; t < pg->tp; t++) {
				int local = (q * c->D + d) * pg->tp + t;
				struct plan_rank *r =
					&p->ranks[pg->first_rank + local];

				r->rank = pg->first_rank + local;
				r->node = pg->first_node +
					  local / pg->accel_per_node;
				r->group = gi;
				r->local_device = local % pg->accel_per_node;
				r->stage = j;
				r->first_layer = p->stages[j].first_layer;
				r->last_layer = p->stages[j].last_layer;
				r->replica = d;
				r->batch = p->replica_batch[d];
				r->micro_batches = p->replica_batch[d];
				r->tp_rank = t;
				r->tp_group = j * c->D + d;
				r->pp_group = d;
				r->dp_group = tp_off[j] + t;
				r->ep_group = S->mdl->experts
						      ? (tp_off[j] +
							 t) * (c->D / c->ep) +
								d / c->ep
						      : -1;
			}
		}
	}
}

/* Each group's layout, in pipeline order, and its ranks. */
static void train_groups(struct plan *p, const struct search *S,
			 const struct cand *c, const int *tp_off)
{
	int k, j;

	for (k = 0, j = 0; k < S->ng; k++) {
		int gi = c->order[k];
		struct plan_group *pg = &p->groups[gi];

		pg->tp = c->tp[gi];
		pg->pp = c->pp[gi];
		pg->dp = c->D;
		pg->ep = c->ep;
		pg->first_stage = j;
		pg->first_layer = p->stages[j].first_layer;
		pg->last_layer = p->stages[j + pg->pp - 1].last_layer;
		train_group_ranks(p, S, c, gi, j, tp_off);
		j += pg->pp;
	}
}

static int build_train(struct plan *p, struct search *S)
{
	const struct cand *c = &S->best;
	int P, d, *tp_off;

	P = build_stages(S, c);
	if (!plan_split_layers(S->st, S->cost, P, S->L, S->dense_end, S->cnt))
		return -1;
	train_totals(p, S, c);
	p->n_stages = P;
	p->stages = calloc(P, sizeof(*p->stages));
	p->n_replicas = c->D;
	p->replica_batch = calloc(c->D, sizeof(int));
	p->n_ranks = p->world_size;
	p->ranks = calloc(p->n_ranks, sizeof(*p->ranks));
	tp_off = calloc(P + 1, sizeof(int));
	if (!p->stages || !p->replica_batch || !p->ranks || !tp_off) {
		free(tp_off);
		return -1;
	}
	for (d = 0; d < c->D; d++)
		p->replica_batch[d] = S->GB / c->D + (d < S->GB % c->D);
	train_stages(p, S, P, tp_off);
	train_groups(p, S, c, tp_off);
	free(tp_off);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Inference                                                         */

struct infer_choice {
	int tp, pp, replicas, batch;
	double kv_tokens, tps, w_chip, kv_chip_bytes;
};

/* Weights (bytes) and per-token KV bytes of the fullest chip of a
 * replica split tp x pp with layers evenly spread. */
static void infer_stage(const struct model_spec *M, int tp, int pp, int j,
			double *w, double *act, double *kvtok)
{
	int L = M->layers, a = j * (L / pp) + (j < L % pp ? j : L % pp);
	int n = L / pp + (j < L % pp), i;
	double kvsplit =
		M->kv_lora_rank ? 1 : (tp < M->kv_heads ? tp : M->kv_heads);

	*w = *act = 0;
	for (i = a; i < a + n; i++) {
		*w += cm_layer_params(M, i);
		*act += cm_layer_active_params(M, i);
	}
	if (j == 0)
		*w += cm_embedding_params(M);
	if (j == pp - 1) {
		*w += cm_head_params(M);
		*act += cm_head_params(M);
	}
	*w = *w * CM_WEIGHT_BYTES / tp;
	*act /= tp;
	*kvtok = cm_kv_bytes_per_token(M) * n / L / kvsplit;
}

/* Decode time of one round (every sequence advances one token) of a
 * replica holding `batch` sequences of s tokens of context. */
static double infer_round(const struct model_spec *M, const struct grp *G,
			  int tp, int pp, int batch, double s)
{
	double worst = 0;
	int j;

	for (j = 0; j < pp; j++) {
		double w, act, kvtok, tm, tc, tt;

		infer_stage(M, tp, pp, j, &w, &act, &kvtok);
		/* Each of the pp micro-batches rereads the stage weights;
		 * every sequence's cache is read once. */
		tm = (pp * w + batch * s * kvtok) /
		     (G->chip->mem_tbps * 1e12 * CM_MEM_BW_UTIL);
		tc = 2.0 * act * batch / G->flops;
		/* Two all-reduces of the hidden state per layer. */
		tt = tp > 1 ? 2.0 * M->layers / pp * 2.0 * (tp - 1.0) / tp *
				      batch * M->hidden * 2 / (G->intra * 1e9)
			    : 0;
		if ((tm > tc ? tm : tc) + tt > worst)
			worst = (tm > tc ? tm : tc) + tt;
	}
	return worst;
}

static int infer_best(const struct search *S, const struct grp *G,
		      struct infer_choice *best)
{
	const struct model_spec *M = S->mdl;
	int tp, pp, found = 0;

	for (tp = 1; tp <= G->apn; tp *= 2) {
		if (!tp_ok(S, G, tp))
			continue;
		for (pp = 1; pp <= M->layers && tp * pp <= G->n; pp++) {
			struct infer_choice c = { .tp = tp, .pp = pp };
			double cap = BIG, wmax = 0, kvmax = 0;
			int j;

			if (G->n % (tp * pp))
				continue;
			for (j = 0; j < pp; j++) {
				double w, act, kvtok;

				infer_stage(M, tp, pp, j, &w, &act, &kvtok);
				if (w >= G->mem) {
					cap = -1;
					break;
				}
				if ((G->mem - w) / kvtok < cap)
					cap = (G->mem - w) / kvtok;
				if (w > wmax)
					wmax = w;
				if (kvtok > kvmax)
					kvmax = kvtok;
			}
			if (cap < S->s)
				continue;
			c.kv_tokens = floor(cap);
			c.batch = (int) (c.kv_tokens / S->s);
			if (c.batch > PLAN_MAX_INFER_BATCH)
				c.batch = PLAN_MAX_INFER_BATCH;
			c.replicas = G->n / (tp * pp);
			c.w_chip = wmax;
			c.kv_chip_bytes = kvmax;
			c.tps = c.replicas * c.batch /
				infer_round(M, G, tp, pp, c.batch, S->s);
			if (!found || c.tps > best->tps * (1 + 1e-9)) {
				*best = c;
				found = 1;
			}
		}
	}
	return found;
}

/* Each group's best replica layout into ch[k], ok[k] whether it has one;
 * the replicas in all into *n, the sequences they hold into *cap_sum.
 * Returns whether any group has one. */
static int infer_choose(const struct search *S, struct infer_choice *ch,
			int *ok, size_t *n, double *cap_sum)
{
	int k, any = 0;

	for (k = 0; k < S->ng; k++) {
		ok[k] = infer_best(S, &S->g[k], &ch[k]);
		if (ok[k]) {
			any = 1;
			*n += ch[k].replicas;
			*cap_sum += (double) ch[k].replicas * ch[k].batch;
		}
	}
	return any;
}

static int infer_too_small(const struct search *S, struct dlh_error *err)
{
	double largest = 0, need;
	int k;

	for (k = 0; k < S->ng; k++)
		if (S->g[k].n * S->g[k].mem > largest)
			largest = S->g[k].n * S->g[k].mem;
	need = cm_total_params(S->mdl) * CM_WEIGHT_BYTES +
	       cm_kv_bytes_per_token(S->mdl) * S->s;
	return dlh_err(
		err,
		"too few chips to serve %s: one replica needs about %.0f GB (bf16 weights + one %d-token KV cache) but no chip group can hold it (largest group: %.0f GB usable)",
		S->mdl->name, need / 1e9, S->s, largest / 1e9);
}

/* A requested concurrency below what the replicas hold (cap_sum), spread
 * over them by their KV capacity; replicas never run more than they can
 * hold. */
static void infer_spread(const struct search *S, int concurrency,
			 struct infer_choice *ch, const int *ok, double cap_sum)
{
	int k;

	for (k = 0; k < S->ng; k++) {
		int b;

		if (!ok[k])
			continue;
		b = (int) floor(concurrency * ch[k].batch / cap_sum);
		ch[k].batch = b < 1 ? 1 : b;
		ch[k].tps = ch[k].replicas * ch[k].batch /
			    infer_round(S->mdl, &S->g[k], ch[k].tp, ch[k].pp,
					ch[k].batch, S->s);
	}
}

/* Group k's layout from its choice ch, added to the plan's figures. */
static void infer_group(struct plan *p, const struct search *S, int k,
			const struct infer_choice *ch)
{
	struct plan_group *pg = &p->groups[k];

	pg->tp = ch->tp;
	pg->pp = ch->pp;
	pg->dp = pg->replicas = ch->replicas;
	pg->batch_per_replica = ch->batch;
	pg->kv_tokens_per_replica = ch->kv_tokens;
	pg->tokens_per_s = ch->tps;
	pg->standalone_tokens_per_s = ch->tps;
	pg->mem.weights = ch->w_chip;
	pg->mem.kv_cache = ch->kv_tokens * ch->kv_chip_bytes;
	pg->mem.total = pg->mem.weights + pg->mem.kv_cache;
	pg->mem.capacity = S->g[k].mem;
	p->tokens_per_s += ch->tps;
	p->global_batch += pg->replicas * pg->batch_per_replica;
	if (pg->pp > p->micro_batches)
		p->micro_batches = pg->pp;
}

/* The ranks of group k, its replicas numbered from rep; all idle when the
 * group cannot hold a replica (!ok). */
static void infer_ranks(struct plan *p, const struct search *S, int k, int ok,
			int rep)
{
	const struct plan_group *pg = &p->groups[k];
	int local;

	for (local = 0; local < pg->accelerators; local++) {
		struct plan_rank *r = &p->ranks[pg->first_rank + local];
		int per = pg->tp * pg->pp, rr, j;

		r->rank = pg->first_rank + local;
		r->node = pg->first_node + local / pg->accel_per_node;
		r->group = k;
		r->local_device = local % pg->accel_per_node;
		r->dp_group = r->ep_group = -1;
		if (!ok) {
			/* The group cannot hold a replica: idle. */
			r->stage = r->replica = -1;
			r->tp_group = r->pp_group = -1;
			continue;
		}
		rr = local / per;
		j = local % per / pg->tp;
		r->stage = j;
		r->first_layer = j * (S->L / pg->pp) +
				 (j < S->L % pg->pp ? j : S->L % pg->pp);
		r->last_layer =
			r->first_layer + S->L / pg->pp + (j < S->L % pg->pp);
		r->replica = rep + rr;
		r->batch = pg->batch_per_replica;
		r->micro_batches = pg->pp;
		r->tp_rank = local % pg->tp;
		r->tp_group = (rep + rr) * pg->pp + j;
		r->pp_group = rep + rr;
		p->replica_batch[rep + rr] = pg->batch_per_replica;
	}
}

/* tp_group ids as infer_ranks() gives them assume one pp for all:
 * renumber them densely. */
static void renumber_tp_groups(struct plan *p)
{
	size_t i;
	int next = 0, last_key = -1, last_id = -1;

	for (i = 0; i < p->n_ranks; i++) {
		struct plan_rank *r = &p->ranks[i];
		int key;

		if (r->replica < 0)
			continue;
		key = r->replica * 4096 + r->stage;
		if (key != last_key) {
			last_key = key;
			last_id = next++;
		}
		r->tp_group = last_id;
	}
}

static int build_infer(struct plan *p, struct search *S,
		       const struct plan_request *req, struct dlh_error *err)
{
	struct infer_choice ch[PLAN_MAX_GROUPS];
	int ok[PLAN_MAX_GROUPS], k, rep = 0;
	double cap_sum = 0;
	size_t n = 0;

	if (!infer_choose(S, ch, ok, &n, &cap_sum))
		return infer_too_small(S, err);
	if (req->global_batch > 0 && req->global_batch < cap_sum)
		infer_spread(S, req->global_batch, ch, ok, cap_sum);
	p->n_replicas = n;
	p->replica_batch = calloc(n ? n : 1, sizeof(int));
	p->n_ranks = p->world_size;
	p->ranks = calloc(p->n_ranks, sizeof(*p->ranks));
	if (!p->replica_batch || !p->ranks)
		return dlh_err(err, "out of memory");
	p->micro_batch_size = 0;
	p->recompute = RECOMPUTE_NONE;
	p->global_batch = 0;
	for (k = 0; k < S->ng; k++) {
		if (ok[k])
			infer_group(p, S, k, &ch[k]);
		p->groups[k].first_layer = 0;
		p->groups[k].last_layer = S->L;
		infer_ranks(p, S, k, ok[k], rep);
		if (ok[k])
			rep += p->groups[k].replicas;
	}
	renumber_tp_groups(p);
	p->standalone_tokens_per_s = p->tokens_per_s;
	p->efficiency = p->even_split_efficiency = p->metis_efficiency = 1.0;
	return 0;
}

/* ---------------------------------------------------------------- */

void plan_free(struct plan *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n_groups; i++)
		free(p->groups[i].chip);
	free(p->groups);
	free(p->stages);
	free(p->replica_batch);
	free(p->ranks);
	free(p->model);
	free(p);
}

/* Best plan's tokens/s for the request's groups under strategy st;
 * 0 when none fits. */
static double train_tokens_per_s(const struct search *base,
				 enum plan_strategy st, int relax)
{
	struct search S = *base;
	double r = 0;

	S.st = st;
	S.relax = relax;
	if (alloc_scratch(&S) == 0 && run_search(&S))
		r = (double) S.GB * S.s / S.best.T;
	free_scratch(&S);
	return r;
}

/* Baselines of the training plan p: each group alone, and the same mix
 * under the other splits. */
static void train_baselines(struct plan *p, const struct search *S)
{
	int k;

	for (k = 0; k < S->ng; k++) {
		struct search one = *S;
		struct plan_group *pg = &p->groups[k];

		one.ng = 1;
		one.g[0] = S->g[k];
		pg->standalone_tokens_per_s =
			train_tokens_per_s(&one, PLAN_BALANCED, 0);
		if (pg->standalone_tokens_per_s <= 0) {
			pg->standalone_memory_relaxed = 1;
			pg->standalone_tokens_per_s =
				train_tokens_per_s(&one, PLAN_BALANCED, 1);
		}
		p->standalone_tokens_per_s += pg->standalone_tokens_per_s;
	}
	if (p->standalone_tokens_per_s > 0) {
		double sa = p->standalone_tokens_per_s;

		p->efficiency = p->tokens_per_s / sa;
		p->even_split_efficiency =
			(S->st == PLAN_EVEN
				 ? p->tokens_per_s
				 : train_tokens_per_s(S, PLAN_EVEN, 0)) /
			sa;
		p->metis_efficiency =
			(S->st == PLAN_METIS
				 ? p->tokens_per_s
				 : train_tokens_per_s(S, PLAN_METIS, 0)) /
			sa;
	}
}

/* The training plan into p: the search, the winner's layout, then the
 * baselines.  Returns -1 with why in err. */
static int plan_train(struct plan *p, struct search *S, struct dlh_error *err)
{
	if (alloc_scratch(S)) {
		free_scratch(S); /* what was allocated before it failed */
		return dlh_err(err, "out of memory");
	}
	if (!run_search(S)) {
		double need =
			cm_total_params(S->mdl) *
			(CM_WEIGHT_BYTES + CM_GRAD_BYTES + CM_OPTIM_BYTES);

		free_scratch(S);
		return too_small(S, need, err);
	}
	if (build_train(p, S)) {
		free_scratch(S);
		return dlh_err(err, "out of memory");
	}
	free_scratch(S);
	train_baselines(p, S);
	return 0;
}

struct plan *plan_compute(const struct plan_request *req, struct dlh_error *err)
{
	struct search S;
	struct plan *p;

	if (!req) {
		dlh_err(err, "no request");
		return NULL;
	}
	if (normalize(req, &S, err))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		goto oom;
	p->n_groups = S.ng;
	p->groups = calloc(S.ng, sizeof(*p->groups));
	if (!p->groups)
		goto oom;
	init_groups(p, &S, req);
	if (req->mode == PLAN_INFER) {
		if (build_infer(p, &S, req, err))
			goto fail;
		return p;
	}
	if (req->mode != PLAN_TRAIN) {
		dlh_err(err, "unknown mode %d", (int) req->mode);
		goto fail;
	}
	if (plan_train(p, &S, err))
		goto fail;
	return p;
oom:
	dlh_err(err, "out of memory");
fail:
	plan_free(p);
	return NULL;
}

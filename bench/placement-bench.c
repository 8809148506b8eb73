/*
 * placement-bench: decision time and quality of placement_place().
 *
 *   placement-bench [-r REQUESTS] [-q INSTANCES] [-s SEED] [-m MAXCOUNT]
 *
 * Time: synthetic clusters of 1,000 and 10,000 nodes (3-level fat tree:
 * 16 nodes per leaf, 8 leaves per mid switch, 4 mids per top switch; two
 * domains of whole top switches; 6 chip types, one per leaf except one
 * leaf in ten that mixes them; 8 accelerators per node; half the nodes
 * busy, half of those partly), random requests of 2-3 types of 1-64
 * (-m) accelerators each.  p50/p99/max over the requests.
 *
 * Quality: random small instances (<= 16 nodes, see placement_oracle.h)
 * against the exhaustive oracle: share of placements optimal for (1)-(4)
 * and for (1)-(5).
 *
 * Prints a Markdown table.  Exit status 1 if any placement is invalid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "placement.h"
#include "placement_oracle.h"

#define NODES_PER_LEAF	16
#define LEAVES_PER_MID	8
#define MIDS_PER_TOP	4

static const char *types6[] = { "a100", "h100", "mlu590", "ascend910b",
				 "k100", "mi300x" };

struct cluster {
	struct placement_node *nodes;
	char (*names)[16];
	size_t n;
};

static int rnd(uint64_t *s, int lo, int hi)
{
	return lo + (int)(oracle_rand(s) % (uint32_t)(hi - lo + 1));
}

static void make_cluster(struct cluster *c, size_t n, uint64_t *st)
{
	size_t i, per_top = NODES_PER_LEAF * LEAVES_PER_MID * MIDS_PER_TOP;
	size_t n_tops = (n + per_top - 1) / per_top;
	int leaf_type = 0;
	bool mixed = false;

	c->n = n;
	c->nodes = calloc(n, sizeof(*c->nodes));
	c->names = calloc(n, sizeof(*c->names));
	if (!c->nodes || !c->names) {
		perror("calloc");
		exit(2);
	}
	for (i = 0; i < n; i++) {
		struct placement_node *p = &c->nodes[i];
		int leaf = (int)(i / NODES_PER_LEAF);
		int mid = leaf / LEAVES_PER_MID, top = mid / MIDS_PER_TOP;
		int r = rnd(st, 0, 3);

		if (i % NODES_PER_LEAF == 0) {
			leaf_type = rnd(st, 0, 5);
			mixed = rnd(st, 0, 9) == 0;
		}
		snprintf(c->names[i], sizeof(c->names[i]), "n%05zu", i);
		p->name = c->names[i];
		p->index = (int)i;
		p->chip_type = types6[mixed ? rnd(st, 0, 5) : leaf_type];
		p->total_accel = 8;
		/* half busy: a quarter full, a quarter partly */
		p->free_accel = r < 2 ? 8 : r == 2 ? 0 :
				(uint32_t)rnd(st, 1, 7);
		p->free_cores = 64;
		/* two domains of whole top switches */
		p->domain = (size_t)top < (n_tops + 1) / 2 ? 0 : 1;
		p->leaf_switch = leaf;
		p->switch_path[0] = leaf;
		p->switch_path[1] = 100000 + mid;
		p->switch_path[2] = 200000 + top;
		p->switch_path[3] = -1;
		p->n_levels = 3;
		p->weight = rnd(st, 0, 9) ? 1 : 2;
	}
}

static int max_count = 64;

static void random_request(uint64_t *st, struct placement_request *req)
{
	int k = rnd(st, 2, 3), i, j;

	memset(req, 0, sizeof(*req));
	while ((int)req->n_types < k) {
		const char *t = types6[rnd(st, 0, 5)];

		for (j = 0; j < (int)req->n_types; j++)
			if (!strcmp(req->type[j], t))
				break;
		if (j < (int)req->n_types)
			continue;
		i = (int)req->n_types++;
		req->type[i] = t;
		req->count[i] = (uint32_t)rnd(st, 1, max_count);
		req->total += req->count[i];
	}
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int time_cluster(size_t n, int requests, uint64_t seed)
{
	struct cluster c;
	double *us = calloc(requests, sizeof(*us));
	uint64_t st = seed;
	int i, exact = 0, bad = 0;
	double sum_leaves = 0, sum_work = 0;

	make_cluster(&c, n, &st);
	for (i = 0; i < requests; i++) {
		struct placement_request req;
		struct placement_result res;
		double t0;
		int rc;

		random_request(&st, &req);
		t0 = now_us();
		rc = placement_place(c.nodes, c.n, &req, &res);
		us[i] = now_us() - t0;
		if (rc == PLACEMENT_OK) {
			uint64_t got[PLACEMENT_MAX_TYPES] = { 0 };
			size_t k;

			/* valid: exact counts, within each node's free */
			for (k = 0; k < res.n_picks; k++) {
				const struct placement_pick *pk = &res.picks[k];

				if (pk->count > c.nodes[pk->node].free_accel ||
				    strcmp(res.type[pk->type],
					   c.nodes[pk->node].chip_type))
					bad++;
				got[pk->type] += pk->count;
			}
			for (k = 0; k < req.n_types; k++)
				if (got[k] != req.count[k])
					bad++;
			exact += res.exact;
			sum_leaves += res.cost.leaves;
			sum_work += res.work;
		} else if (rc == PLACEMENT_INVALID) {
			bad++;
		}
		placement_result_free(&res);
	}
	qsort(us, requests, sizeof(*us), cmp_double);
	printf("| %6zu nodes | %5d | %8.3f | %8.3f | %8.3f | %5.1f%% | %5.2f | %7.0f |\n",
	       n, requests, us[requests / 2] / 1000.0,
	       us[(int)(requests * 0.99)] / 1000.0,
	       us[requests - 1] / 1000.0, 100.0 * exact / requests,
	       sum_leaves / requests, sum_work / requests);
	free(us);
	free(c.nodes);
	free(c.names);
	return bad;
}

static int quality(int instances, uint64_t seed)
{
	uint64_t st = seed;
	int i, opt4 = 0, opt5 = 0, exact = 0, bad = 0;
	double t_lib = 0;

	for (i = 0; i < instances; i++) {
		struct oracle_instance in;
		struct placement_cost best, got;
		struct placement_result res;
		char why[128];
		double t0;
		int rc;

		oracle_random_instance(&st, 16, &in);
		t0 = now_us();
		rc = placement_place(in.nodes, in.n, &in.req, &res);
		t_lib += now_us() - t0;
		if (rc != PLACEMENT_OK ||
		    oracle_check(in.nodes, in.n, &in.req, &res, &got, why,
				 sizeof(why)) ||
		    oracle_best(in.nodes, in.n, &in.req, &best)) {
			fprintf(stderr, "instance %d: invalid (rc %d)\n", i,
				rc);
			bad++;
			placement_result_free(&res);
			continue;
		}
		got.weight = res.cost.weight;
		exact += res.exact;
		if (got.domain_links == best.domain_links &&
		    got.span_level == best.span_level &&
		    got.leaves == best.leaves &&
		    got.frag_delta == best.frag_delta) {
			opt4++;
			opt5 += got.weight == best.weight;
		}
		placement_result_free(&res);
	}
	printf("\n| quality (%d instances, <= 16 nodes) | optimal (1)-(4) | optimal (1)-(5) | marked exact | mean time |\n",
	       instances);
	printf("|---|---|---|---|---|\n");
	printf("| vs exhaustive search | %.1f%% | %.1f%% | %.1f%% | %.1f us |\n",
	       100.0 * opt4 / instances, 100.0 * opt5 / instances,
	       100.0 * exact / instances, t_lib / instances);
	return bad;
}

int main(int argc, char **argv)
{
	int requests = 1000, instances = 1000, opt, bad = 0;
	uint64_t seed = 20240601;

	while ((opt = getopt(argc, argv, "r:q:s:m:")) != -1) {
		switch (opt) {
		case 'r':
			requests = atoi(optarg);
			break;
		case 'q':
			instances = atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'm':
			max_count = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-r REQUESTS] [-q INSTANCES] [-s SEED] [-m MAXCOUNT]\n",
				argv[0]);
			return 2;
		}
	}
	if (requests < 1 || instances < 1 || max_count < 1 ||
	    max_count > 65536)
		return 2;
	printf("Requests: 2-3 types, 1-%d accelerators each.\n\n",
	       max_count);
	printf("| cluster | requests | p50 ms | p99 ms | max ms | exact | mean leaves | mean work |\n");
	printf("|---|---|---|---|---|---|---|---|\n");
	bad += time_cluster(1000, requests, seed);
	bad += time_cluster(10000, requests, seed + 1);
	bad += quality(instances, seed + 2);
	return bad ? 1 : 0;
}

/*
 * Placement on Slurm's topology/block (23.11 and later).
 *
 * There a job of N nodes must lie inside one block: a base block when
 * N fits one, otherwise one aggregated block (an aligned group of 2^k base
 * blocks) of the smallest configured size that holds N nodes; a job larger
 * than every block may span the system.  cons_tres refuses any other node
 * set ("unable to find block"), even one narrowed to exactly the nodes
 * wanted, so the placement must keep to it.  Nodes carry their blocks as
 * switch paths (level l: the block of size block_size[l] that holds them),
 * which gives placement_place() the right preferences; only the hard rule
 * needs this second pass.
 */
#include <stdlib.h>
#include <string.h>

#include "placement.h"

/* The level a job of n nodes must stay in; -1: it may span the system. */
static int level_for(const uint32_t *block_size, size_t n_levels, size_t n)
{
	size_t l;

	for (l = 0; l < n_levels; l++)
		if (block_size[l] >= n)
			return (int) l;
	return -1;
}

/* The block at level lvl that holds every pick; -1 if none does. */
static int common_block(const struct placement_node *nodes,
			const struct placement_result *res, int lvl)
{
	int id = -1, b;
	size_t k;

	for (k = 0; k < res->n_picks; k++) {
		const struct placement_node *p = &nodes[res->picks[k].node];

		b = lvl < p->n_levels ? p->switch_path[lvl] : -1;
		if (b < 0 || (id >= 0 && b != id))
			return -1;
		id = b;
	}
	return id;
}

static bool fits(const struct placement_node *nodes,
		 const struct placement_result *res, const uint32_t *block_size,
		 size_t n_levels)
{
	int lvl = level_for(block_size, n_levels, res->n_picks);

	return lvl < 0 || common_block(nodes, res, lvl) >= 0;
}

/*
 * Place inside the block `id` at level lvl: the nodes there (sub, their
 * positions in pos) and the picks mapped back to positions in nodes[].
 */
static int place_in(const struct placement_node *nodes, size_t n, int lvl,
		    int id, const struct placement_request *req,
		    struct placement_result *res, struct placement_node *sub,
		    size_t *pos, struct dlh_error *err)
{
	size_t m = 0, i, k;
	int rc;

	for (i = 0; i < n; i++)
		if (lvl < nodes[i].n_levels && nodes[i].switch_path[lvl] == id) {
			pos[m] = i;
			sub[m++] = nodes[i];
		}
	rc = placement_place(sub, m, req, res, err);
	if (rc == PLACEMENT_OK)
		for (k = 0; k < res->n_picks; k++)
			res->picks[k].node = pos[res->picks[k].node];
	return rc;
}

/* true if block id at level lvl was tried already (first node holding it) */
static bool seen_before(const struct placement_node *nodes, size_t i, int lvl)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (lvl < nodes[j].n_levels &&
		    nodes[j].switch_path[lvl] == nodes[i].switch_path[lvl])
			return true;
	return false;
}

/*
 * The placement crossed the block its size needs: try each block of that
 * level that has enough free accelerators, and of the levels above when a
 * placement inside grows past it (more, less free nodes); the first that
 * fits wins.  Work: one placement_place() per block tried, each under the
 * request's own budget, and at most max_blocks of them.
 */
static int place_inside_blocks(const struct placement_node *nodes, size_t n,
			       const struct placement_request *req,
			       const uint32_t *block_size, size_t n_levels,
			       size_t n_wanted, struct placement_result *res,
			       struct dlh_error *err)
{
	struct placement_node *sub = calloc(n + 1, sizeof(*sub));
	size_t *pos = calloc(n + 1, sizeof(*pos));
	size_t i, tried = 0;
	uint64_t work = res->work;
	int lvl0 = level_for(block_size, n_levels, n_wanted), lvl, rc;
	int best = PLACEMENT_NEVER;

	if (!sub || !pos) {
		free(sub);
		free(pos);
		return PLACEMENT_INVALID;
	}
	for (lvl = lvl0; lvl >= 0 && lvl < (int) n_levels; lvl++) {
		for (i = 0; i < n && tried < PLACEMENT_BLOCK_TRIES; i++) {
			if (lvl >= nodes[i].n_levels ||
			    nodes[i].switch_path[lvl] < 0 ||
			    seen_before(nodes, i, lvl))
				continue;
			tried++;
			rc = place_in(nodes, n, lvl, nodes[i].switch_path[lvl],
				      req, res, sub, pos, err);
			work += res->work;
			if (rc == PLACEMENT_OK &&
			    fits(nodes, res, block_size, n_levels))
				goto done;
			/* inside but grown past the block: the level above */
			if (rc == PLACEMENT_OK)
				placement_result_free(res);
			else if (rc == PLACEMENT_NOT_NOW)
				best = PLACEMENT_NOT_NOW;
		}
	}
	rc = best;
	memset(res, 0, sizeof(*res));
done:
	res->work = work;
	free(sub);
	free(pos);
	return rc;
}

int placement_place_blocks(const struct placement_node *nodes, size_t n,
			   const struct placement_request *req,
			   const uint32_t *block_size, size_t n_levels,
			   struct placement_result *res, struct dlh_error *err)
{
	size_t wanted;
	int rc = placement_place(nodes, n, req, res, err);

	if (rc != PLACEMENT_OK || !n_levels ||
	    fits(nodes, res, block_size, n_levels))
		return rc;
	wanted = res->n_picks;
	placement_result_free(res);
	rc = place_inside_blocks(nodes, n, req, block_size, n_levels, wanted,
				 res, err);
	if (rc == PLACEMENT_NOT_NOW || rc == PLACEMENT_NEVER)
		dlh_err(err,
			"placement: no block of the topology holds the job "
			"(topology/block: %zu nodes must share a block of "
			"%zu nodes or more)",
			wanted, wanted);
	return rc;
}

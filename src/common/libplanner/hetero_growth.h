/*
 * hetero_growth: the record that links a grown --dl-hetero job to its
 * parts, kept by the select plugin in each job's admin comment.
 *
 * Slurm cannot add accelerators to a running job that holds gres, so a
 * job grows by *parts*: jobs of their own (accounted, in sacct), each
 * submitted with --dl-part-of=MAIN.  The main job's admin comment carries
 * after its summary the plan generation slurmctld has reached, the main
 * job's own map and each part's map:
 *
 *   dlhetero a100:2(n1) | generation 2 | map n1:a100:2 | part 13 n3:ascend910b:2
 *
 * and a part's comment names its main job:
 *
 *   dlhetero ascend910b:2(n3) | part of 12
 *
 * A part asked to leave (dlhetero-grow --shrink) is marked "leaving"
 * ("| part 13 n3:ascend910b:2 leaving"): the next generation plans
 * without it, its ranks see that they are not in it and end; then the
 * part ends and leaves the record.
 *
 * Only SlurmUser and admins can set an admin comment, so what the
 * record says comes from slurmctld: the steps of both jobs read it (with
 * the job's node list, in one job-info answer) and compute the same plan
 * from it, over the main job's nodes first and then the parts' in the
 * order they joined.  No Slurm dependency; parsing is strict and bounded.
 */
#ifndef DLH_HETERO_GROWTH_H
#define DLH_HETERO_GROWTH_H

#include <stddef.h>
#include <stdint.h>

#include "dlh_log.h"
#include "hetero_map.h"

#define HETERO_GROWTH_MAX_PARTS 16
#define HETERO_GROWTH_SEP	" | "

struct hetero_growth_part {
	uint32_t job_id;
	char *map;   /* hetero_map form, malloc'd */
	int leaving; /* planned without it from now on */
};

struct hetero_growth {
	unsigned generation; /* slurmctld's count of the job's map changes */
	uint32_t part_of;    /* a part: its main job; 0 for a main job */
	char *map;	     /* the main job's own map, malloc'd; or NULL */
	size_t n_parts;
	struct hetero_growth_part part[HETERO_GROWTH_MAX_PARTS];
};

/*
 * The record in an admin comment (*g zeroed first; a comment without one
 * is a job that never grew: 0 with everything 0).  -1 with why in err on
 * a malformed record, and *g empty.
 */
int hetero_growth_parse(const char *comment, struct hetero_growth *g,
			struct dlh_error *err);

/* True when g says anything (a generation, a map, a part or a main job). */
int hetero_growth_any(const struct hetero_growth *g);

/* summary + the record, malloc'd; NULL when out of memory. */
char *hetero_growth_format(const char *summary, const struct hetero_growth *g);

/* The comment without its record (a malloc'd copy of the summary). */
char *hetero_growth_summary(const char *comment);

/* The comment with its record replaced by g, malloc'd; NULL: no memory. */
char *hetero_growth_comment(const char *comment, const struct hetero_growth *g);

/* Adds a part (its map copied); -1 with why when full or already there. */
int hetero_growth_add_part(struct hetero_growth *g, uint32_t job_id,
			   const char *map, struct dlh_error *err);

/* The index of a part in g->part, or -1 */
int hetero_growth_find(const struct hetero_growth *g, uint32_t job_id);

/* Marks a part leaving; 1 when it was there and was not leaving yet. */
int hetero_growth_leave(struct hetero_growth *g, uint32_t job_id);

/* Removes a part; 1 when it was there, 0 when not. */
int hetero_growth_remove_part(struct hetero_growth *g, uint32_t job_id);

/*
 * The nodes of the grown job, in rank order: the main job's map kept to
 * main_nodes (its node list now; NULL keeps all), then each part's that
 * is not leaving.
 * A node named twice is refused: ranks are found by node and local rank.
 * Returns 0 with a malloc'd array, or -1 with why in err.
 */
int hetero_growth_nodes(const struct hetero_growth *g, const char *main_nodes,
			struct hetero_node **out, size_t *n_out,
			struct dlh_error *err);

void hetero_growth_free(struct hetero_growth *g);

#endif

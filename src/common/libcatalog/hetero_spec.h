/*
 * hetero_spec: the user's --dl-hetero SPEC.
 *
 *   TYPE:N[,TYPE:N...]          N accelerators of each listed chip type
 *   auto:N                      N accelerators in total, of any types
 *   auto:N:TYPE+TYPE[+...]      N in total, of the listed types only
 *
 * TYPE is [a-z0-9_-]{1,31} (lowercase; "auto" is reserved), N is a decimal
 * number without sign or leading zero: 1..65536 per type, at most 16 types,
 * each at most once, and at most 1,000,000 in total.  The order of the types
 * is kept (placement reports them in that order); the planner chooses the
 * order of the pipeline stages.
 *
 * The SPEC comes from users and is parsed inside slurmctld (root), so the
 * parser is strict and bounded and never trusts its input.  Whether a TYPE
 * exists is for the caller to check against the chip catalog.
 * No Slurm dependency.
 */
#ifndef DLH_HETERO_SPEC_H
#define DLH_HETERO_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dlh_log.h"

#define HETERO_SPEC_MAX_TYPES 16
#define HETERO_SPEC_TYPE_LEN  32    /* with the NUL: names <= 31 chars */
#define HETERO_SPEC_MAX_COUNT 65536 /* per type */
#define HETERO_SPEC_MAX_TOTAL 1000000
#define HETERO_SPEC_MAX_LEN   1024 /* longest SPEC string accepted */

struct hetero_spec {
	bool is_auto;
	/* Explicit: the types and their counts.  Auto: the allowed types
	 * (n == 0: any type), counts are 0. */
	size_t n;
	struct {
		char type[HETERO_SPEC_TYPE_LEN];
		uint32_t count;
	} item[HETERO_SPEC_MAX_TYPES];
	uint32_t total; /* sum of counts, or N of auto */
};

/*
 * Parse s into *out.  Returns 0, or -1 with *out zeroed and, when err is not
 * NULL, a one-line message in err naming the bad part, e.g.
 *   bad count "x" for type a100 (want 1..65536)
 * User text quoted in messages is truncated and made printable.
 */
int hetero_spec_parse(const char *s, struct hetero_spec *out,
		      struct dlh_error *err);

/*
 * Write the canonical form of spec ("a100:8,mlu590:16", "auto:16",
 * "auto:16:a100+mlu590") into buf, NUL-terminated and truncated to len like
 * snprintf.  Returns the length of the full string, or -1 if spec is not
 * valid (it is checked as hetero_spec_parse would).
 */
int hetero_spec_format(const struct hetero_spec *spec, char *buf, size_t len);

/* Index of type in spec (exact name), or -1. */
int hetero_spec_find(const struct hetero_spec *spec, const char *type);

/*
 * The total of a bare --dl-hetero, one accelerator per task: num_tasks
 * (-n), else ntasks_per_node x min_nodes (-N with --ntasks-per-node),
 * multiplied in 64 bits since both come from the user; 0 for a value not
 * given.  Returns 0 when there is no count; the caller refuses anything
 * over HETERO_SPEC_MAX_TOTAL.
 */
/*
 * The job can only ever hold one chip type: an explicit SPEC of one type,
 * or auto:N:TYPE.  (Bare auto and lists of types may mix.)
 */
bool hetero_spec_one_type(const struct hetero_spec *spec);

uint64_t hetero_spec_task_total(uint32_t num_tasks, uint32_t ntasks_per_node,
				uint32_t min_nodes);

#endif

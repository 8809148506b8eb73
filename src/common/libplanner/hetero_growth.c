/*
 * hetero_growth: a grown job's record in its admin comment (see the
 * header for the form).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hetero_growth.h"

/* The longest comment read: a map of HETERO_MAP_MAX_LEN per job at most */
#define COMMENT_MAX                                                            \
	((size_t) (HETERO_GROWTH_MAX_PARTS + 2) * HETERO_MAP_MAX_LEN)
#define GENERATION_MAX 1000000

void hetero_growth_free(struct hetero_growth *g)
{
	size_t i;

	if (!g)
		return;
	free(g->map);
	for (i = 0; i < g->n_parts; i++)
		free(g->part[i].map);
	memset(g, 0, sizeof(*g));
}

int hetero_growth_any(const struct hetero_growth *g)
{
	return g->generation || g->part_of || g->map || g->n_parts;
}

/* At most 40 characters of a field, for a message */
#define SNIPPET(s, len) (int) ((len) > 40 ? 40 : (len)), (s)

/* A whole decimal number in 1..max (0..max when zero_ok) */
static int number(const char *s, size_t len, unsigned long max, int zero_ok,
		  unsigned long *v)
{
	size_t i;

	if (!len || len > 10 || (len > 1 && s[0] == '0'))
		return -1;
	for (*v = 0, i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned long) (s[i] - '0');
	}
	return (*v > max || (!*v && !zero_ok)) ? -1 : 0;
}

/* A map, checked by parsing it; malloc'd copy into *out. */
static int map_copy(const char *s, size_t len, char **out,
		    struct dlh_error *err)
{
	struct hetero_node *nodes;
	size_t n;

	if (!(*out = strndup(s, len)))
		return dlh_err(err, "out of memory");
	if (hetero_map_parse(*out, &nodes, &n, err)) {
		free(*out);
		*out = NULL;
		return -1;
	}
	free(nodes);
	return 0;
}

int hetero_growth_find(const struct hetero_growth *g, uint32_t job_id)
{
	size_t i;

	for (i = 0; i < g->n_parts; i++)
		if (g->part[i].job_id == job_id)
			return (int) i;
	return -1;
}

/* One " | "-separated field of the record into g. */
static int field(const char *s, size_t len, struct hetero_growth *g,
		 struct dlh_error *err)
{
	const char *sp;
	unsigned long v;

	if (len > 11 && !strncmp(s, "generation ", 11)) {
		if (number(s + 11, len - 11, GENERATION_MAX, 1, &v))
			return dlh_err(err, "bad generation \"%.*s\"",
				       SNIPPET(s, len));
		g->generation = (unsigned) v;
		return 0;
	}
	if (len > 4 && !strncmp(s, "map ", 4)) {
		if (g->map)
			return dlh_err(err, "two maps");
		return map_copy(s + 4, len - 4, &g->map, err);
	}
	if (len > 8 && !strncmp(s, "part of ", 8)) {
		if (number(s + 8, len - 8, UINT32_MAX, 0, &v))
			return dlh_err(err, "bad job id in \"%.*s\"",
				       SNIPPET(s, len));
		g->part_of = (uint32_t) v;
		return 0;
	}
	if (len > 5 && !strncmp(s, "part ", 5)) {
		s += 5;
		len -= 5;
		sp = memchr(s, ' ', len);
		if (!sp || number(s, (size_t) (sp - s), UINT32_MAX, 0, &v))
			return dlh_err(err, "bad part \"%.*s\"",
				       SNIPPET(s, len));
		if (hetero_growth_find(g, (uint32_t) v) >= 0)
			return dlh_err(err, "part %lu named twice", v);
		if (g->n_parts == HETERO_GROWTH_MAX_PARTS)
			return dlh_err(err, "more than %d parts",
				       HETERO_GROWTH_MAX_PARTS);
		g->part[g->n_parts].job_id = (uint32_t) v;
		len -= (size_t) (sp + 1 - s);
		s = sp + 1;
		/* "MAP leaving": maps have no spaces */
		if (len > 8 && !memcmp(s + len - 8, " leaving", 8)) {
			g->part[g->n_parts].leaving = 1;
			len -= 8;
		}
		if (map_copy(s, len, &g->part[g->n_parts].map, err))
			return -1;
		g->n_parts++;
		return 0;
	}
	return dlh_err(err, "unknown field \"%.*s\"", SNIPPET(s, len));
}

int hetero_growth_parse(const char *comment, struct hetero_growth *g,
			struct dlh_error *err)
{
	const char *p, *next;
	size_t seplen = strlen(HETERO_GROWTH_SEP);
	struct dlh_error why;

	memset(g, 0, sizeof(*g));
	if (!comment || !(p = strstr(comment, HETERO_GROWTH_SEP)))
		return 0;
	if (strnlen(comment, COMMENT_MAX + 1) > COMMENT_MAX)
		return dlh_err(err, "growth record longer than %zu bytes",
			       COMMENT_MAX);
	while (p) {
		p += seplen;
		next = strstr(p, HETERO_GROWTH_SEP);
		if (field(p, next ? (size_t) (next - p) : strlen(p), g, &why)) {
			hetero_growth_free(g);
			return dlh_err(err, "growth record: %s", why.text);
		}
		p = next;
	}
	if (g->part_of && (g->map || g->n_parts)) {
		hetero_growth_free(g);
		return dlh_err(err, "growth record: a part with parts");
	}
	return 0;
}

char *hetero_growth_summary(const char *comment)
{
	const char *p = comment ? strstr(comment, HETERO_GROWTH_SEP) : NULL;

	if (!comment)
		return NULL;
	return p ? strndup(comment, (size_t) (p - comment)) : strdup(comment);
}

char *hetero_growth_format(const char *summary, const struct hetero_growth *g)
{
	char *out = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	fputs(summary ? summary : "dlhetero", f);
	if (g->part_of)
		fprintf(f, "%spart of %u", HETERO_GROWTH_SEP, g->part_of);
	if (g->generation || g->map || g->n_parts)
		fprintf(f, "%sgeneration %u", HETERO_GROWTH_SEP, g->generation);
	if (g->map)
		fprintf(f, "%smap %s", HETERO_GROWTH_SEP, g->map);
	for (i = 0; i < g->n_parts; i++)
		fprintf(f, "%spart %u %s%s", HETERO_GROWTH_SEP,
			g->part[i].job_id, g->part[i].map,
			g->part[i].leaving ? " leaving" : "");
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

char *hetero_growth_comment(const char *comment, const struct hetero_growth *g)
{
	char *summary = hetero_growth_summary(comment), *text;

	text = hetero_growth_format(summary, g);
	free(summary);
	return text;
}

int hetero_growth_add_part(struct hetero_growth *g, uint32_t job_id,
			   const char *map, struct dlh_error *err)
{
	if (hetero_growth_find(g, job_id) >= 0)
		return dlh_err(err, "job %u is a part already", job_id);
	if (g->n_parts == HETERO_GROWTH_MAX_PARTS)
		return dlh_err(err, "the job has %d parts already, the most",
			       HETERO_GROWTH_MAX_PARTS);
	if (map_copy(map, strlen(map), &g->part[g->n_parts].map, err))
		return -1;
	g->part[g->n_parts++].job_id = job_id;
	return 0;
}

int hetero_growth_leave(struct hetero_growth *g, uint32_t job_id)
{
	int i = hetero_growth_find(g, job_id);

	if (i < 0 || g->part[i].leaving)
		return 0;
	g->part[i].leaving = 1;
	return 1;
}

int hetero_growth_remove_part(struct hetero_growth *g, uint32_t job_id)
{
	int i = hetero_growth_find(g, job_id);

	if (i < 0)
		return 0;
	free(g->part[i].map);
	memmove(&g->part[i], &g->part[i + 1],
		(g->n_parts - (size_t) i - 1) * sizeof(g->part[0]));
	g->n_parts--;
	return 1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct hetero_node *) a)->name,
		      ((const struct hetero_node *) b)->name);
}

/* Appends map's nodes to *out (*n of them, room for cap). */
static int append(struct hetero_node **out, size_t *n, size_t *cap,
		  const struct hetero_node *add, size_t n_add,
		  struct dlh_error *err)
{
	struct hetero_node *grown;

	if (*n + n_add > HETERO_MAP_MAX_NODES)
		return dlh_err(err, "more than %d nodes", HETERO_MAP_MAX_NODES);
	if (*n + n_add > *cap) {
		*cap = (*n + n_add) * 2;
		if (!(grown = realloc(*out, *cap * sizeof(**out))))
			return dlh_err(err, "out of memory");
		*out = grown;
	}
	memcpy(*out + *n, add, n_add * sizeof(*add));
	*n += n_add;
	return 0;
}

int hetero_growth_nodes(const struct hetero_growth *g, const char *main_nodes,
			struct hetero_node **out, size_t *n_out,
			struct dlh_error *err)
{
	struct hetero_node *nodes = NULL, *kept, *sorted = NULL;
	size_t n, n_kept, cap = 0, i;
	int rc = -1;

	*out = NULL;
	*n_out = 0;
	if (!g->map)
		return dlh_err(err,
			       "the growth record has no map of the main job");
	if (hetero_map_parse(g->map, &nodes, &n, err))
		return -1;
	if (main_nodes) {
		if (hetero_map_keep(nodes, n, main_nodes, &kept, &n_kept, err))
			goto out;
		free(nodes);
		nodes = kept;
		n = n_kept;
	}
	cap = n;
	for (i = 0; i < g->n_parts; i++) {
		if (g->part[i].leaving)
			continue;
		if (hetero_map_parse(g->part[i].map, &kept, &n_kept, err))
			goto out;
		rc = append(&nodes, &n, &cap, kept, n_kept, err);
		free(kept);
		if (rc)
			goto out;
		rc = -1;
	}
	if (!n) {
		dlh_err(err, "no nodes left");
		goto out;
	}
	if (!(sorted = malloc(n * sizeof(*sorted)))) {
		dlh_err(err, "out of memory");
		goto out;
	}
	memcpy(sorted, nodes, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_name);
	for (i = 1; i < n; i++)
		if (!strcmp(sorted[i - 1].name, sorted[i].name)) {
			dlh_err(err, "node %s is in two parts of the job",
				sorted[i].name);
			goto out;
		}
	*out = nodes;
	*n_out = n;
	nodes = NULL;
	rc = 0;
out:
	free(sorted);
	free(nodes);
	return rc;
}

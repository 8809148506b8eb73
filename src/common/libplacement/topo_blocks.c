#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "topo_blocks.h"

/* "KEY=value" in a line's words: value, or NULL */
static char *field(char **word, size_t n, const char *key)
{
	size_t i, len = strlen(key);

	for (i = 0; i < n; i++)
		if (!strncmp(word[i], key, len) && word[i][len] == '=')
			return word[i] + len + 1;
	return NULL;
}

#define MAX_WORDS 16

static int parse_line(char *line, size_t lineno, struct topo_block *b,
		      struct dlh_error *err)
{
	char *word[MAX_WORDS], *save = NULL, *w, *size, *end;
	size_t n = 0;
	unsigned long v;

	for (w = strtok_r(line, " \t", &save); w && n < MAX_WORDS;
	     w = strtok_r(NULL, " \t", &save))
		word[n++] = w;
	if (!n)
		return 0;
	if (!strncmp(word[0], "BlockName=", 10))
		b->aggregated = false;
	else if (!strncmp(word[0], "AggregatedBlock=", 16))
		b->aggregated = true;
	else
		return 0;
	b->name = strchr(word[0], '=') + 1;
	b->nodes = field(word, n, "Nodes");
	size = field(word, n, "BlockSize");
	if (!*b->name || !b->nodes || !*b->nodes || !size)
		return dlh_err(err,
			       "topology line %zu: a block needs a name, "
			       "Nodes= and BlockSize=",
			       lineno);
	errno = 0;
	v = strtoul(size, &end, 10);
	if (errno || *end || !v || v > UINT32_MAX || *size == '-')
		return dlh_err(err, "topology line %zu: bad BlockSize=%s",
			       lineno, size);
	b->size = (uint32_t) v;
	return 1;
}

int topo_blocks_parse(char *text, struct topo_block *out, size_t max,
		      struct dlh_error *err)
{
	char *line, *save = NULL;
	size_t n = 0, lineno = 0;
	struct topo_block b;
	int rc;

	if (!text)
		return 0;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		rc = parse_line(line, lineno, &b, err);
		if (rc < 0)
			return -1;
		if (!rc)
			continue;
		if (n == max)
			return dlh_err(err, "topology: more than %zu blocks",
				       max);
		out[n++] = b;
	}
	return (int) n;
}

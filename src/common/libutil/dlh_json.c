#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlh_json.h"
#include "dlh_log.h"

char *dlh_read_file(const char *path, size_t max, const char *what, size_t *len,
		    struct dlh_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		dlh_err(err, "%s: cannot open %s: %s", path, what,
			strerror(errno));
		return NULL;
	}
	buf = malloc(max + 1);
	if (!buf) {
		dlh_err(err, "%s: out of memory", path);
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		dlh_err(err, "%s: cannot read %s: %s", path, what,
			strerror(errno));
		goto fail;
	}
	if (n > max) {
		dlh_err(err, "%s: %s larger than %zu bytes", path, what, max);
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

static void offset_to_line(const char *buf, size_t off, size_t *line,
			   size_t *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

json_object *dlh_json_parse(const char *path, const char *buf, size_t len,
			    int max_depth, const char *what,
			    struct dlh_error *err)
{
	struct json_tokener *tok;
	json_object *root;
	enum json_tokener_error jerr;
	size_t end, line, col, i;
	const char *nul = memchr(buf, '\0', len);

	if (len == 0) {
		dlh_err(err, "%s: %s is empty", path, what);
		return NULL;
	}
	/* json-c would stop at a NUL and accept what came before. */
	if (nul) {
		offset_to_line(buf, nul - buf, &line, &col);
		dlh_err(err, "%s:%zu:%zu: NUL byte in %s", path, line, col,
			what);
		return NULL;
	}
	tok = json_tokener_new_ex(max_depth);
	if (!tok) {
		dlh_err(err, "%s: out of memory", path);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, buf, (int) len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	if (jerr == json_tokener_continue) {
		offset_to_line(buf, len, &line, &col);
		dlh_err(err,
			"%s:%zu:%zu: %s ends in the middle of a JSON value",
			path, line, col, what);
		json_object_put(root);
		return NULL;
	}
	if (jerr != json_tokener_success || !root) {
		offset_to_line(buf, end > len ? len : end, &line, &col);
		dlh_err(err, "%s:%zu:%zu: bad JSON: %s", path, line, col,
			jerr == json_tokener_success
				? "null document"
				: json_tokener_error_desc(jerr));
		json_object_put(root);
		return NULL;
	}
	for (i = end; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' &&
		    buf[i] != '\n') {
			offset_to_line(buf, i, &line, &col);
			dlh_err(err, "%s:%zu:%zu: text after the JSON document",
				path, line, col);
			json_object_put(root);
			return NULL;
		}
	return root;
}

char *dlh_catalog_names(const void *items, size_t n, size_t item_size,
			size_t name_offset)
{
	const char *base = items;
	size_t i, len = 1, used = 0;
	char *out;

#define NAME(i) (*(char *const *) (base + (i) *item_size + name_offset))
	for (i = 0; i < n; i++)
		len += strlen(NAME(i)) + 1;
	if (!(out = malloc(len)))
		return NULL;
	out[0] = '\0';
	for (i = 0; i < n; i++)
		used += snprintf(out + used, len - used, "%s%s", i ? "," : "",
				 NAME(i));
#undef NAME
	return out;
}

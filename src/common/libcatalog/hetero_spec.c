/*
 * hetero_spec: parse and print the --dl-hetero SPEC (see hetero_spec.h).
 *
 * The parser works on (pointer, length) slices of the input and never
 * writes to it; every loop is bounded by HETERO_SPEC_MAX_LEN.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dlh_log.h"
#include "hetero_spec.h"

#define QUOTE_MAX 40 /* user text shown in a message */

/* Printable, bounded copy of user text for error messages. */
static void quote(const char *s, size_t len, char *dst, size_t dstlen)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < dstlen; i++) {
		unsigned char c = s[i];

		if (i == QUOTE_MAX) {
			o += snprintf(dst + o, dstlen - o, "...");
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			dst[o++] = c;
		else
			o += snprintf(dst + o, dstlen - o, "\\x%02x", c);
	}
	dst[o < dstlen ? o : dstlen - 1] = '\0';
}

static bool type_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

/* Checks one TYPE slice; on error writes why into err. */
static int check_type(const char *s, size_t len, struct dlh_error *err)
{
	char q[QUOTE_MAX * 4 + 8];
	size_t i;

	quote(s, len, q, sizeof(q));
	if (len == 0) {
		dlh_err(err, "empty chip type");
		return -1;
	}
	if (len >= HETERO_SPEC_TYPE_LEN) {
		dlh_err(err, "chip type \"%s\" is longer than %d characters", q,
			HETERO_SPEC_TYPE_LEN - 1);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z') {
			dlh_err(err, "chip type \"%s\" must be lowercase", q);
			return -1;
		}
		if (!type_char(s[i])) {
			dlh_err(err,
				"bad character in chip type \"%s\" (want [a-z0-9_-])",
				q);
			return -1;
		}
	}
	if (len == 4 && !memcmp(s, "auto", 4)) {
		dlh_err(err,
			"\"auto\" is not a chip type; use auto:N or auto:N:TYPE+TYPE alone");
		return -1;
	}
	return 0;
}

/* Decimal without sign or leading zero, within 1..max. */
static int parse_count(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 10 || s[0] == '0')
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t) (s[i] - '0');
	}
	if (v < 1 || v > max)
		return -1;
	*out = (uint32_t) v;
	return 0;
}

static bool seen_type(const struct hetero_spec *spec, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < spec->n; i++)
		if (strlen(spec->item[i].type) == len &&
		    !memcmp(spec->item[i].type, s, len))
			return true;
	return false;
}

/* Adds a checked type to spec; returns -1 (with err) on duplicate/overflow. */
static int add_type(struct hetero_spec *spec, const char *s, size_t len,
		    uint32_t count, struct dlh_error *err)
{
	char q[QUOTE_MAX * 4 + 8];

	if (check_type(s, len, err))
		return -1;
	quote(s, len, q, sizeof(q));
	if (seen_type(spec, s, len)) {
		dlh_err(err, "chip type %s given twice", q);
		return -1;
	}
	if (spec->n == HETERO_SPEC_MAX_TYPES) {
		dlh_err(err, "more than %d chip types", HETERO_SPEC_MAX_TYPES);
		return -1;
	}
	memcpy(spec->item[spec->n].type, s, len);
	spec->item[spec->n].type[len] = '\0';
	spec->item[spec->n].count = count;
	spec->n++;
	return 0;
}

/* auto:N or auto:N:TYPE+TYPE...; s points after "auto:". */
static int parse_auto(const char *s, size_t len, struct hetero_spec *spec,
		      struct dlh_error *err)
{
	char q[QUOTE_MAX * 4 + 8];
	const char *colon = memchr(s, ':', len);
	size_t nlen = colon ? (size_t) (colon - s) : len;
	const char *p, *end = s + len;

	quote(s, nlen, q, sizeof(q));
	if (parse_count(s, nlen, HETERO_SPEC_MAX_TOTAL, &spec->total)) {
		dlh_err(err, "bad total \"%s\" for auto (want 1..%d)", q,
			HETERO_SPEC_MAX_TOTAL);
		return -1;
	}
	if (!colon)
		return 0;
	if (colon + 1 == end) {
		dlh_err(err,
			"empty type list after auto:%u: (want TYPE+TYPE...)",
			spec->total);
		return -1;
	}
	for (p = colon + 1; p <= end;) {
		const char *plus = memchr(p, '+', end - p);
		size_t tlen = plus ? (size_t) (plus - p) : (size_t) (end - p);

		if (tlen == 0) {
			dlh_err(err,
				"empty chip type in auto type list (stray '+')");
			return -1;
		}
		if (add_type(spec, p, tlen, 0, err))
			return -1;
		if (!plus)
			break;
		p = plus + 1;
		if (p == end) {
			dlh_err(err,
				"empty chip type in auto type list (stray '+')");
			return -1;
		}
	}
	return 0;
}

static int parse_explicit(const char *s, size_t len, struct hetero_spec *spec,
			  struct dlh_error *err)
{
	char q[QUOTE_MAX * 4 + 8], qt[QUOTE_MAX * 4 + 8];
	const char *p = s, *end = s + len;
	uint64_t total = 0;

	for (;;) {
		const char *comma = memchr(p, ',', end - p);
		const char *iend = comma ? comma : end;
		const char *colon = memchr(p, ':', iend - p);
		uint32_t count;

		quote(p, iend - p, q, sizeof(q));
		if (iend == p) {
			dlh_err(err, "empty item (stray ',')");
			return -1;
		}
		if (!colon && iend - p == 4 && !memcmp(p, "auto", 4)) {
			dlh_err(err,
				"auto needs a total: auto:N or auto:N:TYPE+TYPE");
			return -1;
		}
		if (!colon) {
			dlh_err(err, "item \"%s\" has no count (want TYPE:N)",
				q);
			return -1;
		}
		if (check_type(p, colon - p, err))
			return -1;
		quote(p, colon - p, qt, sizeof(qt));
		quote(colon + 1, iend - colon - 1, q, sizeof(q));
		if (memchr(colon + 1, ':', iend - colon - 1)) {
			dlh_err(err,
				"bad count \"%s\" for type %s (want 1..%d)", q,
				qt, HETERO_SPEC_MAX_COUNT);
			return -1;
		}
		if (parse_count(colon + 1, iend - colon - 1,
				HETERO_SPEC_MAX_COUNT, &count)) {
			dlh_err(err,
				"bad count \"%s\" for type %s (want 1..%d)", q,
				qt, HETERO_SPEC_MAX_COUNT);
			return -1;
		}
		if (add_type(spec, p, colon - p, count, err))
			return -1;
		total += count;
		if (!comma)
			break;
		p = comma + 1;
		if (p == end) {
			dlh_err(err, "empty item (trailing ',')");
			return -1;
		}
	}
	if (total > HETERO_SPEC_MAX_TOTAL) {
		dlh_err(err,
			"total of %llu accelerators is over the limit of %d",
			(unsigned long long) total, HETERO_SPEC_MAX_TOTAL);
		return -1;
	}
	spec->total = (uint32_t) total;
	return 0;
}

int hetero_spec_parse(const char *s, struct hetero_spec *out,
		      struct dlh_error *err)
{
	struct hetero_spec spec;
	size_t len, i;
	int rc;

	if (err)
		err->text[0] = '\0';
	if (out)
		memset(out, 0, sizeof(*out));
	if (!s || !out) {
		dlh_err(err, "no SPEC given");
		return -1;
	}
	len = strnlen(s, HETERO_SPEC_MAX_LEN + 1);
	if (len == 0) {
		dlh_err(err,
			"empty SPEC (want TYPE:N[,TYPE:N...] or auto:N[:TYPE+TYPE...])");
		return -1;
	}
	if (len > HETERO_SPEC_MAX_LEN) {
		dlh_err(err, "SPEC longer than %d characters",
			HETERO_SPEC_MAX_LEN);
		return -1;
	}
	/* Reject control and other odd bytes up front, with their place. */
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (type_char(c) || (c >= 'A' && c <= 'Z') || c == ':' ||
		    c == ',' || c == '+')
			continue;
		if (c >= 0x20 && c < 0x7f)
			dlh_err(err,
				"unexpected character '%c' at position %zu", c,
				i + 1);
		else
			dlh_err(err, "unexpected byte 0x%02x at position %zu",
				c, i + 1);
		return -1;
	}
	memset(&spec, 0, sizeof(spec));
	if (len >= 5 && !memcmp(s, "auto:", 5)) {
		spec.is_auto = true;
		if (memchr(s, ',', len)) {
			dlh_err(err,
				"auto cannot be combined with TYPE:N items (use auto:N:TYPE+TYPE)");
			return -1;
		}
		rc = parse_auto(s + 5, len - 5, &spec, err);
	} else {
		if (memchr(s, '+', len)) {
			dlh_err(err, "'+' is only allowed in auto:N:TYPE+TYPE");
			return -1;
		}
		rc = parse_explicit(s, len, &spec, err);
	}
	if (rc)
		return -1;
	*out = spec;
	return 0;
}

/* Re-checks a struct that may not come from the parser. */
static bool spec_valid(const struct hetero_spec *spec)
{
	uint64_t total = 0;
	size_t i, j;

	if (!spec || spec->n > HETERO_SPEC_MAX_TYPES)
		return false;
	if (!spec->is_auto && spec->n == 0)
		return false;
	for (i = 0; i < spec->n; i++) {
		size_t len = strnlen(spec->item[i].type, HETERO_SPEC_TYPE_LEN);

		if (len == HETERO_SPEC_TYPE_LEN ||
		    check_type(spec->item[i].type, len, NULL))
			return false;
		for (j = 0; j < i; j++)
			if (!strcmp(spec->item[i].type, spec->item[j].type))
				return false;
		if (spec->is_auto) {
			if (spec->item[i].count)
				return false;
		} else if (spec->item[i].count < 1 ||
			   spec->item[i].count > HETERO_SPEC_MAX_COUNT) {
			return false;
		}
		total += spec->item[i].count;
	}
	if (spec->is_auto)
		return spec->total >= 1 && spec->total <= HETERO_SPEC_MAX_TOTAL;
	return total == spec->total && total <= HETERO_SPEC_MAX_TOTAL;
}

int hetero_spec_format(const struct hetero_spec *spec, char *buf, size_t len)
{
	char tmp[HETERO_SPEC_MAX_LEN + 64];
	size_t i, o = 0;

	if (!spec_valid(spec))
		return -1;
	if (spec->is_auto) {
		o += snprintf(tmp + o, sizeof(tmp) - o, "auto:%u", spec->total);
		for (i = 0; i < spec->n; i++)
			o += snprintf(tmp + o, sizeof(tmp) - o, "%c%s",
				      i ? '+' : ':', spec->item[i].type);
	} else {
		for (i = 0; i < spec->n; i++)
			o += snprintf(tmp + o, sizeof(tmp) - o, "%s%s:%u",
				      i ? "," : "", spec->item[i].type,
				      spec->item[i].count);
	}
	if (buf && len)
		snprintf(buf, len, "%s", tmp);
	return (int) o;
}

int hetero_spec_find(const struct hetero_spec *spec, const char *type)
{
	size_t i;

	if (!spec || !type)
		return -1;
	for (i = 0; i < spec->n && i < HETERO_SPEC_MAX_TYPES; i++)
		if (!strcmp(spec->item[i].type, type))
			return (int) i;
	return -1;
}

uint64_t hetero_spec_task_total(uint32_t num_tasks, uint32_t ntasks_per_node,
				uint32_t min_nodes)
{
	if (num_tasks)
		return num_tasks;
	return (uint64_t) ntasks_per_node * min_nodes;
}

bool hetero_spec_one_type(const struct hetero_spec *spec)
{
	return spec->n == 1;
}

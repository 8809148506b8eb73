/*
 * dlh_config: read dlhetero.conf (see dlh_config.h and dlhetero.conf(5)).
 *
 * The file is admin-written but read by slurmctld as root, so every part is
 * bounded: lines are read into a fixed buffer, hostlists are capped, and a
 * bad line is reported and skipped rather than trusted or fatal.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dlh_config.h"
#include "dlh_log.h"

#define HOST_NAME_MAX_LEN   255
#define HOSTLIST_MAX_GROUPS 8 /* [..] groups in one name */
#define DOMAIN_NAME_MAX_LEN 63
#define GBPS_MAX	    1000000.0
#define DUP_REPORT_MAX	    10 /* duplicate-node messages per file */

/*
 * The signals a resize may be announced with: ones whose default action
 * does no harm to a program that does not expect them (WINCH, URG and CONT
 * are ignored by default), or that programs commonly trap (HUP, USR1/2).
 */
static const struct {
	const char *name;
	int sig;
} resize_signals[] = {
	{ "WINCH", SIGWINCH }, { "URG", SIGURG },   { "CONT", SIGCONT },
	{ "HUP", SIGHUP },     { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
};

int dlh_signal_parse(const char *name)
{
	size_t i;

	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (i = 0; i < sizeof(resize_signals) / sizeof(resize_signals[0]); i++)
		if (!strcasecmp(name, resize_signals[i].name))
			return resize_signals[i].sig;
	return -1;
}

const char *dlh_signal_name(int sig)
{
	size_t i;

	for (i = 0; i < sizeof(resize_signals) / sizeof(resize_signals[0]); i++)
		if (resize_signals[i].sig == sig)
			return resize_signals[i].name;
	return "WINCH";
}
/* ------------------------------------------------------------------ */
/* hostlist                                                            */
/* ------------------------------------------------------------------ */

struct host_vec {
	char **v;
	size_t n, cap, max;
	struct dlh_error *err;
};

static bool host_char(char c)
{
	return isalnum((unsigned char) c) || c == '.' || c == '_' || c == '-';
}

static int push_host(struct host_vec *hv, const char *name, size_t len)
{
	char *copy;

	if (hv->n == hv->max) {
		dlh_err(hv->err, "hostlist names more than %zu hosts", hv->max);
		return -1;
	}
	if (hv->n == hv->cap) {
		size_t cap = hv->cap ? hv->cap * 2 : 16;
		char **v = realloc(hv->v, cap * sizeof(*v));

		if (!v)
			goto oom;
		hv->v = v;
		hv->cap = cap;
	}
	copy = malloc(len + 1);
	if (!copy)
		goto oom;
	memcpy(copy, name, len);
	copy[len] = '\0';
	hv->v[hv->n++] = copy;
	return 0;
oom:
	dlh_err(hv->err, "out of memory");
	return -1;
}

/* Parses up to 9 decimal digits; returns digits consumed, 0 if none. */
static size_t parse_uint(const char *s, size_t len, unsigned long *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < len && i < 10 && isdigit((unsigned char) s[i]); i++)
		*v = *v * 10 + (unsigned long) (s[i] - '0');
	return i > 9 ? 0 : i;
}

/* One N or N-M range of a [..] group; width: digits to zero-pad to. */
struct host_range {
	unsigned long lo, hi;
	size_t width;
};

static int expand_term(struct host_vec *hv, char *buf, size_t plen,
		       const char *term, size_t len, int depth);

/* Appends the literal s[0..len) to the name of plen bytes in buf. */
static int add_literal(struct host_vec *hv, char *buf, size_t plen,
		       const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!host_char(s[i])) {
			dlh_err(hv->err, "bad character 0x%02x in host name",
				(unsigned char) s[i]);
			return -1;
		}
	}
	if (plen + len > HOST_NAME_MAX_LEN) {
		dlh_err(hv->err, "host name longer than %d", HOST_NAME_MAX_LEN);
		return -1;
	}
	memcpy(buf + plen, s, len);
	return 0;
}

/* The ']' closing the group opened at open (the term ends at end), or NULL
 * if the group is unbalanced or empty. */
static const char *group_close(struct host_vec *hv, const char *open,
			       const char *end)
{
	const char *close = memchr(open, ']', end - open);

	if (!close || memchr(open + 1, '[', close - open - 1)) {
		dlh_err(hv->err, "unbalanced '[' in hostlist");
		return NULL;
	}
	if (close == open + 1) {
		dlh_err(hv->err, "empty [] in hostlist");
		return NULL;
	}
	return close;
}

/* The range p[0..end) of a group: N or N-M, at most hv->max numbers. */
static int parse_range(struct host_vec *hv, const char *p, const char *end,
		       struct host_range *r)
{
	size_t nlo, nhi = 0;

	nlo = parse_uint(p, end - p, &r->lo);
	r->hi = r->lo;
	if (nlo && p + nlo < end && p[nlo] == '-') {
		nhi = parse_uint(p + nlo + 1, end - p - nlo - 1, &r->hi);
		if (!nhi)
			nlo = 0;
	}
	if (!nlo || p + nlo + (nhi ? nhi + 1 : 0) != end) {
		dlh_err(hv->err,
			"bad range \"%.*s\" in hostlist (want N or N-M)",
			(int) (end - p < 20 ? end - p : 20), p);
		return -1;
	}
	if (r->hi < r->lo) {
		dlh_err(hv->err,
			"bad range %lu-%lu in hostlist (end before start)",
			r->lo, r->hi);
		return -1;
	}
	if (r->hi - r->lo >= hv->max) {
		dlh_err(hv->err, "hostlist names more than %zu hosts", hv->max);
		return -1;
	}
	/* Slurm keeps the width of a zero-padded start: n[01-10]. */
	r->width = (nlo > 1 && p[0] == '0') ? nlo : 0;
	return 0;
}

/* Each number of range r appended to the name of plen bytes in buf, then
 * the rest of the term, rest[0..len), expanded after it. */
static int expand_range(struct host_vec *hv, char *buf, size_t plen,
			const struct host_range *r, const char *rest,
			size_t len, int depth)
{
	unsigned long v;

	for (v = r->lo; v <= r->hi; v++) {
		size_t room = HOST_NAME_MAX_LEN + 1 - plen;
		int w = snprintf(buf + plen, room, "%0*lu", (int) r->width, v);

		if (w < 0 || plen + w > HOST_NAME_MAX_LEN) {
			dlh_err(hv->err, "host name longer than %d",
				HOST_NAME_MAX_LEN);
			return -1;
		}
		if (expand_term(hv, buf, plen + w, rest, len, depth))
			return -1;
	}
	return 0;
}

/*
 * Expands term[0..len) with prefix[0..plen) already built into buf (of
 * HOST_NAME_MAX_LEN + 1 bytes): its literal start, then for each range of
 * its first [..] group, the rest of the term after each number.  depth
 * counts [..] groups seen.
 */
static int expand_term(struct host_vec *hv, char *buf, size_t plen,
		       const char *term, size_t len, int depth)
{
	const char *open = memchr(term, '[', len), *close, *p;
	size_t lit = open ? (size_t) (open - term) : len;

	if (add_literal(hv, buf, plen, term, lit))
		return -1;
	plen += lit;
	if (!open) {
		if (plen == 0) {
			dlh_err(hv->err, "empty host name");
			return -1;
		}
		return push_host(hv, buf, plen);
	}
	if (++depth > HOSTLIST_MAX_GROUPS) {
		dlh_err(hv->err, "more than %d [..] groups in a name",
			HOSTLIST_MAX_GROUPS);
		return -1;
	}
	close = group_close(hv, open, term + len);
	if (!close)
		return -1;
	for (p = open + 1; p < close;) {
		const char *comma = memchr(p, ',', close - p);
		struct host_range r;

		if (parse_range(hv, p, comma ? comma : close, &r) ||
		    expand_range(hv, buf, plen, &r, close + 1,
				 term + len - close - 1, depth))
			return -1;
		p = comma ? comma + 1 : close;
		if (comma && p == close) {
			dlh_err(hv->err, "empty range in hostlist");
			return -1;
		}
	}
	return 0;
}

void dlh_hostlist_free(char **hosts, size_t n_hosts)
{
	size_t i;

	if (!hosts)
		return;
	for (i = 0; i < n_hosts; i++)
		free(hosts[i]);
	free(hosts);
}

int dlh_hostlist_expand(const char *expr, size_t max_hosts, char ***hosts,
			size_t *n_hosts, struct dlh_error *err)
{
	struct host_vec hv = {
		.max = max_hosts ? max_hosts : DLH_HOSTLIST_MAX_HOSTS,
		.err = err,
	};
	char buf[HOST_NAME_MAX_LEN + 1];
	const char *p, *end;
	size_t len;

	if (hosts)
		*hosts = NULL;
	if (n_hosts)
		*n_hosts = 0;
	if (err)
		err->text[0] = '\0';
	if (!expr || !hosts || !n_hosts) {
		dlh_err(err, "no hostlist");
		return -1;
	}
	len = strnlen(expr, DLH_HOSTLIST_MAX_LEN + 1);
	if (len == 0 || len > DLH_HOSTLIST_MAX_LEN) {
		dlh_err(err, len ? "hostlist too long" : "empty hostlist");
		return -1;
	}
	end = expr + len;
	for (p = expr; p < end;) {
		const char *q;
		int in_bracket = 0;

		/* The term ends at the first ',' outside brackets. */
		for (q = p; q < end; q++) {
			if (*q == '[') {
				if (in_bracket++)
					break;
			} else if (*q == ']') {
				if (!in_bracket--)
					break;
			} else if (*q == ',' && !in_bracket) {
				break;
			}
		}
		if (q < end && *q != ',') {
			dlh_err(err, "unbalanced brackets in hostlist");
			goto fail;
		}
		if (in_bracket) {
			dlh_err(err, "unbalanced '[' in hostlist");
			goto fail;
		}
		if (q == p) {
			dlh_err(err, "empty host name in hostlist");
			goto fail;
		}
		if (expand_term(&hv, buf, 0, p, q - p, 0))
			goto fail;
		if (q < end && q + 1 == end) {
			dlh_err(err, "trailing ',' in hostlist");
			goto fail;
		}
		p = q + 1;
	}
	*hosts = hv.v;
	*n_hosts = hv.n;
	return 0;
fail:
	dlh_hostlist_free(hv.v, hv.n);
	return -1;
}

/* A host name split as prefix + trailing digits ("n012" -> "n", "012"). */
struct host_parts {
	size_t plen, dlen; /* prefix and digit lengths */
	unsigned long num;
};

static void host_split(const char *name, struct host_parts *hp)
{
	size_t len = strlen(name), i = len;

	while (i > 0 && isdigit((unsigned char) name[i - 1]))
		i--;
	hp->plen = i;
	hp->dlen = len - i;
	/* more than 9 digits: kept as a literal name, never ranged */
	if (hp->dlen > 9)
		hp->plen = len, hp->dlen = 0;
	hp->num = hp->dlen ? strtoul(name + hp->plen, NULL, 10) : 0;
}

/* Does name read as prefix (of a) + num printed with a's zero padding? */
static bool continues(const char *a, const struct host_parts *ha,
		      unsigned long num, const char *name)
{
	char digits[32];
	int w;

	w = snprintf(digits, sizeof(digits), "%0*lu", (int) ha->dlen, num);
	return w > 0 && strlen(name) == ha->plen + (size_t) w &&
	       !strncmp(name, a, ha->plen) && !strcmp(name + ha->plen, digits);
}

/* Appends to a growing string; -1 when out of memory. */
static int sappend(char **s, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	char *grown;
	int w;

	for (;;) {
		va_start(ap, fmt);
		w = vsnprintf(*s ? *s + *len : NULL, *s ? *cap - *len : 0, fmt,
			      ap);
		va_end(ap);
		if (w < 0)
			return -1;
		if (*s && *len + w < *cap) {
			*len += w;
			return 0;
		}
		*cap = (*cap + w + 1) * 2;
		if (!(grown = realloc(*s, *cap)))
			return -1;
		*s = grown;
	}
}

char *dlh_hostlist_compress(char *const *hosts, size_t n)
{
	char *s = NULL;
	size_t len = 0, cap = 0, i = 0, j, k, items;
	struct host_parts h0, hj;

	if (sappend(&s, &len, &cap, "%s", ""))
		return NULL;
	while (i < n) {
		host_split(hosts[i], &h0);
		/* j: end of the run of hosts with h0's prefix and digits */
		for (j = i + 1; h0.dlen && j < n; j++) {
			host_split(hosts[j], &hj);
			if (!hj.dlen || hj.plen != h0.plen ||
			    strncmp(hosts[j], hosts[i], h0.plen))
				break;
		}
		if (!h0.dlen || j == i + 1) {
			if (sappend(&s, &len, &cap, "%s%s", i ? "," : "",
				    hosts[i]))
				goto oom;
			i++;
			continue;
		}
		if (sappend(&s, &len, &cap, "%s%.*s[", i ? "," : "",
			    (int) h0.plen, hosts[i]))
			goto oom;
		for (items = 0, k = i; k < j; items++) {
			size_t e = k;
			struct host_parts hk;

			host_split(hosts[k], &hk);
			/* a range: each next name is the number + 1, printed
			 * as the range's first number is (its padding) */
			while (e + 1 < j && hk.num + (e + 1 - k) != 0 &&
			       continues(hosts[k], &hk, hk.num + (e + 1 - k),
					 hosts[e + 1]))
				e++;
			if (sappend(&s, &len, &cap, "%s%s", items ? "," : "",
				    hosts[k] + hk.plen) ||
			    (e > k && sappend(&s, &len, &cap, "-%s",
					      hosts[e] + hk.plen)))
				goto oom;
			k = e + 1;
		}
		if (sappend(&s, &len, &cap, "]"))
			goto oom;
		i = j;
	}
	return s;
oom:
	free(s);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* config file                                                         */
/* ------------------------------------------------------------------ */

int dlh_config_default_path(char *buf, size_t len)
{
	const char *conf = getenv("SLURM_CONF");
	const char *slash;
	size_t dirlen;
	int n;

	if (!conf || !*conf)
		conf = "/etc/slurm/slurm.conf";
	slash = strrchr(conf, '/');
	if (!slash)
		n = snprintf(buf, len, "%s", DLH_CONFIG_FILE);
	else {
		dirlen = slash == conf ? 1 : (size_t) (slash - conf);
		if (dirlen > INT_MAX)
			return -1;
		n = snprintf(buf, len, "%.*s%s%s", (int) dirlen, conf,
			     dirlen == 1 && *conf == '/' ? "" : "/",
			     DLH_CONFIG_FILE);
	}
	return (n < 0 || (size_t) n >= len) ? -1 : 0;
}

struct loader {
	struct dlh_config *cfg;
	const char *file; /* basename, for messages */
	unsigned long line;
	bool oom;
	/* node map being built: name, domain, line */
	struct pending_node {
		char *name;
		size_t domain;
		unsigned long line;
	} * nodes;
	size_t n_nodes, cap_nodes;
};

static void line_error(struct loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void line_error(struct loader *ld, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dlh_error("%s:%lu: %s; line ignored", ld->file, ld->line, msg);
	ld->cfg->n_errors++;
}

/* Shown part of a value in messages: printable and short. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; s[i] && o + 4 < len; i++) {
		if (i == 40) {
			snprintf(buf + o, len - o, "...");
			return buf;
		}
		buf[o++] = isprint((unsigned char) s[i]) ? s[i] : '?';
	}
	buf[o] = '\0';
	return buf;
}

/* Positive finite GB/s figure, digits and at most one '.'. */
static int parse_gbps(const char *s, double *out)
{
	size_t i, dots = 0, digits = 0;
	char *end;
	double v;

	for (i = 0; s[i]; i++) {
		if (s[i] == '.')
			dots++;
		else if (isdigit((unsigned char) s[i]))
			digits++;
		else
			return -1;
	}
	if (!digits || dots > 1 || i > 32)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0.0 || v > GBPS_MAX)
		return -1;
	*out = v;
	return 0;
}

static int set_path(struct loader *ld, char **slot, const char *key,
		    const char *val)
{
	char sbuf[64];
	size_t i;

	if (*slot) {
		line_error(ld, "%s given twice (keeping the first)", key);
		return -1;
	}
	if (val[0] != '/') {
		line_error(ld, "%s=%s is not an absolute path", key,
			   shown(val, sbuf, sizeof(sbuf)));
		return -1;
	}
	for (i = 0; val[i]; i++) {
		if (!isprint((unsigned char) val[i])) {
			line_error(ld, "%s has a non-printable character", key);
			return -1;
		}
	}
	*slot = strdup(val);
	if (!*slot)
		ld->oom = true;
	return 0;
}

static bool domain_name_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!host_char(s[i]) || i >= DOMAIN_NAME_MAX_LEN)
			return false;
	return i > 0;
}

/* The keys of a Domain line: Domain=, Nodes= and InterDomainGBps=, each at
 * most once; -1 after reporting the line. */
static int domain_keys(struct loader *ld, char **key, char **val, size_t n_tok,
		       const char **name, const char **nodes, double *gbps)
{
	char sbuf[64];
	size_t i;

	for (i = 0; i < n_tok; i++) {
		if (!strcasecmp(key[i], "Domain") && !*name) {
			*name = val[i];
		} else if (!strcasecmp(key[i], "Nodes") && !*nodes) {
			*nodes = val[i];
		} else if (!strcasecmp(key[i], "InterDomainGBps") &&
			   *gbps == 0.0) {
			if (parse_gbps(val[i], gbps)) {
				line_error(
					ld,
					"bad InterDomainGBps \"%s\" (want a number in (0, %g])",
					shown(val[i], sbuf, sizeof(sbuf)),
					GBPS_MAX);
				return -1;
			}
		} else {
			line_error(
				ld,
				"unexpected or repeated key \"%s\" on a Domain line",
				shown(key[i], sbuf, sizeof(sbuf)));
			return -1;
		}
	}
	return 0;
}

/* Whether a domain of this name (and Nodes=) can be added; -1 after
 * reporting the line. */
static int domain_ok(struct loader *ld, const char *name, const char *nodes)
{
	struct dlh_config *cfg = ld->cfg;
	char sbuf[64];
	size_t i;

	if (!domain_name_ok(name)) {
		line_error(ld,
			   "bad domain name \"%s\" (want [A-Za-z0-9._-]{1,%d})",
			   shown(name, sbuf, sizeof(sbuf)),
			   DOMAIN_NAME_MAX_LEN);
		return -1;
	}
	if (!strcasecmp(name, "default")) {
		line_error(
			ld,
			"domain name \"default\" is reserved for nodes no Domain line names");
		return -1;
	}
	for (i = 0; i < cfg->n_domains; i++) {
		if (!strcasecmp(cfg->domains[i].name, name)) {
			line_error(ld, "domain %s defined twice", name);
			return -1;
		}
	}
	if (!nodes) {
		line_error(ld, "Domain=%s has no Nodes=", name);
		return -1;
	}
	if (cfg->n_domains > DLH_CONFIG_MAX_DOMAINS) {
		line_error(ld, "more than %d domains", DLH_CONFIG_MAX_DOMAINS);
		return -1;
	}
	return 0;
}

/* The hosts of Nodes=, within what the node map may hold; -1 after
 * reporting the line. */
static int domain_hosts(struct loader *ld, const char *nodes, char ***hosts,
			size_t *n_hosts)
{
	struct dlh_error err;
	char sbuf[64];

	if (dlh_hostlist_expand(nodes, 0, hosts, n_hosts, &err)) {
		line_error(ld, "Nodes=%s: %s", shown(nodes, sbuf, sizeof(sbuf)),
			   err.text);
		return -1;
	}
	if (ld->n_nodes + *n_hosts > DLH_CONFIG_MAX_NODES) {
		line_error(ld, "more than %d nodes in Domain lines",
			   DLH_CONFIG_MAX_NODES);
		dlh_hostlist_free(*hosts, *n_hosts);
		return -1;
	}
	return 0;
}

/* Room for more nodes in the node map being built. */
static int reserve_nodes(struct loader *ld, size_t more)
{
	size_t cap = ld->cap_nodes ? ld->cap_nodes : 64;
	struct pending_node *pn;

	if (ld->n_nodes + more <= ld->cap_nodes)
		return 0;
	while (cap < ld->n_nodes + more)
		cap *= 2;
	pn = realloc(ld->nodes, cap * sizeof(*pn));
	if (!pn)
		return -1;
	ld->nodes = pn;
	ld->cap_nodes = cap;
	return 0;
}

/* Adds the domain and its hosts to the node map, which takes over the
 * host names (all freed when out of memory: ld->oom). */
static void add_domain(struct loader *ld, const char *name, double gbps,
		       char **hosts, size_t n_hosts)
{
	struct dlh_config *cfg = ld->cfg;
	struct dlh_domain *doms;
	size_t i, dom;

	doms = realloc(cfg->domains, (cfg->n_domains + 1) * sizeof(*doms));
	if (!doms)
		goto oom;
	cfg->domains = doms;
	if (reserve_nodes(ld, n_hosts))
		goto oom;
	dom = cfg->n_domains;
	doms[dom].name = strdup(name);
	if (!doms[dom].name)
		goto oom;
	doms[dom].inter_domain_gbps = gbps;
	doms[dom].n_nodes = n_hosts;
	cfg->n_domains++;
	for (i = 0; i < n_hosts; i++) {
		ld->nodes[ld->n_nodes].name = hosts[i];
		ld->nodes[ld->n_nodes].domain = dom;
		ld->nodes[ld->n_nodes].line = ld->line;
		ld->n_nodes++;
	}
	free(hosts);
	return;
oom:
	dlh_hostlist_free(hosts, n_hosts);
	ld->oom = true;
}

static void parse_domain(struct loader *ld, char **key, char **val,
			 size_t n_tok)
{
	const char *name = NULL, *nodes = NULL;
	double gbps = 0.0;
	char **hosts = NULL;
	size_t n_hosts = 0;

	if (domain_keys(ld, key, val, n_tok, &name, &nodes, &gbps) ||
	    domain_ok(ld, name, nodes) ||
	    domain_hosts(ld, nodes, &hosts, &n_hosts))
		return;
	add_domain(ld, name, gbps, hosts, n_hosts);
}

#define MAX_TOKENS 16

/* The Key=Value items of line s (cut in place, a '#' comment dropped)
 * into key[] and val[], *n of them; -1 after reporting the line. */
static int split_items(struct loader *ld, char *s, char **key, char **val,
		       size_t *n)
{
	char *hash = strchr(s, '#'), sbuf[64];

	if (hash)
		*hash = '\0';
	*n = 0;
	for (;;) {
		char *eq;

		while (isspace((unsigned char) *s))
			s++;
		if (!*s)
			break;
		if (*n == MAX_TOKENS) {
			line_error(ld, "more than %d Key=Value items",
				   MAX_TOKENS);
			return -1;
		}
		key[*n] = s;
		while (*s && !isspace((unsigned char) *s))
			s++;
		if (*s)
			*s++ = '\0';
		eq = strchr(key[*n], '=');
		if (!eq || eq == key[*n] || !eq[1]) {
			line_error(ld, "\"%s\" is not Key=Value",
				   shown(key[*n], sbuf, sizeof(sbuf)));
			return -1;
		}
		*eq = '\0';
		val[(*n)++] = eq + 1;
	}
	return 0;
}

static void set_inter_node_gbps(struct loader *ld, const char *val)
{
	char sbuf[64];
	double v;

	if (parse_gbps(val, &v))
		line_error(
			ld,
			"bad DefaultInterNodeGBps \"%s\" (want a number in (0, %g])",
			shown(val, sbuf, sizeof(sbuf)), GBPS_MAX);
	else
		ld->cfg->default_inter_node_gbps = v;
}

/* Slurm's gres.conf spelling: AutoDetect=hwloc|off|none. */
static void set_autodetect(struct loader *ld, const char *val)
{
	char sbuf[64];

	if (!strcasecmp(val, "hwloc"))
		ld->cfg->autodetect_hwloc = true;
	else if (!strcasecmp(val, "off") || !strcasecmp(val, "none"))
		ld->cfg->autodetect_hwloc = false;
	else
		line_error(ld, "bad AutoDetect \"%s\" (want hwloc or off)",
			   shown(val, sbuf, sizeof(sbuf)));
}

/* An integer setting of min..max (what, e.g. "seconds", says the unit). */
static void set_int(struct loader *ld, const char *key, const char *val,
		    const char *what, long min, long max, int *out)
{
	char sbuf[64], *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (errno || end == val || *end || v < min || v > max)
		line_error(ld, "bad %s \"%s\" (want %s, %ld to %ld)", key,
			   shown(val, sbuf, sizeof(sbuf)), what, min, max);
	else
		*out = (int) v;
}

/* RequeueHold: 0 (Slurm's own hold) or DLH_REQUEUE_HOLD_MIN..MAX */
static void set_requeue_hold(struct loader *ld, const char *val)
{
	int v = -1;

	set_int(ld, "RequeueHold", val, "seconds", 0, DLH_REQUEUE_HOLD_MAX, &v);
	if (v > 0 && v < DLH_REQUEUE_HOLD_MIN)
		line_error(ld,
			   "bad RequeueHold \"%d\" (0 for Slurm's own hold, "
			   "or %d to %d seconds)",
			   v, DLH_REQUEUE_HOLD_MIN, DLH_REQUEUE_HOLD_MAX);
	else if (v >= 0)
		ld->cfg->requeue_hold = v;
}

static void set_resize_signal(struct loader *ld, const char *val)
{
	int sig = dlh_signal_parse(val);
	char sbuf[64];

	if (sig < 0)
		line_error(
			ld,
			"bad ResizeSignal \"%s\" (want WINCH, URG, CONT, HUP, USR1 or USR2)",
			shown(val, sbuf, sizeof(sbuf)));
	else
		ld->cfg->resize_signal = sig;
}

/* A line of one Key=Value setting. */
static void parse_setting(struct loader *ld, const char *key, const char *val)
{
	struct dlh_config *cfg = ld->cfg;
	char sbuf[64];

	if (!strcasecmp(key, "ChipCatalog"))
		set_path(ld, &cfg->chip_catalog, "ChipCatalog", val);
	else if (!strcasecmp(key, "ModelCatalog"))
		set_path(ld, &cfg->model_catalog, "ModelCatalog", val);
	else if (!strcasecmp(key, "StateDir"))
		set_path(ld, &cfg->state_dir, "StateDir", val);
	else if (!strcasecmp(key, "DefaultInterNodeGBps"))
		set_inter_node_gbps(ld, val);
	else if (!strcasecmp(key, "AutoDetect"))
		set_autodetect(ld, val);
	else if (!strcasecmp(key, "ResizeCheckInterval"))
		set_int(ld, "ResizeCheckInterval", val, "seconds", 0,
			DLH_RESIZE_CHECK_MAX, &cfg->resize_check_interval);
	else if (!strcasecmp(key, "DeadPeerChecks"))
		set_int(ld, "DeadPeerChecks", val, "checks", 0,
			DLH_DEAD_PEER_CHECKS_MAX, &cfg->dead_peer_checks);
	else if (!strcasecmp(key, "RequeueHold"))
		set_requeue_hold(ld, val);
	else if (!strcasecmp(key, "ResizeSignal"))
		set_resize_signal(ld, val);
	else
		line_error(ld, "unknown key \"%s\"",
			   shown(key, sbuf, sizeof(sbuf)));
}

static void parse_line(struct loader *ld, char *s)
{
	char *key[MAX_TOKENS], *val[MAX_TOKENS], sbuf[64];
	size_t n;

	if (split_items(ld, s, key, val, &n) || !n)
		return;
	if (!strcasecmp(key[0], "Domain")) {
		parse_domain(ld, key, val, n);
		return;
	}
	if (n > 1) {
		line_error(ld, "unexpected \"%s\" after %s=",
			   shown(key[1], sbuf, sizeof(sbuf)), key[0]);
		return;
	}
	parse_setting(ld, key[0], val[0]);
}

/*
 * Reads one line into buf (DLH_CONFIG_MAX_LINE + 1 bytes).  Returns 0 at
 * EOF, 1 for a good line, 2 for an over-long line, 3 for a NUL byte; the
 * rest of a bad line is consumed so the next call starts a fresh line.
 */
static int read_line(FILE *f, char *buf)
{
	size_t n = 0;
	int c, rc = 1;
	bool any = false;

	while ((c = fgetc(f)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (c == '\0')
			rc = 3;
		else if (n == DLH_CONFIG_MAX_LINE && rc == 1)
			rc = 2;
		else if (n < DLH_CONFIG_MAX_LINE)
			buf[n++] = (char) c;
	}
	if (!any)
		return 0;
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return rc;
}

static int cmp_pending(const void *a, const void *b)
{
	const struct pending_node *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->domain < y->domain ? -1 : x->domain > y->domain;
}

/* Sorts the node map and keeps the first domain of a repeated node. */
static void build_node_map(struct loader *ld)
{
	struct dlh_config *cfg = ld->cfg;
	size_t i, dups = 0;

	if (ld->n_nodes) /* qsort(NULL, 0, ...) is undefined */
		qsort(ld->nodes, ld->n_nodes, sizeof(*ld->nodes), cmp_pending);
	cfg->nodes = calloc(ld->n_nodes ? ld->n_nodes : 1, sizeof(*cfg->nodes));
	if (!cfg->nodes) {
		ld->oom = true;
		return;
	}
	for (i = 0; i < ld->n_nodes; i++) {
		struct pending_node *p = &ld->nodes[i];

		if (cfg->n_nodes &&
		    !strcmp(cfg->nodes[cfg->n_nodes - 1].name, p->name)) {
			size_t first = cfg->nodes[cfg->n_nodes - 1].domain;

			if (dups++ < DUP_REPORT_MAX)
				dlh_error(
					"%s:%lu: node %s is already in domain %s; keeping it there",
					ld->file, p->line, p->name,
					cfg->domains[first].name);
			free(p->name);
			continue;
		}
		cfg->nodes[cfg->n_nodes].name = p->name;
		cfg->nodes[cfg->n_nodes].domain = p->domain;
		cfg->n_nodes++;
	}
	if (dups > DUP_REPORT_MAX)
		dlh_error("%s: %zu more nodes named in two domains", ld->file,
			  dups - DUP_REPORT_MAX);
	if (dups)
		cfg->n_errors++;
	free(ld->nodes);
	ld->nodes = NULL;
	ld->n_nodes = 0;
}

struct dlh_config *dlh_config_load(const char *path, struct dlh_error *err)
{
	char defpath[PATH_MAX];
	struct loader ld = { 0 };
	struct dlh_config *cfg;
	const char *slash;
	char *buf = NULL;
	FILE *f;
	int rc;

	if (!path) {
		if (dlh_config_default_path(defpath, sizeof(defpath))) {
			dlh_error(
				"dlhetero.conf: $SLURM_CONF is too long; using defaults");
			defpath[0] = '\0';
		}
		path = defpath;
	}
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		goto oom;
	ld.cfg = cfg;
	cfg->default_inter_node_gbps = DLH_CONFIG_DEFAULT_INTER_NODE_GBPS;
	cfg->resize_check_interval = DLH_RESIZE_CHECK_DEFAULT;
	cfg->resize_signal = SIGWINCH;
	cfg->dead_peer_checks = DLH_DEAD_PEER_CHECKS_DEFAULT;
	cfg->requeue_hold = DLH_REQUEUE_HOLD_DEFAULT;
	cfg->path = strdup(path);
	cfg->domains = calloc(1, sizeof(*cfg->domains));
	if (!cfg->path || !cfg->domains)
		goto oom;
	cfg->domains[0].name = strdup("default");
	if (!cfg->domains[0].name)
		goto oom;
	cfg->n_domains = 1;
	slash = strrchr(path, '/');
	ld.file = slash ? slash + 1 : path;

	f = *path ? fopen(path, "r") : NULL;
	if (!f) {
		if (*path && errno != ENOENT)
			dlh_error("%s: cannot read: %s; using defaults", path,
				  strerror(errno));
		else
			dlh_debug("%s: not found; using defaults", path);
		goto done;
	}
	buf = malloc(DLH_CONFIG_MAX_LINE + 1);
	if (!buf) {
		fclose(f);
		goto oom;
	}
	while (!ld.oom && (rc = read_line(f, buf)) != 0) {
		ld.line++;
		if (rc == 2)
			line_error(&ld, "line longer than %d characters",
				   DLH_CONFIG_MAX_LINE);
		else if (rc == 3)
			line_error(&ld, "NUL byte in line");
		else
			parse_line(&ld, buf);
	}
	if (ferror(f))
		dlh_error("%s: read error after line %lu", path, ld.line);
	fclose(f);
	free(buf);
done:
	if (!ld.oom)
		build_node_map(&ld);
	if (ld.oom)
		goto oom;
	return cfg;
oom:
	dlh_err(err, "dlhetero.conf: out of memory");
	while (ld.n_nodes)
		free(ld.nodes[--ld.n_nodes].name);
	free(ld.nodes);
	dlh_config_free(cfg);
	return NULL;
}

static int cmp_node_key(const void *key, const void *elem)
{
	const struct dlh_node_domain *nd = elem;

	return strcmp(key, nd->name);
}

size_t dlh_config_domain_of(const struct dlh_config *cfg, const char *nodename)
{
	const struct dlh_node_domain *nd;

	if (!cfg || !nodename || !cfg->n_nodes)
		return 0;
	nd = bsearch(nodename, cfg->nodes, cfg->n_nodes, sizeof(*cfg->nodes),
		     cmp_node_key);
	return nd ? nd->domain : 0;
}

void dlh_config_free(struct dlh_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_nodes; i++)
		free(cfg->nodes[i].name);
	free(cfg->nodes);
	for (i = 0; i < cfg->n_domains; i++)
		free(cfg->domains[i].name);
	free(cfg->domains);
	free(cfg->chip_catalog);
	free(cfg->model_catalog);
	free(cfg->state_dir);
	free(cfg->path);
	free(cfg);
}

/*
 * dlh_config: dlhetero.conf parsing against a table of valid and hostile
 * files (each bad line must be reported as dlhetero.conf:LINE and
 * ignored), the hostlist expander, and the default path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dlh_config.h"
#include "dlh_log.h"

static char errlog[16384];
static int n_logged_errors;

static void sink(enum dlh_log_level level, const char *msg)
{
	size_t used = strlen(errlog);

	if (level != DLH_LOG_ERROR)
		return;
	n_logged_errors++;
	snprintf(errlog + used, sizeof(errlog) - used, "%s\n", msg);
}

static char dir[64], path[128];

static int setup(void **state)
{
	(void) state;
	strcpy(dir, "/tmp/dlh-config-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/dlhetero.conf", dir);
	dlh_log_set_sink(sink);
	return 0;
}

static int teardown(void **state)
{
	(void) state;
	unlink(path);
	rmdir(dir);
	dlh_log_set_sink(NULL);
	return 0;
}

static struct dlh_config *load_text(const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	errlog[0] = '\0';
	n_logged_errors = 0;
	return dlh_config_load(path, NULL);
}

struct conf_case {
	const char *text;
	int errors;	     /* lines reported and ignored */
	const char *msg;     /* substring of the error log, or NULL */
	const char *lookups; /* "node=domain ..." to check, or NULL */
	double inter_node;   /* expected DefaultInterNodeGBps */
};

#define DEF DLH_CONFIG_DEFAULT_INTER_NODE_GBPS

static const struct conf_case cases[] = {
	{ "", 0, NULL, "x=0", DEF },
	{ "# only a comment\n\n   \t\n", 0, NULL, NULL, DEF },
	{ "DefaultInterNodeGBps=12.5\n", 0, NULL, NULL, 12.5 },
	{ "defaultinternodegbps=7 # trailing comment\n", 0, NULL, NULL, 7 },
	{ "DefaultInterNodeGBps=12.5\r\n", 0, NULL, NULL, 12.5 },
	{ "Domain=asc Nodes=a[01-03] InterDomainGBps=12.5\n"
	  "Domain=nv Nodes=g[1-2],h5\n",
	  0, NULL, "a01=1 a02=1 a03=1 a1=0 a04=0 g1=2 g2=2 h5=2 h=0 g3=0",
	  DEF },
	/* unknown keys and malformed items */
	{ "Bogus=1\n", 1, "dlhetero.conf:1: unknown key \"Bogus\"", NULL, DEF },
	{ "\nNoEquals\n", 1, "dlhetero.conf:2: \"NoEquals\" is not Key=Value",
	  NULL, DEF },
	{ "=value\n", 1, "is not Key=Value", NULL, DEF },
	{ "ChipCatalog=\n", 1, "is not Key=Value", NULL, DEF },
	{ "DefaultInterNodeGBps=5 ChipCatalog=/x\n", 1,
	  "unexpected \"ChipCatalog\" after DefaultInterNodeGBps=", NULL, DEF },
	/* numbers */
	{ "DefaultInterNodeGBps=abc\n", 1, "bad DefaultInterNodeGBps \"abc\"",
	  NULL, DEF },
	{ "DefaultInterNodeGBps=-1\n", 1, "bad DefaultInterNodeGBps", NULL,
	  DEF },
	{ "DefaultInterNodeGBps=0\n", 1, "bad DefaultInterNodeGBps", NULL,
	  DEF },
	{ "DefaultInterNodeGBps=nan\n", 1, "bad", NULL, DEF },
	{ "DefaultInterNodeGBps=inf\n", 1, "bad", NULL, DEF },
	{ "DefaultInterNodeGBps=0x10\n", 1, "bad", NULL, DEF },
	{ "DefaultInterNodeGBps=1e5\n", 1, "bad", NULL, DEF },
	{ "DefaultInterNodeGBps=1.2.3\n", 1, "bad", NULL, DEF },
	{ "DefaultInterNodeGBps=99999999999999999999\n", 1, "bad", NULL, DEF },
	{ "DefaultInterNodeGBps=12.\n", 0, NULL, NULL, 12 },
	/* paths */
	{ "ChipCatalog=chips.json\n", 1, "not an absolute path", NULL, DEF },
	{ "ChipCatalog=/a.json\nChipCatalog=/b.json\n", 1,
	  "dlhetero.conf:2: ChipCatalog given twice", NULL, DEF },
	/* domains */
	{ "Domain=asc\n", 1, "Domain=asc has no Nodes=", NULL, DEF },
	{ "Domain=default Nodes=a1\n", 1, "reserved", "a1=0", DEF },
	{ "Domain=a/b Nodes=a1\n", 1, "bad domain name", "a1=0", DEF },
	{ "Domain=x Nodes=a1\nDomain=X Nodes=a2\n", 1,
	  "dlhetero.conf:2: domain X defined twice", "a1=1 a2=0", DEF },
	{ "Domain=x Nodes=a1 Color=red\n", 1,
	  "unexpected or repeated key \"Color\"", "a1=0", DEF },
	{ "Domain=x Nodes=a1 Nodes=a2\n", 1, "repeated key \"Nodes\"", "a1=0",
	  DEF },
	{ "Domain=x Nodes=a1 InterDomainGBps=fast\n", 1,
	  "bad InterDomainGBps \"fast\"", "a1=0", DEF },
	{ "Domain=x Nodes=a[1-3]\nDomain=y Nodes=a[3-4]\n", 1,
	  "dlhetero.conf:2: node a3 is already in domain x", "a1=1 a3=1 a4=2",
	  DEF },
	/* hostlists */
	{ "Domain=x Nodes=n[1-\n", 1, "unbalanced", "n1=0", DEF },
	{ "Domain=x Nodes=n[5-1]\n", 1, "end before start", NULL, DEF },
	{ "Domain=x Nodes=n[]\n", 1, "empty []", NULL, DEF },
	{ "Domain=x Nodes=n[1-200000]\n", 1, "more than 100000 hosts", NULL,
	  DEF },
	{ "Domain=x Nodes=n[1-1000]m[1-1000]\n", 1, "more than 100000", NULL,
	  DEF },
	{ "Domain=x Nodes=n[a]\n", 1, "bad range", NULL, DEF },
	{ "Domain=x Nodes=n]1[\n", 1, "unbalanced", NULL, DEF },
	{ "Domain=x Nodes=n[1-2]],m\n", 1, "unbalanced", NULL, DEF },
	{ "Domain=x Nodes=a,,b\n", 1, "empty host name", NULL, DEF },
	{ "Domain=x Nodes=a,\n", 1, "trailing ','", NULL, DEF },
	{ "Domain=x Nodes=n[1,,2]\n", 1, "bad range", NULL, DEF },
	{ "Domain=x Nodes=n$1\n", 1, "bad character 0x24", NULL, DEF },
	{ "Domain=x Nodes=n[1-2]x[3,5]\n", 0, NULL, "n1x3=1 n2x5=1 n1x4=0",
	  DEF },
	/* a bad line does not stop the ones after it */
	{ "Bogus\nDefaultInterNodeGBps=3\nDomain=z Nodes=q1\n", 1, NULL, "q1=1",
	  3 },
	{ "AutoDetect=hwloc\n", 0, NULL, NULL, DEF },
	{ "AutoDetect=maybe\n", 1, "bad AutoDetect \"maybe\"", NULL, DEF },
	{ "ResizeCheckInterval=-1\n", 1, "bad ResizeCheckInterval", NULL, DEF },
	{ "ResizeCheckInterval=2s\n", 1, "bad ResizeCheckInterval", NULL, DEF },
	{ "ResizeCheckInterval=99999999999999999999\n", 1,
	  "bad ResizeCheckInterval", NULL, DEF },
	{ "ResizeCheckInterval=\n", 1, "is not Key=Value", NULL, DEF },
	{ "ResizeSignal=KILL\n", 1, "bad ResizeSignal \"KILL\"", NULL, DEF },
	{ "DeadPeerChecks=-1\n", 1,
	  "bad DeadPeerChecks \"-1\" (want checks, 0 to 100)", NULL, DEF },
	{ "DeadPeerChecks=101\n", 1, "bad DeadPeerChecks", NULL, DEF },
	{ "DeadPeerChecks=3x\n", 1, "bad DeadPeerChecks", NULL, DEF },
	{ "RequeueHold=1\n", 1,
	  "bad RequeueHold \"1\" (0 for Slurm's own hold, or 2 to 3600 seconds)",
	  NULL, DEF },
	{ "RequeueHold=3601\n", 1, "bad RequeueHold \"3601\" (want seconds",
	  NULL, DEF },
	{ "RequeueHold=-5\n", 1, "bad RequeueHold", NULL, DEF },
	{ "ResizeSignal=9\n", 1, "bad ResizeSignal", NULL, DEF },
	{ "a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 k=11 l=12 m=13 n=14 o=15 p=16 q=17\n",
	  1, "more than 16 Key=Value items", NULL, DEF },
	{ "Bogus=\x1b[31mred\n", 1, "unknown key \"Bogus\"", NULL, DEF },
};

static void check_lookups(const struct dlh_config *cfg, const char *spec)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		*eq = '\0';
		if (dlh_config_domain_of(cfg, tok) != (size_t) atoi(eq + 1))
			fail_msg("%s: domain %zu, want %s", tok,
				 dlh_config_domain_of(cfg, tok), eq + 1);
	}
}

static void test_table(void **state)
{
	size_t i;

	(void) state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct conf_case *c = &cases[i];
		struct dlh_config *cfg = load_text(c->text, strlen(c->text));

		assert_non_null(cfg);
		if ((int) cfg->n_errors != c->errors ||
		    n_logged_errors != c->errors)
			fail_msg(
				"case %zu: %zu errors (%d logged), want %d:\n%s",
				i, cfg->n_errors, n_logged_errors, c->errors,
				errlog);
		if (c->msg && !strstr(errlog, c->msg))
			fail_msg("case %zu: log lacks \"%s\":\n%s", i, c->msg,
				 errlog);
		if (c->errors && !strstr(errlog, "dlhetero.conf:"))
			fail_msg("case %zu: no file:line in \"%s\"", i, errlog);
		/* never echo control characters into the log */
		assert_null(strchr(errlog, '\x1b'));
		if (c->lookups)
			check_lookups(cfg, c->lookups);
		assert_true(cfg->default_inter_node_gbps == c->inter_node);
		assert_true(cfg->n_domains >= 1);
		assert_string_equal(cfg->domains[0].name, "default");
		dlh_config_free(cfg);
	}
}

static void test_values(void **state)
{
	const char *text = "ChipCatalog=/etc/slurm/chips.json\n"
			   "ModelCatalog=/etc/slurm/models\n"
			   "AutoDetect=hwloc\n"
			   "Domain=asc Nodes=a[001-002] InterDomainGBps=12.5\n";
	struct dlh_config *cfg = load_text(text, strlen(text));

	(void) state;
	assert_non_null(cfg);
	assert_int_equal(cfg->n_errors, 0);
	assert_string_equal(cfg->chip_catalog, "/etc/slurm/chips.json");
	assert_string_equal(cfg->model_catalog, "/etc/slurm/models");
	assert_true(cfg->autodetect_hwloc);
	assert_int_equal(cfg->n_domains, 2);
	assert_string_equal(cfg->domains[1].name, "asc");
	assert_true(cfg->domains[1].inter_domain_gbps == 12.5);
	assert_int_equal(cfg->domains[1].n_nodes, 2);
	assert_int_equal(dlh_config_domain_of(cfg, "a001"), 1);
	assert_int_equal(dlh_config_domain_of(cfg, NULL), 0);
	assert_int_equal(dlh_config_domain_of(NULL, "a001"), 0);
	assert_string_equal(cfg->path, path);
	dlh_config_free(cfg);
	dlh_config_free(NULL);
}

/* The resize watch: defaults, good values, and bad ones keep the default. */
static void test_resize_keys(void **state)
{
	const char *good = "ResizeCheckInterval=0\nResizeSignal=sigusr2\n";
	const char *bad = "ResizeCheckInterval=x\nResizeSignal=STOP\n";
	struct dlh_config *cfg;

	(void) state;
	cfg = load_text("", 0);
	assert_int_equal(cfg->resize_check_interval, DLH_RESIZE_CHECK_DEFAULT);
	assert_int_equal(cfg->resize_signal, SIGWINCH);
	dlh_config_free(cfg);
	cfg = load_text(good, strlen(good));
	assert_int_equal(cfg->n_errors, 0);
	assert_int_equal(cfg->resize_check_interval, 0);
	assert_int_equal(cfg->resize_signal, SIGUSR2);
	assert_string_equal(dlh_signal_name(cfg->resize_signal), "USR2");
	dlh_config_free(cfg);
	cfg = load_text(bad, strlen(bad));
	assert_int_equal(cfg->n_errors, 2);
	assert_int_equal(cfg->resize_check_interval, DLH_RESIZE_CHECK_DEFAULT);
	assert_int_equal(cfg->resize_signal, SIGWINCH);
	dlh_config_free(cfg);
	assert_int_equal(dlh_signal_parse("WINCH"), SIGWINCH);
	assert_int_equal(dlh_signal_parse("SIGKILL"), -1);
	assert_int_equal(dlh_signal_parse(""), -1);
}

/* Fast recovery: defaults, good values; bad ones keep the default. */
static void test_recovery_keys(void **state)
{
	const char *good = "DeadPeerChecks=0\nRequeueHold=0\n";
	const char *also = "DeadPeerChecks=7\nRequeueHold=2\n";
	const char *bad = "DeadPeerChecks=x\nRequeueHold=1\n";
	struct dlh_config *cfg;

	(void) state;
	cfg = load_text("", 0);
	assert_int_equal(cfg->dead_peer_checks, DLH_DEAD_PEER_CHECKS_DEFAULT);
	assert_int_equal(cfg->requeue_hold, DLH_REQUEUE_HOLD_DEFAULT);
	dlh_config_free(cfg);
	cfg = load_text(good, strlen(good));
	assert_int_equal(cfg->n_errors, 0);
	assert_int_equal(cfg->dead_peer_checks, 0);
	assert_int_equal(cfg->requeue_hold, 0);
	dlh_config_free(cfg);
	cfg = load_text(also, strlen(also));
	assert_int_equal(cfg->n_errors, 0);
	assert_int_equal(cfg->dead_peer_checks, 7);
	assert_int_equal(cfg->requeue_hold, 2);
	dlh_config_free(cfg);
	cfg = load_text(bad, strlen(bad));
	assert_int_equal(cfg->n_errors, 2);
	assert_int_equal(cfg->dead_peer_checks, DLH_DEAD_PEER_CHECKS_DEFAULT);
	assert_int_equal(cfg->requeue_hold, DLH_REQUEUE_HOLD_DEFAULT);
	dlh_config_free(cfg);
}

static void test_long_and_binary_lines(void **state)
{
	size_t len = 3 * DLH_CONFIG_MAX_LINE, i;
	char *text = malloc(len + 64);
	struct dlh_config *cfg;

	(void) state;
	assert_non_null(text);
	/* an over-long line, then a good one: line numbers stay right */
	for (i = 0; i < len; i++)
		text[i] = 'x';
	strcpy(text + len, "\nBogus=1\nDefaultInterNodeGBps=9\n");
	cfg = load_text(text, strlen(text));
	assert_non_null(cfg);
	assert_int_equal(cfg->n_errors, 2);
	assert_non_null(strstr(errlog, "dlhetero.conf:1: line longer than"));
	assert_non_null(strstr(errlog, "dlhetero.conf:2: unknown key"));
	assert_true(cfg->default_inter_node_gbps == 9);
	dlh_config_free(cfg);

	/* a NUL byte inside a line */
	memcpy(text, "DefaultInterNodeGBps=4\0junk\nDomain=d Nodes=z1\n", 46);
	cfg = load_text(text, 46);
	assert_non_null(cfg);
	assert_int_equal(cfg->n_errors, 1);
	assert_non_null(strstr(errlog, "dlhetero.conf:1: NUL byte"));
	assert_true(cfg->default_inter_node_gbps == DEF);
	assert_int_equal(dlh_config_domain_of(cfg, "z1"), 1);
	dlh_config_free(cfg);

	/* random bytes: never crash */
	for (i = 0; i < len; i++)
		text[i] = (char) (rand() & 0xff);
	cfg = load_text(text, len);
	assert_non_null(cfg);
	dlh_config_free(cfg);
	free(text);
}

static void test_missing_file(void **state)
{
	struct dlh_config *cfg;

	(void) state;
	errlog[0] = '\0';
	n_logged_errors = 0;
	cfg = dlh_config_load("/nonexistent/dir/dlhetero.conf", NULL);
	assert_non_null(cfg);
	assert_int_equal(n_logged_errors, 0);
	assert_int_equal(cfg->n_domains, 1);
	assert_null(cfg->chip_catalog);
	assert_false(cfg->autodetect_hwloc);
	assert_true(cfg->default_inter_node_gbps == DEF);
	dlh_config_free(cfg);
}

static void test_default_path(void **state)
{
	char buf[256];

	(void) state;
	setenv("SLURM_CONF", "/etc/x/slurm.conf", 1);
	assert_int_equal(dlh_config_default_path(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/etc/x/dlhetero.conf");
	setenv("SLURM_CONF", "/slurm.conf", 1);
	assert_int_equal(dlh_config_default_path(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/dlhetero.conf");
	setenv("SLURM_CONF", "slurm.conf", 1);
	assert_int_equal(dlh_config_default_path(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "dlhetero.conf");
	unsetenv("SLURM_CONF");
	assert_int_equal(dlh_config_default_path(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/etc/slurm/dlhetero.conf");
	assert_int_equal(dlh_config_default_path(buf, 8), -1);
	/* the default load reads $SLURM_CONF's directory */
	{
		char conf[160];
		const char *text = "Domain=q Nodes=w[1-2]\n";
		struct dlh_config *cfg;
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(text, f);
		fclose(f);
		snprintf(conf, sizeof(conf), "%s/slurm.conf", dir);
		setenv("SLURM_CONF", conf, 1);
		cfg = dlh_config_load(NULL, NULL);
		assert_non_null(cfg);
		assert_int_equal(dlh_config_domain_of(cfg, "w2"), 1);
		dlh_config_free(cfg);
		unsetenv("SLURM_CONF");
	}
}

static void test_hostlist(void **state)
{
	static const struct {
		const char *in;
		const char *out; /* space separated, NULL: error */
	} hl[] = {
		{ "n1", "n1" },
		{ "n[1-3]", "n1 n2 n3" },
		{ "n[1-2,7],m5", "n1 n2 n7 m5" },
		{ "n[08-10]", "n08 n09 n10" },
		{ "n[8-10]", "n8 n9 n10" },
		{ "r[1-2]n[1-2]", "r1n1 r1n2 r2n1 r2n2" },
		{ "[1-2]x", "1x 2x" },
		{ "a.b-c_d", "a.b-c_d" },
		{ "n[1-3]-ib", "n1-ib n2-ib n3-ib" },
		{ "", NULL },
		{ ",", NULL },
		{ "n[", NULL },
		{ "n[1-2", NULL },
		{ "n[[1]]", NULL },
		{ "n[1-2]]", NULL },
		{ "n[-1]", NULL },
		{ "n[1-]", NULL },
		{ "n[1--2]", NULL },
		{ "n[1-2-3]", NULL },
		{ "n[9999999999]", NULL },
		{ "n[0-99999]", "" }, /* 100000 hosts: allowed */
		{ "n[0-100000]", NULL },
		{ "a b", NULL },
		{ "n[1]m[1]o[1]p[1]q[1]r[1]s[1]t[1]u[1]", NULL },
	};
	size_t i;

	(void) state;
	for (i = 0; i < sizeof(hl) / sizeof(hl[0]); i++) {
		char **hosts, joined[256] = "";
		struct dlh_error err;
		size_t n, k, o = 0;
		int rc = dlh_hostlist_expand(hl[i].in, 0, &hosts, &n, &err);

		if (!hl[i].out) {
			if (!rc)
				fail_msg("\"%s\" accepted", hl[i].in);
			assert_null(hosts);
			assert_true(err.text[0] != '\0');
			continue;
		}
		if (rc)
			fail_msg("\"%s\" rejected: %s", hl[i].in, err.text);
		if (!*hl[i].out) {
			assert_int_equal(n, DLH_HOSTLIST_MAX_HOSTS);
			assert_string_equal(hosts[n - 1], "n99999");
		} else {
			for (k = 0; k < n; k++)
				o += snprintf(joined + o, sizeof(joined) - o,
					      "%s%s", k ? " " : "", hosts[k]);
			assert_string_equal(joined, hl[i].out);
		}
		dlh_hostlist_free(hosts, n);
	}
	/* longer than a config line: a job's node list of 2,000 unrelated
	 * names (about 14 KB) still expands */
	{
		char *big = malloc(20000), **hosts;
		struct dlh_error err;
		size_t n, k, o = 0;

		for (k = 0; k < 2000; k++)
			o += snprintf(big + o, 20000 - o, "%sh%zux",
				      k ? "," : "", k);
		assert_true(o > 4096);
		assert_int_equal(dlh_hostlist_expand(big, 0, &hosts, &n, &err),
				 0);
		assert_int_equal(n, 2000);
		assert_string_equal(hosts[1999], "h1999x");
		dlh_hostlist_free(hosts, n);
		free(big);
	}
	/* a caller's own cap */
	{
		char **hosts;
		struct dlh_error err;
		size_t n;

		assert_int_equal(
			dlh_hostlist_expand("n[1-5]", 4, &hosts, &n, &err), -1);
		assert_non_null(strstr(err.text, "more than 4 hosts"));
		assert_int_equal(dlh_hostlist_expand(NULL, 4, &hosts, &n, NULL),
				 -1);
	}
}

/* compress(hosts) expands back to hosts, in order */
static void assert_roundtrip(char **hosts, size_t n, const char *want)
{
	char *c = dlh_hostlist_compress(hosts, n), **back;
	struct dlh_error err;
	size_t m, k;

	assert_non_null(c);
	if (want)
		assert_string_equal(c, want);
	if (dlh_hostlist_expand(c, 0, &back, &m, &err))
		fail_msg("\"%s\" does not expand: %s", c, err.text);
	assert_int_equal(m, n);
	for (k = 0; k < n; k++)
		if (strcmp(back[k], hosts[k]))
			fail_msg("\"%s\": host %zu is %s, not %s", c, k,
				 back[k], hosts[k]);
	dlh_hostlist_free(back, m);
	free(c);
}

static void test_hostlist_compress(void **state)
{
	static const struct {
		const char *in; /* space separated */
		const char *out;
	} hl[] = {
		{ "n1", "n1" },
		{ "n1 n2 n3 n5 m1", "n[1-3,5],m1" },
		{ "n8 n9 n10 n11", "n[8-11]" },
		{ "n08 n09 n10", "n[08-10]" },
		{ "n5 n4 n3", "n[5,4,3]" },
		{ "n1 m1 n2", "n1,m1,n2" },
		{ "a b c", "a,b,c" },
		{ "n9 n010", "n[9,010]" },
		{ "n1-ib n2-ib", "n1-ib,n2-ib" },
		{ "r1n1 r1n2 r2n1", "r1n[1-2],r2n1" },
		{ "n1 n1", "n[1,1]" },
		{ "x1234567890 x1234567891", "x1234567890,x1234567891" },
	};
	char *hosts[64], buf[512], *tok, *save;
	size_t i, n;
	unsigned seed = 12345;

	(void) state;
	for (i = 0; i < sizeof(hl) / sizeof(hl[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", hl[i].in);
		for (n = 0, tok = strtok_r(buf, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save))
			hosts[n++] = tok;
		assert_roundtrip(hosts, n, hl[i].out);
	}
	{
		char *empty = dlh_hostlist_compress(NULL, 0);

		assert_string_equal(empty, "");
		free(empty);
	}
	/* random lists: prefixes, padding, order, duplicates */
	for (i = 0; i < 3000; i++) {
		static const char *pre[] = { "n", "gpu", "r1n", "a-", "x.y" };
		char names[64][32];
		size_t k;

		n = 1 + rand_r(&seed) % 40;
		for (k = 0; k < n; k++) {
			unsigned num = rand_r(&seed) % 3 ? k + rand_r(&seed) % 2
							 : rand_r(&seed) % 120;
			int pad = rand_r(&seed) % 4 ? 0 : 1 + rand_r(&seed) % 3;

			if (rand_r(&seed) % 10 == 0)
				snprintf(names[k], sizeof(names[k]), "%s",
					 pre[rand_r(&seed) % 5]);
			else
				snprintf(names[k], sizeof(names[k]), "%s%0*u",
					 pre[rand_r(&seed) % 2
						     ? 0
						     : rand_r(&seed) % 5],
					 pad, num);
			hosts[k] = names[k];
		}
		assert_roundtrip(hosts, n, NULL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_resize_keys),
		cmocka_unit_test(test_recovery_keys),
		cmocka_unit_test(test_long_and_binary_lines),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_hostlist),
		cmocka_unit_test(test_hostlist_compress),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

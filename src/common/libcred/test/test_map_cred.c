/*
 * Unit tests of map_cred: the payload that binds a map to its job, the
 * munge socket from Slurm's AuthInfo, and which munge answers let a map
 * through.  The munge round trip itself runs on the test cluster
 * (tests/integration/25-map-signed.t).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <munge.h>

#include "map_cred.h"

static void payload_roundtrip(void **state)
{
	struct dlh_error err;
	char *p, *map;

	(void) state;
	p = map_cred_payload(4242, "n[1-2]:a100:8;n5:ascend910b:8");
	assert_non_null(p);
	assert_string_equal(p, "dlhetero-map/1 job=4242\n"
			       "n[1-2]:a100:8;n5:ascend910b:8");
	assert_int_equal(map_cred_payload_parse(p, strlen(p), 4242, &map, &err),
			 0);
	assert_string_equal(map, "n[1-2]:a100:8;n5:ascend910b:8");
	free(map);
	/* the same map for another job is not this job's */
	assert_int_equal(map_cred_payload_parse(p, strlen(p), 424, &map, &err),
			 -1);
	assert_null(map);
	assert_non_null(strstr(err.text, "another job"));
	assert_int_equal(
		map_cred_payload_parse(p, strlen(p), 42420, &map, &err), -1);
	free(p);
}

static void payload_hostile(void **state)
{
	static const struct {
		const char *p;
		size_t len; /* 0: strlen */
		const char *why;
	} bad[] = {
		{ "", 0, "no dlhetero map" },
		{ "n1:a100:8", 0, "no dlhetero map" },
		{ "dlhetero-map/2 job=7\nn1:a100:8", 0, "no dlhetero map" },
		{ "dlhetero-map/1job=7\nn1:a100:8", 0, "no dlhetero map" },
		{ "dlhetero-map/1 job=7", 0, "another job" },
		{ "dlhetero-map/1 job=7 \nn1:a100:8", 0, "another job" },
		{ "dlhetero-map/1 job=07\nn1:a100:8", 0, "another job" },
		{ "dlhetero-map/1 job=7\nn1:a1\0:8", 29, "NUL" },
		{ NULL, 0, "no dlhetero map" },
	};
	struct dlh_error err;
	size_t i, len;
	char *map;

	(void) state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = bad[i].len ? bad[i].len : bad[i].p ? strlen(bad[i].p) : 0;
		if (map_cred_payload_parse(bad[i].p, len, 7, &map, &err) != -1)
			fail_msg("payload %zu accepted", i);
		assert_null(map);
		if (!strstr(err.text, bad[i].why))
			fail_msg("payload %zu: \"%s\"", i, err.text);
	}
	/* an empty map is the planner's to refuse, not the payload's */
	assert_int_equal(map_cred_payload_parse("dlhetero-map/1 job=7\n", 21, 7,
						&map, &err),
			 0);
	assert_string_equal(map, "");
	free(map);
}

static void socket_of_authinfo(void **state)
{
	static const struct {
		const char *authinfo, *want;
		int rc;
	} t[] = {
		{ NULL, "", 0 },
		{ "", "", 0 },
		{ "cred_expire=10", "", 0 },
		{ "socket=/run/m.sock", "/run/m.sock", 0 },
		{ "socket=/tmp/x/munge.socket,cred_expire=10",
		  "/tmp/x/munge.socket", 0 },
		{ "cred_expire=10,socket=/s", "/s", 0 },
		{ "xsocket=/s", "", 0 },
		{ "socket=/a/very/long/path/that/does/not/fit", "", -1 },
	};
	char buf[24];
	size_t i;

	(void) state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(map_cred_socket(t[i].authinfo, buf,
						 sizeof(buf)),
				 t[i].rc);
		if (!t[i].rc)
			assert_string_equal(buf, t[i].want);
	}
}

static void munge_answers(void **state)
{
	static const struct {
		int e;
		unsigned uid;
		int rc;
		const char *why;
	} t[] = {
		{ EMUNGE_SUCCESS, 64030, 0, NULL },
		{ EMUNGE_CRED_EXPIRED, 64030, 0, NULL },
		{ EMUNGE_CRED_REPLAYED, 64030, 0, NULL },
		{ EMUNGE_SUCCESS, 1000, -1, "uid 1000, not by SlurmUser" },
		{ EMUNGE_CRED_REPLAYED, 0, -1, "forged" },
		{ EMUNGE_CRED_INVALID, 64030, -1, "munge refuses" },
		{ EMUNGE_CRED_REWOUND, 64030, -1, "munge refuses" },
		{ EMUNGE_CRED_UNAUTHORIZED, 64030, -1, "munge refuses" },
		{ EMUNGE_SOCKET, 64030, -1, "munge refuses" },
		{ EMUNGE_BAD_CRED, 64030, -1, "munge refuses" },
	};
	struct dlh_error err;
	size_t i;

	(void) state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err.text[0] = '\0';
		assert_int_equal(map_cred_accept(t[i].e, "msg", t[i].uid, 64030,
						 &err),
				 t[i].rc);
		if (t[i].why && !strstr(err.text, t[i].why))
			fail_msg("case %zu: \"%s\"", i, err.text);
	}
}

/* Without munged: a clear error, never a map. */
static void no_munged(void **state)
{
	struct dlh_error err;
	char *cred = NULL, *map = NULL;

	(void) state;
	assert_int_equal(map_cred_sign("/nonexistent/munge.socket", 1,
				       "n1:a100:8", &cred, &err),
			 -1);
	assert_null(cred);
	assert_non_null(strstr(err.text, "munge"));
	assert_int_equal(map_cred_verify("/nonexistent/munge.socket",
					 "MUNGE:AAAA:", 0, 1, &map, &err),
			 -1);
	assert_null(map);
	assert_int_equal(map_cred_verify(NULL, "", 0, 1, &map, &err), -1);
	assert_non_null(strstr(err.text, "no signed map"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(payload_roundtrip),
		cmocka_unit_test(payload_hostile),
		cmocka_unit_test(socket_of_authinfo),
		cmocka_unit_test(munge_answers),
		cmocka_unit_test(no_munged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

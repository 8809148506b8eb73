/*
 * hetero_spec: a table of valid and hostile --dl-hetero SPECs, then a
 * fixed-seed fuzz (random bytes, and mutations of valid SPECs) checking
 * that the parser never crashes, never accepts what breaks the limits, and
 * that format -> parse round-trips.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hetero_spec.h"

struct spec_case {
	const char *in;
	const char *canon; /* NULL: must be rejected */
	const char *err;   /* substring of the message when rejected */
};

static const struct spec_case cases[] = {
	/* valid */
	{ "a100:8", "a100:8", NULL },
	{ "a100:8,mlu590:16", "a100:8,mlu590:16", NULL },
	{ "mlu590:16,a100:8", "mlu590:16,a100:8", NULL },
	{ "ascend910b:65536", "ascend910b:65536", NULL },
	{ "x:1", "x:1", NULL },
	{ "a_b-c9:3", "a_b-c9:3", NULL },
	{ "auto:16", "auto:16", NULL },
	{ "auto:1000000", "auto:1000000", NULL },
	{ "auto:16:a100+mlu590", "auto:16:a100+mlu590", NULL },
	{ "auto:4:a100", "auto:4:a100", NULL },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1", /* 31 chars */
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1", NULL },
	{ "t0:1,t1:1,t2:1,t3:1,t4:1,t5:1,t6:1,t7:1,t8:1,t9:1,ta:1,tb:1,tc:1,td:1,te:1,tf:1",
	  "t0:1,t1:1,t2:1,t3:1,t4:1,t5:1,t6:1,t7:1,t8:1,t9:1,ta:1,tb:1,tc:1,td:1,te:1,tf:1",
	  NULL },
	{ "t0:65536,t1:65536,t2:65536,t3:65536,t4:65536,t5:65536,t6:65536,t7:65536,t8:65536,t9:65536,ta:65536,tb:65536,tc:65536,td:65536,te:65536",
	  "t0:65536,t1:65536,t2:65536,t3:65536,t4:65536,t5:65536,t6:65536,t7:65536,t8:65536,t9:65536,ta:65536,tb:65536,tc:65536,td:65536,te:65536",
	  NULL }, /* 983040 <= 1,000,000 */
	/* counts */
	{ "a100:x", NULL, "bad count \"x\" for type a100 (want 1..65536)" },
	{ "a100:0", NULL, "bad count \"0\" for type a100" },
	{ "a100:65537", NULL, "bad count \"65537\"" },
	{ "a100:-1", NULL, "bad count \"-1\"" },
	{ "a100:+1", NULL, "'+' is only allowed" },
	{ "a100:08", NULL, "bad count \"08\"" },
	{ "a100:", NULL, "bad count \"\" for type a100" },
	{ "a100:99999999999999999999", NULL, "bad count" },
	{ "a100:4294967297", NULL, "bad count" },
	{ "a100:1.5", NULL, "unexpected character '.'" },
	{ "a100:1e3", NULL, "bad count \"1e3\"" },
	{ "a100:8:2", NULL, "bad count \"8:2\"" },
	{ "a100", NULL, "has no count" },
	/* types */
	{ "A100:8", NULL, "must be lowercase" },
	{ ":8", NULL, "empty chip type" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1", NULL, "longer than 31" },
	{ "a100:8,a100:4", NULL, "a100 given twice" },
	{ "a 100:8", NULL, "unexpected character ' '" },
	{ "a100:8 ", NULL, "unexpected character ' '" },
	{ " a100:8", NULL, "unexpected character ' '" },
	{ "a100:8\n", NULL, "unexpected byte 0x0a" },
	{ "a\x01:8", NULL, "unexpected byte 0x01" },
	{ "a\xff:8", NULL, "unexpected byte 0xff" },
	{ "a/b:8", NULL, "unexpected character '/'" },
	{ "a100:8;rm -rf /", NULL, "unexpected character ';'" },
	{ "%s%s%n:1", NULL, "unexpected character '%'" },
	{ "auto:8,a100:8", NULL, "auto cannot be combined" },
	{ "a100:8,auto:8", NULL, "\"auto\" is not a chip type" },
	{ "t0:1,t1:1,t2:1,t3:1,t4:1,t5:1,t6:1,t7:1,t8:1,t9:1,ta:1,tb:1,tc:1,td:1,te:1,tf:1,tg:1",
	  NULL, "more than 16 chip types" },
	{ "t0:65536,t1:65536,t2:65536,t3:65536,t4:65536,t5:65536,t6:65536,t7:65536,t8:65536,t9:65536,ta:65536,tb:65536,tc:65536,td:65536,te:65536,tf:65536",
	  NULL, "over the limit of 1000000" },
	/* separators */
	{ "", NULL, "empty SPEC" },
	{ ",", NULL, "empty item" },
	{ "a100:8,", NULL, "trailing ','" },
	{ ",a100:8", NULL, "empty item" },
	{ "a100:8,,b:1", NULL, "empty item" },
	{ "a100:8+b:1", NULL, "'+' is only allowed" },
	/* auto */
	{ "auto", NULL, "auto needs a total" },
	{ "auto:", NULL, "bad total \"\" for auto" },
	{ "auto:0", NULL, "bad total \"0\"" },
	{ "auto:1000001", NULL, "bad total \"1000001\"" },
	{ "auto:x", NULL, "bad total \"x\"" },
	{ "auto:8:", NULL, "empty type list" },
	{ "auto:8:a100+", NULL, "stray '+'" },
	{ "auto:8:+a100", NULL, "stray '+'" },
	{ "auto:8:a100++b", NULL, "stray '+'" },
	{ "auto:8:a100+a100", NULL, "a100 given twice" },
	{ "auto:8:A100", NULL, "must be lowercase" },
	{ "auto:8:auto", NULL, "\"auto\" is not a chip type" },
	{ "auto:8:a100:4", NULL, "bad character in chip type" },
	{ "auto:8:t0+t1+t2+t3+t4+t5+t6+t7+t8+t9+ta+tb+tc+td+te+tf+tg", NULL,
	  "more than 16 chip types" },
	{ "AUTO:8", NULL, "must be lowercase" },
};

static void test_table(void **state)
{
	size_t i;

	(void) state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct spec_case *c = &cases[i];
		struct hetero_spec spec;
		struct dlh_error err;
		char buf[HETERO_SPEC_MAX_LEN + 1];
		int rc = hetero_spec_parse(c->in, &spec, &err);

		if (c->canon) {
			if (rc)
				fail_msg("case %zu \"%s\": rejected: %s", i,
					 c->in, err.text);
			assert_int_equal(hetero_spec_format(&spec, buf,
							    sizeof(buf)),
					 strlen(c->canon));
			assert_string_equal(buf, c->canon);
		} else {
			if (!rc)
				fail_msg("case %zu \"%s\": accepted", i, c->in);
			if (!strstr(err.text, c->err))
				fail_msg(
					"case %zu \"%s\": message \"%s\" lacks \"%s\"",
					i, c->in, err.text, c->err);
			/* a rejected spec is zeroed */
			assert_int_equal(spec.n, 0);
			assert_int_equal(spec.total, 0);
		}
	}
}

static void test_fields(void **state)
{
	struct hetero_spec spec;
	struct dlh_error err;

	(void) state;
	assert_int_equal(hetero_spec_parse("a100:8,mlu590:16", &spec, &err), 0);
	assert_false(spec.is_auto);
	assert_int_equal(spec.n, 2);
	assert_string_equal(spec.item[0].type, "a100");
	assert_int_equal(spec.item[0].count, 8);
	assert_string_equal(spec.item[1].type, "mlu590");
	assert_int_equal(spec.item[1].count, 16);
	assert_int_equal(spec.total, 24);
	assert_int_equal(hetero_spec_find(&spec, "mlu590"), 1);
	assert_int_equal(hetero_spec_find(&spec, "mlu"), -1);

	assert_int_equal(hetero_spec_parse("auto:12:a100+k100", &spec, &err),
			 0);
	assert_true(spec.is_auto);
	assert_int_equal(spec.total, 12);
	assert_int_equal(spec.n, 2);
	assert_int_equal(spec.item[1].count, 0);
	assert_string_equal(spec.item[1].type, "k100");

	assert_int_equal(hetero_spec_parse("auto:3", &spec, &err), 0);
	assert_true(spec.is_auto);
	assert_int_equal(spec.n, 0);
}

static void test_null_and_limits(void **state)
{
	struct hetero_spec spec;
	struct dlh_error err;
	char *big;

	(void) state;
	assert_int_equal(hetero_spec_parse(NULL, &spec, &err), -1);
	assert_int_equal(hetero_spec_parse("a:1", NULL, &err), -1);
	/* err may be NULL, or a message may overflow its text: cut there */
	assert_int_equal(hetero_spec_parse("a:x", &spec, NULL), -1);
	assert_int_equal(hetero_spec_parse("a:x", &spec, &err), -1);
	assert_int_equal(dlh_err(&err, "%*s", 3 * DLH_ERROR_TEXT_MAX, "x"), -1);
	assert_int_equal(strlen(err.text), sizeof(err.text) - 1);
	/* and leaves errno alone, for a caller's strerror(errno) */
	errno = EINTR;
	assert_int_equal(dlh_err(NULL, "%s", "nowhere"), -1);
	assert_int_equal(errno, EINTR);

	big = malloc(HETERO_SPEC_MAX_LEN + 2);
	assert_non_null(big);
	memset(big, 'a', HETERO_SPEC_MAX_LEN + 1);
	big[HETERO_SPEC_MAX_LEN + 1] = '\0';
	assert_int_equal(hetero_spec_parse(big, &spec, NULL), -1);
	free(big);

	/* format refuses structs the parser would not produce */
	memset(&spec, 0, sizeof(spec));
	assert_int_equal(hetero_spec_format(&spec, NULL, 0), -1);
	spec.n = 1;
	strcpy(spec.item[0].type, "a100");
	spec.item[0].count = 70000;
	spec.total = 70000;
	assert_int_equal(hetero_spec_format(&spec, NULL, 0), -1);
	spec.item[0].count = 8;
	spec.total = 9; /* total disagrees */
	assert_int_equal(hetero_spec_format(&spec, NULL, 0), -1);
	spec.total = 8;
	assert_int_equal(hetero_spec_format(&spec, NULL, 0), 6);
	memset(spec.item[0].type, 'a', sizeof(spec.item[0].type));
	assert_int_equal(hetero_spec_format(&spec, NULL, 0), -1);
	spec.n = 99;
	assert_int_equal(hetero_spec_format(&spec, NULL, 0), -1);
	assert_int_equal(hetero_spec_format(NULL, NULL, 0), -1);
}

static uint32_t xrand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return (uint32_t) (x >> 32);
}

/* Invariants of any accepted spec. */
/* A bare --dl-hetero's total: the user's factors never wrap. */
static void test_task_total(void **state)
{
	(void) state;
	assert_int_equal(hetero_spec_task_total(16, 8, 4), 16);
	assert_int_equal(hetero_spec_task_total(0, 8, 4), 32);
	assert_int_equal(hetero_spec_task_total(0, 8, 0), 0);
	assert_int_equal(hetero_spec_task_total(0, 0, 0), 0);
}

static void test_one_type(void **state)
{
	static const struct {
		const char *spec;
		bool one;
	} cases[] = {
		{ "a100:8", true },
		{ "auto:8:a100", true },
		{ "a100:8,mlu590:8", false },
		{ "auto:8", false },
		{ "auto:8:a100+mlu590", false },
	};
	struct hetero_spec spec;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(hetero_spec_parse(cases[i].spec, &spec, NULL),
				 0);
		assert_int_equal(hetero_spec_one_type(&spec), cases[i].one);
	}
	/* 65535 x 65538 is 65534 in 32 bits: accepted as auto:65534 before */
	assert_true(hetero_spec_task_total(0, 65535, 65538) ==
		    65535ULL * 65538ULL);
	assert_true(hetero_spec_task_total(0, 65535, 65538) >
		    HETERO_SPEC_MAX_TOTAL);
	assert_true(hetero_spec_task_total(0, UINT32_MAX, UINT32_MAX) ==
		    (uint64_t) UINT32_MAX * UINT32_MAX);
}

static void check_accepted(const char *in, const struct hetero_spec *spec)
{
	struct hetero_spec again;
	char buf[HETERO_SPEC_MAX_LEN + 64], buf2[sizeof(buf)];
	struct dlh_error err;
	uint64_t total = 0;
	size_t i, j;
	int len;

	assert_true(spec->n <= HETERO_SPEC_MAX_TYPES);
	assert_true(spec->total >= 1 && spec->total <= HETERO_SPEC_MAX_TOTAL);
	for (i = 0; i < spec->n; i++) {
		size_t tl = strlen(spec->item[i].type);

		assert_true(tl >= 1 && tl < HETERO_SPEC_TYPE_LEN);
		assert_true(strspn(spec->item[i].type,
				   "abcdefghijklmnopqrstuvwxyz0123456789_-") ==
			    tl);
		for (j = 0; j < i; j++)
			assert_string_not_equal(spec->item[i].type,
						spec->item[j].type);
		if (!spec->is_auto)
			assert_true(spec->item[i].count >= 1 &&
				    spec->item[i].count <=
					    HETERO_SPEC_MAX_COUNT);
		total += spec->item[i].count;
	}
	if (!spec->is_auto)
		assert_int_equal(total, spec->total);
	len = hetero_spec_format(spec, buf, sizeof(buf));
	assert_true(len > 0 && (size_t) len < sizeof(buf));
	/* canonical form is the input for these inputs (no aliases) */
	assert_string_equal(buf, in);
	assert_int_equal(hetero_spec_parse(buf, &again, &err), 0);
	assert_int_equal(hetero_spec_format(&again, buf2, sizeof(buf2)), len);
	assert_string_equal(buf, buf2);
	assert_memory_equal(spec, &again, sizeof(again));
}

static void test_fuzz(void **state)
{
	static const char alphabet[] = "a0z9_-:,+A \x01\xff"
				       "auto";
	static const char *seeds[] = {
		"a100:8,mlu590:16", "auto:16:a100+mlu590", "auto:4",
		"x:65536,y:1",	    "t0:1,t1:2,t2:3,t3:4",
	};
	uint64_t st = 0x5eed1234abcdull;
	char buf[HETERO_SPEC_MAX_LEN + 8];
	struct dlh_error err;
	int i, accepted = 0;

	(void) state;
	for (i = 0; i < 200000; i++) {
		struct hetero_spec spec;
		size_t len, k;

		if (i % 2) {
			/* random short string */
			len = xrand(&st) % 24;
			for (k = 0; k < len; k++)
				buf[k] = alphabet[xrand(&st) %
						  (sizeof(alphabet) - 1)];
			buf[len] = '\0';
		} else {
			/* mutate a valid spec: flip, insert, delete */
			const char *sd = seeds[xrand(&st) % 5];

			strcpy(buf, sd);
			len = strlen(buf);
			for (k = 0; k < 1 + xrand(&st) % 3; k++) {
				size_t at = xrand(&st) % (len + 1);
				char ch = alphabet[xrand(&st) %
						   (sizeof(alphabet) - 1)];

				switch (xrand(&st) % 3) {
				case 0:
					if (at < len)
						buf[at] = ch;
					break;
				case 1:
					memmove(buf + at + 1, buf + at,
						len - at + 1);
					buf[at] = ch;
					len++;
					break;
				default:
					if (at < len) {
						memmove(buf + at, buf + at + 1,
							len - at);
						len--;
					}
				}
			}
		}
		if (hetero_spec_parse(buf, &spec, &err) == 0) {
			accepted++;
			check_accepted(buf, &spec);
		} else {
			assert_true(err.text[0] != '\0');
			assert_true(strlen(err.text) < sizeof(err.text));
		}
	}
	/* the fuzz must reach both sides */
	assert_true(accepted > 1000);
	assert_true(accepted < 190000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_null_and_limits),
		cmocka_unit_test(test_task_total),
		cmocka_unit_test(test_one_type),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

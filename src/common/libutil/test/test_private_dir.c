/*
 * Unit tests of private_dir: the user's plan directory under /tmp, which
 * another user may have created first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "private_dir.h"

static char base[64]; /* a fresh one for each test */

static int setup(void **state)
{
	snprintf(base, sizeof(base), "/tmp/dlh-test-pdir.XXXXXX");
	return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) ? -1 : 0;
}

static void makes_and_reuses(void **state)
{
	char dir[256], again[256], want[256];
	struct dlh_error why;
	struct stat st;

	snprintf(want, sizeof(want), "%s/dlhetero-%u", base,
		 (unsigned) getuid());
	assert_int_equal(
		private_dir_make(base, getuid(), dir, sizeof(dir), &why), 0);
	assert_string_equal(dir, want);
	assert_string_equal(why.text, "");
	assert_int_equal(lstat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(private_dir_check(dir, getuid()), 0);
	assert_int_equal(private_dir_make(base, getuid(), again, sizeof(again),
					  &why),
			 0);
	assert_string_equal(again, want);
}

/* Taken first by "someone else": a readable dir, a link, a file. */
static void squatted_name_gets_a_fresh_dir(void **state)
{
	char dir[256], name[256];
	struct dlh_error why;
	int kind;

	snprintf(name, sizeof(name), "%s/dlhetero-%u", base,
		 (unsigned) getuid());
	for (kind = 0; kind < 3; kind++) {
		if (kind == 0)
			assert_int_equal(mkdir(name, 0777), 0);
		if (kind == 0)
			assert_int_equal(chmod(name, 0777), 0);
		if (kind == 1)
			assert_int_equal(symlink("/", name), 0);
		if (kind == 2)
			assert_int_equal(fclose(fopen(name, "w")), 0);
		assert_int_equal(private_dir_make(base, getuid(), dir,
						  sizeof(dir), &why),
				 0);
		assert_int_equal(strncmp(dir, name, strlen(name)), 0);
		assert_int_equal(dir[strlen(name)], '.');
		assert_int_equal(private_dir_check(dir, getuid()), 0);
		assert_non_null(strstr(why.text, "is not a private directory"));
		assert_int_equal(rmdir(dir), 0);
		assert_int_equal(kind == 0 ? rmdir(name) : unlink(name), 0);
	}
}

static void check_refuses(void **state)
{
	char path[256];

	assert_int_equal(private_dir_check("/", getuid() + 1), -1);
	snprintf(path, sizeof(path), "%s/open", base);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(chmod(path, 0750), 0);
	assert_int_equal(private_dir_check(path, getuid()), -1);
	assert_int_equal(private_dir_check("/nonexistent/x", getuid()), -1);
}

static void long_base_refused(void **state)
{
	char dir[32];
	struct dlh_error why;

	assert_int_equal(private_dir_make("/tmp/a-very-long-base-dir-name",
					  getuid(), dir, sizeof(dir), &why),
			 -1);
	assert_non_null(strstr(why.text, "too long"));
}

static void file_replaced_whole(void **state)
{
	char path[256], buf[64], link[256];
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/map", base);
	assert_int_equal(dlh_file_replace(path, "first", 0640), 0);
	assert_int_equal(dlh_file_replace(path, "second text", 0640), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "second text");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	/* a link planted where the temporary file goes is not followed */
	snprintf(link, sizeof(link), "%s/map.%ld.tmp", base, (long) getpid());
	assert_int_equal(symlink("/etc/passwd", link), 0);
	assert_int_equal(dlh_file_replace(path, "third", 0640), -1);
	assert_int_equal(unlink(link), 0);
	/* no directory: an error, nothing left behind */
	snprintf(path, sizeof(path), "%s/none/map", base);
	assert_int_equal(dlh_file_replace(path, "x", 0600), -1);
}

static void dir_owned_modes(void **state)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/d", base);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(chmod(path, 0755), 0);
	assert_int_equal(dlh_dir_owned(path, getuid(), 022), 0);
	assert_int_equal(dlh_dir_owned(path, getuid(), 077), -1);
	assert_int_equal(dlh_dir_owned(path, getuid() + 1, 022), -1);
	assert_int_equal(chmod(path, 0775), 0);
	assert_int_equal(dlh_dir_owned(path, getuid(), 022), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(makes_and_reuses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(squatted_name_gets_a_fresh_dir,
						setup, teardown),
		cmocka_unit_test_setup_teardown(check_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(file_replaced_whole, setup,
						teardown),
		cmocka_unit_test_setup_teardown(dir_owned_modes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(long_base_refused, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

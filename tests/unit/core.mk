# Unit tests of the core pieces the plugins share (cmocka, TAP output).
if HAVE_CMOCKA
CORE_UNIT_TESTS = tests/unit/test_hetero_map tests/unit/test_accel_devices \
	tests/unit/test_rendezvous tests/unit/test_accel_bind \
	tests/unit/test_private_dir tests/unit/test_sched_budget
check_PROGRAMS += $(CORE_UNIT_TESTS)
UNIT_TESTS += $(CORE_UNIT_TESTS)
tests_unit_test_hetero_map_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(JSONC_CFLAGS)
tests_unit_test_hetero_map_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS) $(JSONC_LIBS)
tests_unit_test_accel_devices_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_accel_devices_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS)
tests_unit_test_rendezvous_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_rendezvous_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS)
tests_unit_test_private_dir_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_private_dir_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS)
tests_unit_test_sched_budget_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_sched_budget_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS)
tests_unit_test_accel_bind_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_accel_bind_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS)
endif

EXTRA_DIST += tests/unit/dlh_test.h

# The spank environment helpers of the slurmctld plugins, with Slurm's own
# xmalloc from the public libslurm.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ctld_env
UNIT_TESTS += tests/unit/test_ctld_env
tests_unit_test_ctld_env_SOURCES = tests/unit/test_ctld_env.c \
	src/plugins/select/ctld_env.c src/plugins/select/ctld_env.h
# USE_ALIAS: Slurm names as libslurm exports them (slurm_xmalloc, ...)
tests_unit_test_ctld_env_CPPFLAGS = $(AM_CPPFLAGS) \
	$(SLURM_INTERNAL_CPPFLAGS) $(SLURM_CPPFLAGS) \
	-I$(top_srcdir)/src/plugins/select -DUSE_ALIAS=1
tests_unit_test_ctld_env_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_ctld_env_LDADD = $(CMOCKA_LIBS) $(SLURM_LIBS)
endif

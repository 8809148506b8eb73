# Planner unit tests (cmocka, TAP output).  They read the catalogs from
# $(DLH_SRCDIR)/data and run the CLI from $(DLH_BUILDDIR).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_model_catalog tests/unit/test_plan
UNIT_TESTS += tests/unit/test_model_catalog tests/unit/test_plan

tests_unit_test_model_catalog_SOURCES = tests/unit/test_model_catalog.c
tests_unit_test_model_catalog_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(JSONC_CFLAGS)
tests_unit_test_model_catalog_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS) $(JSONC_LIBS)

tests_unit_test_plan_SOURCES = tests/unit/test_plan.c
tests_unit_test_plan_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS)
tests_unit_test_plan_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS) $(JSONC_LIBS) -lm
# test_plan also runs src/cli/dlhetero-plan, which "make check" builds
# first (check depends on all).
endif

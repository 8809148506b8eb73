# Unit tests of the chip catalog, detection and environment (cmocka, TAP).
# They read $(DLH_SRCDIR)/data/chips.json and
# $(DLH_SRCDIR)/tests/fixtures/hwloc/.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_chip_catalog tests/unit/test_accel_detect \
	tests/unit/test_accel_env
UNIT_TESTS += tests/unit/test_chip_catalog tests/unit/test_accel_detect \
	tests/unit/test_accel_env

tests_unit_test_chip_catalog_SOURCES = tests/unit/test_chip_catalog.c
tests_unit_test_chip_catalog_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_chip_catalog_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS)

tests_unit_test_accel_detect_SOURCES = tests/unit/test_accel_detect.c
tests_unit_test_accel_detect_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_accel_detect_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS)

tests_unit_test_accel_env_SOURCES = tests/unit/test_accel_env.c
tests_unit_test_accel_env_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_accel_env_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS)
endif

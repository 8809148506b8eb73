# Unit tests of the placement work (cmocka, TAP output).
if HAVE_CMOCKA
PLACEMENT_UNIT_TESTS = tests/unit/test_hetero_spec \
	tests/unit/test_placement tests/unit/test_dlh_config
check_PROGRAMS += $(PLACEMENT_UNIT_TESTS)
UNIT_TESTS += $(PLACEMENT_UNIT_TESTS)

tests_unit_test_hetero_spec_SOURCES = tests/unit/test_hetero_spec.c
tests_unit_test_hetero_spec_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_hetero_spec_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS)

tests_unit_test_placement_SOURCES = tests/unit/test_placement.c \
	tests/unit/placement_oracle.c tests/unit/placement_oracle.h
tests_unit_test_placement_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_placement_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS)

tests_unit_test_dlh_config_SOURCES = tests/unit/test_dlh_config.c
tests_unit_test_dlh_config_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_dlh_config_LDADD = src/common/libdlhetero_core.la \
	$(CMOCKA_LIBS)
endif

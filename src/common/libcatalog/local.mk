# libdlh_catalog: the chip and model catalogs (data/*.json) and the
# --dl-hetero SPEC.
noinst_LTLIBRARIES += src/common/libcatalog/libdlh_catalog.la
src_common_libcatalog_libdlh_catalog_la_SOURCES = \
	src/common/libcatalog/chip_catalog.c \
	src/common/libcatalog/chip_catalog.h \
	src/common/libcatalog/model_catalog.c \
	src/common/libcatalog/model_catalog.h \
	src/common/libcatalog/hetero_spec.c \
	src/common/libcatalog/hetero_spec.h
src_common_libcatalog_libdlh_catalog_la_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
src_common_libcatalog_libdlh_catalog_la_LIBADD = -lm

dist_pkgdata_DATA += data/chips.json data/models.json

if HAVE_CMOCKA
CATALOG_TESTS = src/common/libcatalog/test/test_chip_catalog \
	src/common/libcatalog/test/test_model_catalog \
	src/common/libcatalog/test/test_hetero_spec
UNIT_TESTS += $(CATALOG_TESTS)
check_PROGRAMS += $(CATALOG_TESTS)
src_common_libcatalog_test_test_chip_catalog_CFLAGS = $(UNIT_CFLAGS)
src_common_libcatalog_test_test_chip_catalog_LDADD = $(DLH_CATALOG) \
	$(DLH_UTIL) $(UNIT_LIBS)
src_common_libcatalog_test_test_model_catalog_CFLAGS = $(UNIT_CFLAGS)
# (its parameter counts come from the planner's cost model)
src_common_libcatalog_test_test_model_catalog_LDADD = $(DLH_PLANNER) \
	$(DLH_CONFIG) $(DLH_CATALOG) $(DLH_UTIL) $(UNIT_LIBS)
src_common_libcatalog_test_test_hetero_spec_CFLAGS = $(UNIT_CFLAGS)
src_common_libcatalog_test_test_hetero_spec_LDADD = $(DLH_CATALOG) \
	$(DLH_UTIL) $(UNIT_LIBS)
endif

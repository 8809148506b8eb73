# libdlh_config: dlhetero.conf (domains, StateDir, resize watch, ...),
# Slurm hostlist expressions, and where the catalogs are.
noinst_LTLIBRARIES += src/common/libconfig/libdlh_config.la
src_common_libconfig_libdlh_config_la_SOURCES = \
	src/common/libconfig/dlh_config.c src/common/libconfig/dlh_config.h \
	src/common/libconfig/dlh_paths.c src/common/libconfig/dlh_paths.h
dist_man_MANS += doc/dlhetero.conf.5

if HAVE_CMOCKA
UNIT_TESTS += src/common/libconfig/test/test_dlh_config
check_PROGRAMS += src/common/libconfig/test/test_dlh_config
src_common_libconfig_test_test_dlh_config_CFLAGS = $(UNIT_CFLAGS)
src_common_libconfig_test_test_dlh_config_LDADD = $(DLH_CONFIG) \
	$(DLH_CATALOG) $(DLH_UTIL) $(UNIT_LIBS)
endif

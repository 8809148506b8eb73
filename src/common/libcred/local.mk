# libdlh_cred: the node -> chip map signed by slurmctld with munge and
# checked on the nodes (map_cred.h).  libmunge only, no Slurm dependency.
noinst_LTLIBRARIES += src/common/libcred/libdlh_cred.la
src_common_libcred_libdlh_cred_la_SOURCES = \
	src/common/libcred/map_cred.c src/common/libcred/map_cred.h
src_common_libcred_libdlh_cred_la_CFLAGS = $(AM_CFLAGS) $(MUNGE_CFLAGS)
src_common_libcred_libdlh_cred_la_LIBADD = $(MUNGE_LIBS)

if HAVE_CMOCKA
UNIT_TESTS += src/common/libcred/test/test_map_cred
check_PROGRAMS += src/common/libcred/test/test_map_cred
src_common_libcred_test_test_map_cred_CFLAGS = $(UNIT_CFLAGS) $(MUNGE_CFLAGS)
src_common_libcred_test_test_map_cred_LDADD = $(DLH_CRED) $(DLH_UTIL) \
	$(UNIT_LIBS)
endif
EXTRA_DIST += doc/node-map.md

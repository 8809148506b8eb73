# libdlh_util: logging and its error helpers, the bounded file reader and
# strict JSON parser, private directories, and the names the plugins share
# (dlh_names.h).  The core libraries have no Slurm dependency (never
# include a Slurm header under src/common), so they are unit-tested fast.
noinst_LTLIBRARIES += src/common/libutil/libdlh_util.la
src_common_libutil_libdlh_util_la_SOURCES = \
	src/common/libutil/dlh_log.c src/common/libutil/dlh_log.h \
	src/common/libutil/dlh_json.c src/common/libutil/dlh_json.h \
	src/common/libutil/private_dir.c src/common/libutil/private_dir.h \
	src/common/libutil/dlh_names.h
src_common_libutil_libdlh_util_la_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
src_common_libutil_libdlh_util_la_LIBADD = $(JSONC_LIBS)

if HAVE_CMOCKA
UNIT_TESTS += src/common/libutil/test/test_private_dir
check_PROGRAMS += src/common/libutil/test/test_private_dir
src_common_libutil_test_test_private_dir_CFLAGS = $(UNIT_CFLAGS)
src_common_libutil_test_test_private_dir_LDADD = $(DLH_UTIL) $(UNIT_LIBS)
endif

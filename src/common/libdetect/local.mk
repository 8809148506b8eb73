# libdlh_detect: accelerator detection from hwloc's PCI objects (the only
# library that links hwloc) and the AutoDetect=hwloc check, for
# dlhetero-detect and for dlhetero_detect.so, the module gres/accel opens
# in slurmd only when dlhetero.conf asks for the check (detect_check.h).
noinst_LTLIBRARIES += src/common/libdetect/libdlh_detect.la
src_common_libdetect_libdlh_detect_la_SOURCES = \
	src/common/libdetect/accel_detect.c \
	src/common/libdetect/accel_detect.h \
	src/common/libdetect/detect_check.c \
	src/common/libdetect/detect_check.h
src_common_libdetect_libdlh_detect_la_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS)
src_common_libdetect_libdlh_detect_la_LIBADD = $(HWLOC_LIBS)

pkglib_LTLIBRARIES = src/common/libdetect/dlhetero_detect.la
src_common_libdetect_dlhetero_detect_la_SOURCES = \
	src/common/libdetect/dlhetero_detect.c
src_common_libdetect_dlhetero_detect_la_LIBADD = $(DLH_DETECT) \
	$(DLH_CATALOG) $(DLH_UTIL)
src_common_libdetect_dlhetero_detect_la_LDFLAGS = -module -avoid-version \
	-shared -export-symbols-regex '^dlhetero_detect_check$$'

if HAVE_CMOCKA
DETECT_TESTS = src/common/libdetect/test/test_accel_detect
UNIT_TESTS += $(DETECT_TESTS)
check_PROGRAMS += $(DETECT_TESTS)
src_common_libdetect_test_test_accel_detect_CFLAGS = $(UNIT_CFLAGS)
src_common_libdetect_test_test_accel_detect_LDADD = $(DLH_DETECT) \
	$(DLH_ACCEL) $(DLH_CONFIG) $(DLH_CATALOG) $(DLH_UTIL) $(UNIT_LIBS)
endif

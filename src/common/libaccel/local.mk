# libdlh_accel: the node side: device files, vendor variables, device
# binding and the rendezvous settings (MASTER_PORT, transports) of tasks.
# Detection (hwloc) is libdetect's: this library is in every slurmstepd.
noinst_LTLIBRARIES += src/common/libaccel/libdlh_accel.la
src_common_libaccel_libdlh_accel_la_SOURCES = \
	src/common/libaccel/accel_devices.c \
	src/common/libaccel/accel_devices.h \
	src/common/libaccel/accel_env.c src/common/libaccel/accel_env.h \
	src/common/libaccel/accel_bind.c src/common/libaccel/accel_bind.h \
	src/common/libaccel/rendezvous.c src/common/libaccel/rendezvous.h
src_common_libaccel_libdlh_accel_la_LIBADD = -ldl

# Topologies for the detection tests; gen-topology.py regenerates all but
# h200-vm.xml (a real export).
EXTRA_DIST += \
	tests/fixtures/hwloc/gen-topology.py \
	tests/fixtures/hwloc/h200-vm.xml \
	tests/fixtures/hwloc/mi300x-8dev.xml \
	tests/fixtures/hwloc/ascend910b-8dev.xml \
	tests/fixtures/hwloc/mlu590-8dev.xml \
	tests/fixtures/hwloc/k100-8dev.xml \
	tests/fixtures/hwloc/p800-8dev.xml \
	tests/fixtures/hwloc/c500-8dev.xml \
	tests/fixtures/hwloc/bi150-8dev.xml \
	tests/fixtures/hwloc/s4000-8dev.xml \
	tests/fixtures/hwloc/mixed-8dev.xml

if HAVE_CMOCKA
ACCEL_TESTS = src/common/libaccel/test/test_accel_env \
	src/common/libaccel/test/test_accel_devices \
	src/common/libaccel/test/test_rendezvous \
	src/common/libaccel/test/test_accel_bind
UNIT_TESTS += $(ACCEL_TESTS)
check_PROGRAMS += $(ACCEL_TESTS)
ACCEL_TEST_LIBS = $(DLH_ACCEL) $(DLH_CONFIG) $(DLH_CATALOG) $(DLH_UTIL) \
	$(UNIT_LIBS)
src_common_libaccel_test_test_accel_env_CFLAGS = $(UNIT_CFLAGS)
src_common_libaccel_test_test_accel_env_LDADD = $(ACCEL_TEST_LIBS)
src_common_libaccel_test_test_accel_devices_CFLAGS = $(UNIT_CFLAGS)
src_common_libaccel_test_test_accel_devices_LDADD = $(ACCEL_TEST_LIBS)
src_common_libaccel_test_test_rendezvous_CFLAGS = $(UNIT_CFLAGS)
src_common_libaccel_test_test_rendezvous_LDADD = $(ACCEL_TEST_LIBS)
src_common_libaccel_test_test_accel_bind_CFLAGS = $(UNIT_CFLAGS)
src_common_libaccel_test_test_accel_bind_LDADD = $(ACCEL_TEST_LIBS)
endif

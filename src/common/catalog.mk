# Chip catalog, accelerator detection and task environment (core library),
# the catalog data, and the dlhetero-detect CLI.
src_common_libdlhetero_core_la_SOURCES += \
	src/common/chip_catalog.c src/common/chip_catalog.h \
	src/common/accel_detect.c src/common/accel_detect.h \
	src/common/accel_env.c src/common/accel_env.h

dist_pkgdata_DATA += data/chips.json

bin_PROGRAMS += src/cli/dlhetero-detect
src_cli_dlhetero_detect_SOURCES = src/cli/dlhetero-detect.c
src_cli_dlhetero_detect_LDADD = src/common/libdlhetero_core.la

dist_man_MANS += doc/dlhetero-detect.1

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

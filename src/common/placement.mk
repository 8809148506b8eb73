# The placement work: --dl-hetero SPEC, node placement, dlhetero.conf.
src_common_libdlhetero_core_la_SOURCES += \
	src/common/hetero_spec.c src/common/hetero_spec.h \
	src/common/placement.c src/common/placement.h \
	src/common/dlh_config.c src/common/dlh_config.h
dist_man_MANS += doc/dlhetero.conf.5
EXTRA_DIST += doc/placement.md
dist_noinst_SCRIPTS += bench/placement.sh

# Placement benchmark (bench/placement.sh runs it).  A check program, so
# that `make check` keeps it compiling; the exhaustive solver it compares
# against is test code, never part of the library.
check_PROGRAMS += bench/placement-bench
bench_placement_bench_SOURCES = bench/placement-bench.c \
	tests/unit/placement_oracle.c tests/unit/placement_oracle.h
bench_placement_bench_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
bench_placement_bench_LDADD = src/common/libdlhetero_core.la

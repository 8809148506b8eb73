# Benchmarks (doc/benchmarks.md, doc/placement.md, doc/planner.md).
# The placement benchmark is a check program, so that `make check` keeps it
# compiling; the exhaustive solver it compares against is test code, never
# part of the library.
check_PROGRAMS += bench/placement-bench
bench_placement_bench_SOURCES = bench/placement-bench.c \
	tests/unit/placement_oracle.c tests/unit/placement_oracle.h
bench_placement_bench_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
bench_placement_bench_LDADD = $(DLH_PLACEMENT) $(DLH_CATALOG) $(DLH_UTIL)

dist_noinst_SCRIPTS += bench/placement.sh bench/plan-baselines.sh \
	bench/jobs-per-second.sh bench/recovery.sh bench/resize.sh \
	bench/chaos.sh bench/layer-time.py bench/pending-queue.sh \
	bench/array-throughput.sh bench/hetero-latency.sh bench/map-planning.sh \
	bench/checkpoint-io.py bench/dp-per-group.sh
EXTRA_DIST += bench/bench-env.sh bench/plan-env.sh

# libdlh_placement: which nodes and accelerators a --dl-hetero job gets
# (doc/placement.md), and the per-second work budget of slurmctld.
noinst_LTLIBRARIES += src/common/libplacement/libdlh_placement.la
src_common_libplacement_libdlh_placement_la_SOURCES = \
	src/common/libplacement/placement.c \
	src/common/libplacement/placement.h \
	src/common/libplacement/placement_block.c \
	src/common/libplacement/topo_blocks.c \
	src/common/libplacement/topo_blocks.h \
	src/common/libplacement/sched_budget.c \
	src/common/libplacement/sched_budget.h
EXTRA_DIST += doc/placement.md doc/limits.md

if HAVE_CMOCKA
PLACEMENT_TESTS = src/common/libplacement/test/test_placement \
	src/common/libplacement/test/test_placement_block \
	src/common/libplacement/test/test_topo_blocks \
	src/common/libplacement/test/test_sched_budget
UNIT_TESTS += $(PLACEMENT_TESTS)
check_PROGRAMS += $(PLACEMENT_TESTS)
src_common_libplacement_test_test_placement_SOURCES = \
	src/common/libplacement/test/test_placement.c \
	tests/unit/placement_oracle.c tests/unit/placement_oracle.h
src_common_libplacement_test_test_placement_CFLAGS = $(UNIT_CFLAGS)
src_common_libplacement_test_test_placement_LDADD = $(DLH_PLACEMENT) \
	$(DLH_CATALOG) $(DLH_UTIL) $(UNIT_LIBS)
src_common_libplacement_test_test_placement_block_CFLAGS = $(UNIT_CFLAGS)
src_common_libplacement_test_test_placement_block_LDADD = $(DLH_PLACEMENT) \
	$(DLH_CATALOG) $(DLH_UTIL) $(UNIT_LIBS)
src_common_libplacement_test_test_topo_blocks_CFLAGS = $(UNIT_CFLAGS)
src_common_libplacement_test_test_topo_blocks_LDADD = $(DLH_PLACEMENT) \
	$(DLH_UTIL) $(UNIT_LIBS)
src_common_libplacement_test_test_sched_budget_CFLAGS = $(UNIT_CFLAGS)
src_common_libplacement_test_test_sched_budget_LDADD = $(DLH_PLACEMENT) \
	$(UNIT_LIBS)
endif

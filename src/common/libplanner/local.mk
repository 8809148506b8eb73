# libdlh_planner: the node -> chip map, the cost model, the parallel-plan
# search and its JSON and SVG writers (doc/planner.md).
noinst_LTLIBRARIES += src/common/libplanner/libdlh_planner.la
src_common_libplanner_libdlh_planner_la_SOURCES = \
	src/common/libplanner/hetero_map.c src/common/libplanner/hetero_map.h \
	src/common/libplanner/hetero_growth.c \
	src/common/libplanner/hetero_growth.h \
	src/common/libplanner/cost_model.c src/common/libplanner/cost_model.h \
	src/common/libplanner/plan.c src/common/libplanner/plan.h \
	src/common/libplanner/plan_json.c src/common/libplanner/plan_json.h \
	src/common/libplanner/plan_export.c \
	src/common/libplanner/plan_export.h \
	src/common/libplanner/plan_svg.c src/common/libplanner/plan_svg.h
src_common_libplanner_libdlh_planner_la_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
src_common_libplanner_libdlh_planner_la_LIBADD = -lm
EXTRA_DIST += doc/planner.md

if HAVE_CMOCKA
PLANNER_TESTS = src/common/libplanner/test/test_plan \
	src/common/libplanner/test/test_hetero_map \
	src/common/libplanner/test/test_hetero_growth
UNIT_TESTS += $(PLANNER_TESTS)
check_PROGRAMS += $(PLANNER_TESTS)
# test_plan also runs src/cli/dlhetero-plan ("make check" builds all first)
src_common_libplanner_test_test_plan_CFLAGS = $(UNIT_CFLAGS)
src_common_libplanner_test_test_plan_LDADD = $(DLH_PLANNER) $(DLH_CONFIG) \
	$(DLH_CATALOG) $(DLH_UTIL) $(UNIT_LIBS)
src_common_libplanner_test_test_hetero_map_CFLAGS = $(UNIT_CFLAGS)
src_common_libplanner_test_test_hetero_map_LDADD = $(DLH_PLANNER) \
	$(DLH_CONFIG) $(DLH_CATALOG) $(DLH_UTIL) $(UNIT_LIBS)
src_common_libplanner_test_test_hetero_growth_CFLAGS = $(UNIT_CFLAGS)
src_common_libplanner_test_test_hetero_growth_LDADD = $(DLH_PLANNER) \
	$(DLH_CONFIG) $(DLH_CATALOG) $(DLH_UTIL) $(UNIT_LIBS)
endif

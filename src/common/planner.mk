# Planner: model catalog, cost model, parallel-plan search and its JSON and
# SVG writers (all in the Slurm-free core library), plus the dlhetero-plan
# CLI that prints a plan for a chip mix.
src_common_libdlhetero_core_la_SOURCES += \
	src/common/model_catalog.c src/common/model_catalog.h \
	src/common/cost_model.c src/common/cost_model.h \
	src/common/plan.c src/common/plan.h \
	src/common/plan_json.c src/common/plan_json.h \
	src/common/plan_svg.c src/common/plan_svg.h

dist_pkgdata_DATA += data/models.json

bin_PROGRAMS += src/cli/dlhetero-plan
src_cli_dlhetero_plan_SOURCES = src/cli/dlhetero-plan.c
src_cli_dlhetero_plan_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
src_cli_dlhetero_plan_LDADD = src/common/libdlhetero_core.la

dist_man_MANS += doc/dlhetero-plan.1
dist_noinst_SCRIPTS += bench/plan-baselines.sh
EXTRA_DIST += doc/planner.md

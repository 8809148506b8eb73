# The reference runtime (Python, Debian's python3-torch): installed under
# $(pkgdatadir)/runtime and started with `dlhetero-runtime` (or
# `python3 -m dlhetero_runtime` with that folder on PYTHONPATH).
runtimedir = $(pkgdatadir)/runtime/dlhetero_runtime
dist_runtime_DATA = \
	runtime/dlhetero_runtime/__init__.py \
	runtime/dlhetero_runtime/__main__.py \
	runtime/dlhetero_runtime/checkpoint.py \
	runtime/dlhetero_runtime/elastic.py \
	runtime/dlhetero_runtime/model.py \
	runtime/dlhetero_runtime/plan.py \
	runtime/dlhetero_runtime/train.py
bin_SCRIPTS = runtime/dlhetero-runtime
CLEANFILES += runtime/dlhetero-runtime
EXTRA_DIST += runtime/dlhetero-runtime.in runtime/README.md \
	runtime/tests/run_plan.py
runtime/dlhetero-runtime: $(top_srcdir)/runtime/dlhetero-runtime.in Makefile
	@mkdir -p runtime
	sed -e 's|@runtime_dir[@]|$(pkgdatadir)/runtime|g' \
		$(top_srcdir)/runtime/dlhetero-runtime.in > $@.tmp
	chmod +x $@.tmp
	mv $@.tmp $@

# Its tests: plans from dlhetero-plan run one process per rank on this
# machine (gloo) against the single-process run; no Slurm.  They do not
# depend on the Slurm release: `make check RUNTIME_TESTS=` leaves them out.
RUNTIME_TESTS = \
	tests/runtime/01-equivalence.t \
	tests/runtime/02-checkpoint-reshard.t \
	tests/runtime/03-resize.t \
	tests/runtime/04-bad-plans.t
EXTRA_DIST += $(RUNTIME_TESTS) tests/runtime/lib.sh

dist_man_MANS += doc/dlhetero-runtime.1

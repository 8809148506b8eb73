#!/bin/bash
# The test command of the README: from a fresh Debian 12 machine (as root),
# install, build, and run `make check` (C unit tests and integration tests
# against a real one-machine Slurm cluster) once per Slurm release.
# Last line: N passed, N failed (over all releases).
#
#   DLH_SLURM_RELEASES  the releases to test, in order (default "22.05 24.11":
#                       Debian 12's packages, then Debian 13's 24.11 source
#                       built once into a cached prefix); a word may be a
#                       Slurm release tarball (as .ci/run passes 26.05).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
releases=${DLH_SLURM_RELEASES:-22.05 24.11}
summary=()
total_pass=0 total_fail=0
dirs=()

# count DIR...: "PASS FAIL" of automake's TAP results under the folders
count() {
	local trs pass fail
	trs=$(find "$@" -name '*.trs' 2>/dev/null)
	pass=$(cat $trs /dev/null | grep -c '^:test-result: PASS\|^:test-result: XFAIL')
	fail=$(cat $trs /dev/null | grep -c '^:test-result: FAIL\|^:test-result: XPASS\|^:test-result: ERROR')
	echo "$pass $fail"
}

# record NAME PASS FAIL RC: one line of the summary
record() {
	local fail=$3
	# make itself failed (a program did not build or run)
	[ "$4" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
	summary+=("$(printf '%-28s %4d passed, %d failed' "$1:" "$2" "$fail")")
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + fail))
}

deps=0
for r in $releases; do
	name=$r
	[ -f "$r" ] && name=$(basename "$r")
	echo "=== Slurm $name: build"
	out=$(DLH_SKIP_DEPS=$deps DLH_SLURM=$r bash "$top/contrib/build.sh" 2>&1)
	rc=$?
	deps=1
	echo "$out" | tail -n 20
	if [ $rc -ne 0 ]; then
		record "Slurm $name (build)" 0 1 1
		continue
	fi
	dir=$(echo "$out" | sed -n 's/^build: ok (\(.*\))$/\1/p' | tail -n 1)
	dirs+=("$dir")
	rm -f $(find "$dir" -name '*.trs' 2>/dev/null)
	echo "=== Slurm $name: make check in $dir"
	# the runtime's own tests (no Slurm) and the package test (Debian's
	# packaged Slurm) once, with the first release
	if [ ${#dirs[@]} -eq 1 ]; then
		make -C "$dir" -k check
	else
		make -C "$dir" -k check RUNTIME_TESTS= PACKAGE_TESTS=
	fi
	rc=$?
	read -r p f < <(count "$dir")
	record "Slurm $name" "$p" "$f" "$rc"
done

# The unit tests again with AddressSanitizer (leaks included) and UBSan: a
# finding fails the test program.  Once: the libraries do not depend on the
# Slurm release, and the plugins of this build are never loaded by Slurm.
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
rc=0
if DLH_SKIP_DEPS=1 DLH_BUILD_DIR=build-asan LDFLAGS="$san" \
	CFLAGS="-O1 -g -fno-omit-frame-pointer $san" \
	bash "$top/contrib/build.sh" >/dev/null; then
	rm -f $(find "$top/build-asan" -name '*.trs' 2>/dev/null)
	make -C "$top/build-asan" -k check-unit || rc=1
else
	rc=1
fi
read -r p f < <(count "$top/build-asan")
record "unit tests, ASan+UBSan" "$p" "$f" "$rc"
dirs+=("$top/build-asan")

for f in $(find "${dirs[@]}" -name '*.log' -path '*tests*' 2>/dev/null); do
	grep -q '^FAIL\|^ERROR\|^not ok' "$f" 2>/dev/null && { echo "== $f"; tail -n 40 "$f"; }
done
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]

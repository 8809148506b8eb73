#!/bin/bash
# The test command of the README: from a fresh Debian 12 machine (as root),
# install, build, and run `make check` (C unit tests and integration tests
# against a real one-machine Slurm cluster).  Last line: N passed, N failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/contrib/build.sh" || { echo "0 passed, 1 failed"; exit 1; }
cd "$top/build"
make -k check
rc=$?
# The unit tests again with AddressSanitizer (leaks included) and UBSan: a
# finding fails the test program.  Only the unit tests: the plugins of
# this build are never loaded by Slurm.
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
if DLH_SKIP_DEPS=1 DLH_BUILD_DIR=build-asan LDFLAGS="$san" \
	CFLAGS="-O1 -g -fno-omit-frame-pointer $san" \
	bash "$top/contrib/build.sh"; then
	make -C "$top/build-asan" -k check-unit || rc=1
else
	rc=1
fi
# automake's TAP driver writes one :test-result: line per TAP test point.
trs=$(find "$top/build" "$top/build-asan" -name '*.trs' 2>/dev/null)
pass=$(cat $trs 2>/dev/null | grep -c '^:test-result: PASS\|^:test-result: XFAIL')
fail=$(cat $trs 2>/dev/null | grep -c '^:test-result: FAIL\|^:test-result: XPASS\|^:test-result: ERROR')
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
	fail=1	# make itself failed (a test program did not build or run)
fi
for f in $(find "$top/build" "$top/build-asan" -name '*.log' -path '*tests*'); do
	grep -q '^FAIL\|^ERROR\|^not ok' "$f" 2>/dev/null && { echo "== $f"; tail -n 40 "$f"; }
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

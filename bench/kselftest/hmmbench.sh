#!/bin/sh
# hmmbench as a kselftest test program (TEST_PROGS): runs a suite with
# `hmmbench run --format ktap`, which prints KTAP version 1 (one test per
# measurement, figures as '#' lines, kselftest's '# Totals:' line) and
# exits with kselftest's codes: 0 pass, 1 fail, 4 skip.
#
# Environment:
#   HMMBENCH          the hmmbench binary (default: ./hmmbench next to this
#                     script, else hmmbench in PATH)
#   HMMBENCH_SUITE    suite name or path (default: quick)
#   HMMBENCH_BACKEND  kernel (default), auto or sim; sim measures the
#                     simulator, for checking this wrapper without the driver
#   HMMBENCH_ARGS     more arguments for `hmmbench run` (e.g. "--cpu 2")
#   HMMBENCH_OUT      also keep the run record (JSON) in this file
#
# With the kernel backend and no /dev/hmm_dmirror0, it loads test_hmm
# (modprobe, as the kernel's mm/test_hmm.sh does) and unloads it again
# afterwards; when the module cannot be loaded the whole test is skipped
# (KTAP plan 1..0 with the reason, exit 4).
KSFT_SKIP=4

dir=$(cd "$(dirname "$0")" && pwd)
bin=${HMMBENCH:-}
if [ -z "$bin" ]; then
	if [ -x "$dir/hmmbench" ]; then
		bin=$dir/hmmbench
	else
		bin=$(command -v hmmbench || true)
	fi
fi
backend=${HMMBENCH_BACKEND:-kernel}
suite=${HMMBENCH_SUITE:-quick}

skip_all() {
	echo "KTAP version 1"
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

if [ -z "$bin" ] || [ ! -x "$bin" ]; then
	skip_all "no hmmbench binary (copy it next to $0 or set HMMBENCH)"
fi

loaded=0
if [ "$backend" = kernel ] && [ ! -e /dev/hmm_dmirror0 ]; then
	if modprobe test_hmm 2>/dev/null; then
		loaded=1
	else
		skip_all "test_hmm is not loaded and modprobe test_hmm failed (CONFIG_TEST_HMM=m, root)"
	fi
fi

# --suite-dir: the suites installed beside this script, else hmmbench's own.
set -- run --suite "$suite" --backend "$backend" --format ktap --quiet
[ -d "$dir/suites" ] && set -- "$@" --suite-dir "$dir/suites"
[ -n "${HMMBENCH_OUT:-}" ] && set -- "$@" --out "$HMMBENCH_OUT"
# shellcheck disable=SC2086 # HMMBENCH_ARGS is a list of words by design
"$bin" "$@" ${HMMBENCH_ARGS:-}
rc=$?
[ $loaded = 1 ] && modprobe -r test_hmm 2>/dev/null
exit $rc

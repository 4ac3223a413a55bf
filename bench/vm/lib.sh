# shellcheck shell=bash
# Helpers shared by the bench/vm scripts. Sourced, never run.

HB_VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HB_REPO=$(cd "$HB_VM_DIR/../.." && pwd)
HB_PROG=${0##*/}
export HB_VM_DIR HB_REPO

# Options that test_hmm, hmm-tests and the boot itself cannot do without.
# build-kernel fails naming any of these that the final .config lacks.
# shellcheck disable=SC2034 # used by the scripts that source this
HB_REQUIRED_OPTIONS=(
  64BIT SMP MODULES MODULE_UNLOAD PRINTK MULTIUSER FUTEX POSIX_TIMERS EPOLL
  SHMEM TMPFS PROC_FS PROC_SYSCTL SYSFS DEVTMPFS BLK_DEV_INITRD RD_GZIP
  BINFMT_ELF BINFMT_SCRIPT TTY SERIAL_8250 SERIAL_8250_CONSOLE PCI ACPI
  NUMA X86_64_ACPI_NUMA SPARSEMEM_VMEMMAP MEMORY_HOTPLUG MEMORY_HOTREMOVE
  MIGRATION ZONE_DEVICE DEVICE_PRIVATE TRANSPARENT_HUGEPAGE
  TRANSPARENT_HUGEPAGE_MADVISE ADVISE_SYSCALLS HUGETLBFS DEBUG_FS GUP_TEST
  TEST_HMM
)

# hb_fragment_options FILE: each option a config fragment sets, as
# CONFIG_X=VALUE lines ("# CONFIG_X is not set" gives CONFIG_X=n).
hb_fragment_options() {
  sed -nE -e 's/^(CONFIG_[A-Za-z0-9_]+)=(.*)$/\1=\2/p' \
    -e 's/^# (CONFIG_[A-Za-z0-9_]+) is not set.*$/\1=n/p' "$1"
}

# hb_config_value CONFIG OPTION: OPTION's value in a .config (n when unset
# or absent, as Kconfig reads it).
hb_config_value() {
  local v
  v=$(grep -m1 -E "^$2=" "$1" | cut -d= -f2- || true)
  printf '%s\n' "${v:-n}"
}

log() { printf '%s: %s\n' "$HB_PROG" "$*" >&2; }
warn() { printf '%s: warning: %s\n' "$HB_PROG" "$*" >&2; }
# die MESSAGE [EXIT_CODE]
die() {
  printf '%s: error: %s\n' "$HB_PROG" "$1" >&2
  exit "${2:-1}"
}

# The qemu binary (override for tests or a custom build).
export HB_QEMU=${HMMBENCH_QEMU:-qemu-system-x86_64}

hb_cache_root() { printf '%s\n' "${HMMBENCH_CACHE:-$HOME/.cache/hmmbench}"; }

hb_sha256() { sha256sum "$@" | awk '{print $1}'; }

# Seconds since the epoch with a fraction, for timings.
hb_now() { date +%s.%N; }
hb_elapsed() { awk -v a="$1" -v b="$(hb_now)" 'BEGIN { printf "%.1f", b - a }'; }

# Is this ELF executable static (no program interpreter)?
hb_is_static() { ! readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'; }

# hb_json_get FILE KEY: a top-level value of a JSON object as text (strings
# bare, true/false/null as JSON); nothing when the file or key is missing.
# The test bed's JSON files are written by bench/vm/py/jsonfile.
hb_json_get() {
  python3 -c '
import json, sys
try:
    v = json.load(open(sys.argv[1]))[sys.argv[2]]
except Exception:
    sys.exit(0)
print(v if isinstance(v, str) else json.dumps(v))
' "$1" "$2" 2>/dev/null || true
}

# ---- children and every exit path ------------------------------------------
# A script that starts children calls hb_traps first, before any child:
# INT, TERM and HUP then exit (130, 143, 129) and EXIT runs hb_exit_cleanup,
# which stops the child hb_run_child is waiting for (its whole process
# group: make, qemu's timeout, ...) and then the script's own hb_on_exit
# (if it defines one). Long children run through hb_run_child, in the
# background, so a signal is acted on at once (bash defers traps while a
# foreground child runs).
hb_child_pid=""

hb_traps() {
  trap hb_exit_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}

hb_exit_cleanup() {
  local rc=$?
  trap '' INT TERM HUP
  if [[ -n $hb_child_pid ]]; then
    hb_kill_group "$hb_child_pid"
    wait "$hb_child_pid" 2>/dev/null || true
    hb_child_pid=""
  fi
  if declare -F hb_on_exit >/dev/null; then hb_on_exit || true; fi
  exit "$rc"
}

# hb_group_alive PGID: does any process of that group still run (zombies,
# which only wait for their parent to reap them, do not count)?
hb_group_alive() {
  ps -e -o pgid=,stat= 2>/dev/null | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# hb_group_strays PGID: the descendants of that group's processes that
# live in other process groups (SwiftPM's build runs each compiler in a
# group of its own, so a signal to the group misses them), one per line.
hb_group_strays() {
  ps -e -o pid=,ppid=,pgid= 2>/dev/null | awk -v g="$1" '
    { parent[$1] = $2; group[$1] = $3 }
    END {
      for (p in group) if (group[p] == g) keep[p] = 1
      do {
        more = 0
        for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; more = 1 }
      } while (more)
      for (p in keep) if (group[p] != g) print p
    }'
}

# hb_kill_group PGID: SIGTERM to the whole process group (and to PGID
# itself, in case it has not made its group yet) and to its descendants in
# other groups (found before anything dies, while the tree is whole), up
# to 5 s to go, then SIGKILL.
hb_kill_group() {
  local g=$1 i strays=()
  [[ $g =~ ^[0-9]+$ ]] || return 0
  mapfile -t strays < <(hb_group_strays "$g")
  kill -TERM -- "-$g" 2>/dev/null || true
  kill -TERM "$g" 2>/dev/null || true
  ((${#strays[@]} == 0)) || kill -TERM "${strays[@]}" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    hb_group_alive "$g" || break
    sleep 0.1
  done
  kill -KILL -- "-$g" 2>/dev/null || true
  ((${#strays[@]} == 0)) || kill -KILL "${strays[@]}" 2>/dev/null || true
}

# hb_wait PID: wait for a background child of this shell and return its
# exit status, acting on a trapped signal within half a second. A bare
# `wait PID` can miss a trapped signal that arrives just as the wait
# builtin starts (bash marks the trap pending but is not yet ready to be
# interrupted) and then blocks until the child ends: with a qemu that
# ignores SIGTERM that was the whole boot limit (cleanup-test's SIGHUP case
# took 10 minutes on a loaded machine). Polling bounds that race to one
# short sleep; the child's status is then read from bash's saved table.
hb_wait() {
  local pid=$1 rc=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.5 &
    wait "$!" 2>/dev/null || true
  done
  wait "$pid" || rc=$?
  return "$rc"
}

# hb_run_child CMD ARGS...: run CMD in a process group of its own (setsid;
# a non-interactive script's background child is never a group leader, so
# setsid does not fork and the group id is the child's pid) and wait for
# it. Returns CMD's exit code. Needs hb_traps.
hb_run_child() {
  local rc=0
  setsid "$@" &
  hb_child_pid=$!
  hb_wait "$hb_child_pid" || rc=$?
  hb_child_pid=""
  return "$rc"
}

# ---- a git revision of a kernel tree: --kernel PATH@REV --------------------
# hb_split_rev SPEC: for SPEC = PATH@REV (the last @; PATH not itself an
# existing dir named so), prints PATH and REV on two lines and returns 0;
# returns 1 (printing nothing) when SPEC is no PATH@REV.
hb_split_rev() {
  local spec=$1
  [[ $spec == *@* && ! -d $spec ]] || return 1
  local path=${spec%@*} rev=${spec##*@}
  [[ -n $path && -n $rev ]] || return 1
  printf '%s\n%s\n' "$path" "$rev"
}

# hb_rev_worktree PATH REV CACHE: a checkout of REV of the git repository
# at PATH in a detached worktree of its own, CACHE/src/rev/NAME-HASH/SHA12
# (NAME-HASH: the repository's dir name and a hash of its path), made once
# per commit and reused after. The user's checkout (its files, index,
# HEAD and branches) is never touched: `git worktree add --detach` only
# records the new worktree under PATH's .git/worktrees. Prints the
# worktree dir on stdout. A one-line reason on stderr and return 2 when
# PATH is no git repository or REV names no commit in it; 1 when the
# worktree cannot be made.
hb_rev_worktree() {
  local path=$1 rev=$2 cache=$3 top sha repo_id dir
  if [[ ! -d $path ]]; then
    printf '%s: error: --kernel %s@%s: no such directory: %s\n' "$HB_PROG" "$path" "$rev" "$path" >&2
    return 2
  fi
  if ! top=$(git -C "$path" rev-parse --show-toplevel 2>/dev/null); then
    printf '%s: error: --kernel %s@%s: not a git repository: %s\n' "$HB_PROG" "$path" "$rev" "$path" >&2
    return 2
  fi
  if ! sha=$(git -C "$top" rev-parse --verify --quiet --end-of-options "$rev^{commit}" 2>/dev/null); then
    printf '%s: error: --kernel %s@%s: unknown revision %s in %s (hint: git -C %s log --oneline)\n' \
      "$HB_PROG" "$path" "$rev" "$rev" "$top" "$top" >&2
    return 2
  fi
  repo_id="$(basename "$top")-$(printf '%s' "$top" | sha256sum | cut -c1-8)"
  dir=$cache/src/rev/$repo_id/${sha:0:12}
  mkdir -p "$cache/src/rev/$repo_id" "$cache/locks"
  (
    # One maker per commit at a time.
    exec 7>"$cache/locks/rev-${sha:0:12}.lock"
    flock 7
    if [[ -d $dir && $(git -C "$dir" rev-parse HEAD 2>/dev/null) == "$sha" ]]; then
      exit 0
    fi
    rm -rf "$dir"
    # --force: a worktree whose dir was deleted by hand is still registered.
    git -C "$top" worktree add --force --detach "$dir" "$sha" >/dev/null 2>"$dir.err" || {
      printf '%s: error: --kernel %s@%s: git worktree add %s failed: %s\n' "$HB_PROG" "$path" "$rev" "$dir" \
        "$(head -n 1 "$dir.err")" >&2
      rm -f "$dir.err"
      exit 1
    }
    rm -f "$dir.err"
  ) || return $?
  printf '%s\n' "$dir"
}

# hb_thp_bench KERNEL_DIR RESULTS_DIR: when the tree's hmm-tests has
# benchmark_thp_migration (6.19+ trees: the kselftest harness keeps each
# test's name as a string in the binary, and the log names the tests that
# ran), parse its table from RESULTS_DIR/hmm-tests.log into
# RESULTS_DIR/hmm-bench.json (py/thp-bench) beside hmmbench's results.
# When the test is absent (6.1, 6.12), or hmm-tests did not run, it says
# so in one line. Sets $thp_bench to a short verdict for the summary;
# returns 1 when hmm-tests ran with the test but no table could be read
# from its log.
hb_thp_bench() {
  local kdir=$1 d=$2 rc=0 err
  thp_bench=""
  if [[ ! -f $kdir/hmm-tests ]]; then
    thp_bench="none (no hmm-tests in the kernel dir)"
    log "hmm-bench.json: not written: $thp_bench"
    return 0
  fi
  if ! { [[ -f $kdir/hmm-tests ]] && grep -qa benchmark_thp_migration "$kdir/hmm-tests"; } &&
    ! grep -qE '^#[[:space:]]+RUN[[:space:]]+hmm\.[A-Za-z0-9_]+\.benchmark_thp_migration' "$d/hmm-tests.log" 2>/dev/null; then
    thp_bench="none (this tree's hmm-tests has no benchmark_thp_migration; 6.19+ trees have it)"
    log "hmm-bench.json: not written: $thp_bench"
    return 0
  fi
  if [[ ! -s $d/hmm-tests.log ]]; then
    # hmm-tests did not run (a --steps file without it): nothing to parse.
    thp_bench="not run (hmm-tests has benchmark_thp_migration, but no hmm-tests.log came back)"
    log "hmm-bench.json: not written: $thp_bench"
    return 0
  fi
  err=$("$HB_VM_DIR/py/thp-bench" "$d/hmm-tests.log" "$d/hmm-bench.json" 2>&1) || rc=$?
  if ((rc == 0)); then
    thp_bench="hmm-bench.json ($(hb_json_get "$d/hmm-bench.json" tables | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') tables)"
    log "the kernel's benchmark_thp_migration table: $d/hmm-bench.json"
    return 0
  fi
  if ((rc == 3)); then
    thp_bench="missing (hmm-tests has benchmark_thp_migration, but its log holds no table: did it run? see hmm-tests.log)"
  else
    thp_bench="unreadable (${err:-thp-bench exited $rc})"
  fi
  warn "hmm-bench.json: $thp_bench"
  return 1
}

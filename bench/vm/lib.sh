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

# JSON string escaping for the few strings we emit from shell.
hb_json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/}
  s=${s//$'\n'/\\n}
  printf '"%s"' "$s"
}

# hb_run_child CMD ARGS...: run CMD in the background and wait for it,
# passing TERM/HUP/INT on to it, so that killing a script also stops its
# qemu (bash would otherwise defer the trap until a foreground child ends).
hb_child_pid=""
hb_forward() {
  if [[ -n $hb_child_pid ]]; then
    kill -TERM "$hb_child_pid" 2>/dev/null || true
    wait "$hb_child_pid" 2>/dev/null || true
  fi
  exit "$1"
}
hb_run_child() {
  local rc=0
  "$@" &
  hb_child_pid=$!
  trap 'hb_forward 143' TERM HUP
  trap 'hb_forward 130' INT
  wait "$hb_child_pid" || rc=$?
  hb_child_pid=""
  trap - TERM HUP INT
  return "$rc"
}

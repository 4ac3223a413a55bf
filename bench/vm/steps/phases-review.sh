# Guest steps (bench/vm/run --phases --steps): issue 13's phase runs, the
# same in every kernel so two boots compare.
#  1. the quick suite with --phases: every device flow and the NUMA flows
#     split into phases, each with its traced run's slowdown (run.json);
#  2. numa-move-pages with batch=1, 30 repetitions, --phases: the flow
#     whose time moved between 6.1 and 6.12 (lru_cache_disable), enough
#     repetitions for two modes to show (numa-batch1.json); with
#     --counters paired, so that every timed repetition has its own
#     counters and a mode can be matched with one (CAL IPIs): each
#     repetition is tens of milliseconds, the reads a few microseconds;
#  3. what a fixture needs: the raw function_graph text of both flows of
#     interest (--phases-raw) and the phase functions this kernel lists in
#     available_filter_functions (available-phases.txt).
# Sourced by the guest /init (busybox sh): step, send, send_if and say come
# from it.
mount -t tracefs nodev /sys/kernel/tracing || say "tracefs mount failed: phases will be skipped"
step run -t 2400 -- hmmbench run --backend kernel --suite quick --phases --phases-raw /tmp/raw-quick --out /tmp/run.json
send_if /tmp/run.json run.json
step numa-batch1 -t 1200 -- hmmbench run --backend kernel --flow numa-move-pages size=2M batch=1 mapping=anon threads=0 \
  -n 30 --counters paired --phases --phases-raw /tmp/raw-numa --out /tmp/numa-batch1.json
send_if /tmp/numa-batch1.json numa-batch1.json
# (-o names the file in the results, which step sends)
step available -o available-phases.txt -- grep -E \
  '^(vmalloc|vfree|migrate_vma_|dmirror_|lru_cache_disable|migrate_pages|__x64_sys_move_pages|hmm_range_fault|make_device_exclusive)' \
  /sys/kernel/tracing/available_filter_functions
# (at most 4 MB each: the serial line is slow under TCG)
for f in /tmp/raw-quick/*migrate-to-dev* /tmp/raw-numa/*; do
  [ -f "$f" ] || continue
  if [ "$(wc -c <"$f")" -le 4000000 ]; then send "$f" "raw-$(basename "$f")"; else say "not sent (over 4 MB): $f"; fi
done

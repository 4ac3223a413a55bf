# Guest steps (bench/vm/run --phases --steps): where hmmbench's move-pages
# residual against hmm-ref goes (bench/README.md, "Two residuals that
# repeat"). Both tools do the same thing, one at a time, pinned to CPU 0:
# 2 MiB on node 0, 200 repetitions of one move_pages(2) call of 512
# pages to node 1, each put back on node 0 untimed; the kernel's
# function profiler counts and times the mm functions under that call
# in each tool's run. Same per-call kernel times mean the residual is
# outside them (user space, the crossing, or where the tool's time
# goes between them); a function that is slower in one tool names it.
# Each tool runs twice (ref, hmmbench, ref, hmmbench) so that drift
# between the runs shows. Needs the traced kernel (--phases).
# Sourced by the guest /init (busybox sh): step, send_if and say come
# from it.
T=/sys/kernel/tracing
mount -t tracefs nodev $T || say "tracefs mount failed"
funcs="__x64_sys_move_pages lru_cache_disable lru_cache_enable lru_add_drain_all migrate_pages
migrate_pages_batch migrate_folio_unmap migrate_folio_move try_to_migrate remove_migration_ptes
alloc_migration_target folio_mc_copy folio_copy isolate_folio_to_list isolate_lru_page folio_isolate_lru
add_page_for_migration move_pages_and_store_status store_status do_pages_stat
putback_movable_pages flush_tlb_mm_range native_flush_tlb_multi flush_tlb_multi
smp_call_function_many_cond"
: >"$T/set_ftrace_filter"
for f in $funcs; do
  grep -qx "$f" "$T/available_filter_functions" && echo "$f" >>"$T/set_ftrace_filter"
done
say "profiled: $(tr '\n' ' ' <"$T/set_ftrace_filter")"
profile() { # profile NAME CMD...: one profiled run; its stdout is sent as NAME.out, its trace_stat as NAME.stat
  _p=$1
  shift
  echo 0 >"$T/function_profile_enabled"
  echo 1 >"$T/function_profile_enabled"
  step "$_p" -o "$_p.out" -t 1200 -- "$@"
  echo 0 >"$T/function_profile_enabled"
  cat "$T"/trace_stat/function* >"/tmp/out/$_p.stat"
  send_if "/tmp/out/$_p.stat" "$_p.stat"
}
# hmmbench pins its measuring thread itself, after it has started
# wherever the scheduler put it: started on CPU 0 (taskset 1) and
# started on CPU 1 (taskset 2), measured on CPU 0 both times.
for round in 1 2; do
  profile "ref$round" hmm-ref move-pages --size 2M --reps 200 --warmup 2 --cpu 0 --from 0 --to 1 --batch 512
  for start in 0 1; do
    # (a shell on CPU $start that may then use both CPUs execs hmmbench)
    profile "hb$round-start$start" taskset $((1 << start)) sh -c 'taskset -p 3 $$ >/dev/null && exec "$@"' sh \
      hmmbench run --backend kernel --cpu 0 --flow numa-move-pages size=2M batch=512 mapping=anon threads=0 \
      -n 200 --warmup 2 --counters off --out "/tmp/hb$round-start$start.json"
    send_if "/tmp/hb$round-start$start.json" "hb$round-start$start.json"
  done
done

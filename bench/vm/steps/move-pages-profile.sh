# Guest steps (bench/vm/run --phases --steps): where hmmbench's move-pages
# residual against hmm-ref came from (bench/README.md). hmm-ref without
# and with --hold-device (a dmirror device open all along, so its mm
# carries mmu-notifier subscriptions) and hmmbench's numa-move-pages, one
# after the other, twice, pinned to CPU 0: 2 MiB on node 0, 200
# repetitions of one move_pages(2) call of 512 pages to node 1, each put
# back untimed, under the kernel's function profiler (per-call times of
# the mm functions under the call, and how often the notifier hooks ran).
# Then `hmmbench overhead` of move-pages and snapshot, 200 repetitions.
# Needs the traced kernel (--phases).
# Sourced by the guest /init (busybox sh): step, send_if and say come
# from it.
T=/sys/kernel/tracing
mount -t tracefs nodev $T || say "tracefs mount failed"
funcs="__x64_sys_move_pages lru_cache_disable lru_cache_enable lru_add_drain_all migrate_pages
migrate_pages_batch migrate_folio_unmap migrate_folio_move try_to_migrate remove_migration_ptes
alloc_migration_target folio_mc_copy folio_copy isolate_folio_to_list isolate_lru_page folio_isolate_lru
add_page_for_migration move_pages_and_store_status store_status do_pages_stat
putback_movable_pages flush_tlb_mm_range native_flush_tlb_multi flush_tlb_multi
smp_call_function_many_cond __mmu_notifier_invalidate_range_start __mmu_notifier_invalidate_range_end
mn_itree_invalidate mn_itree_inv_end"
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
mp="move-pages --size 2M --reps 200 --warmup 2 --cpu 0 --from 0 --to 1 --batch 512"
for round in 1 2; do
  # shellcheck disable=SC2086 # $mp is hmm-ref's arguments
  profile "ref$round" hmm-ref $mp
  # shellcheck disable=SC2086
  profile "ref-held$round" hmm-ref $mp --hold-device
  profile "hb$round" hmmbench run --backend kernel --cpu 0 --flow numa-move-pages size=2M batch=512 mapping=anon \
    threads=0 -n 200 --warmup 2 --counters off --out "/tmp/hb$round.json"
  send_if "/tmp/hb$round.json" "hb$round.json"
done
echo 0 >"$T/function_profile_enabled"
step overhead -t 1800 -- hmmbench overhead --reference /bin/hmm-ref --ops move-pages,snapshot --reps 200 --block 2 \
  --out /tmp/overhead.json
send_if /tmp/overhead.json overhead.json

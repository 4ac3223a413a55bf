# Guest steps (bench/vm/run --phases --steps): the two modes of 6.12's
# batch-1 move_pages, shown by moving their cause.
#
# On 6.12 every move_pages(2) calls lru_cache_disable(), whose
# synchronize_rcu_expedited() hands the grace period to one kthread
# worker, rcu_exp_gp_kthread_worker (kernel/rcu/tree.c,
# rcu_start_exp_gp_kworker; kernel/rcu/tree_exp.h,
# synchronize_rcu_expedited_queue_work). A call is fast when that worker
# runs on the caller's CPU and slow when it runs on the other one (two
# cross-CPU wakeups a call). Left alone in our 2-CPU guests the worker
# was almost always on the other CPU (1 fast repetition in 150 over two
# boots), so one run rarely shows both modes. Here the worker is placed:
#  1. on the measuring CPU (0) for a whole run (worker-same.json);
#  2. on the other CPU (1) for a whole run (worker-other.json);
#  3. moved between CPU 0 and CPU 1 every 2 s during one run with
#     --phases and per-repetition counters (worker-moved.json): its
#     samples fall into the two modes of 1 and 2, and the report names
#     the counter that separates them.
# The measuring thread is pinned to CPU 0 (--cpu 0) in every run. 6.1
# has no such worker (it queues the work on a kworker): the steps say so
# and run nothing.
# Sourced by the guest /init (busybox sh): step, send_if and say come
# from it.
mount -t tracefs nodev /sys/kernel/tracing || say "tracefs mount failed: phases will be skipped"
worker=""
for c in /proc/[0-9]*/comm; do
  # (comm is cut to 15 characters on some kernels, whole on others)
  case "$(cat "$c" 2>/dev/null)" in
    rcu_exp_gp_kthr*)
      worker=${c#/proc/}
      worker=${worker%/comm}
      ;;
  esac
done
flow="numa-move-pages size=2M batch=1 mapping=anon threads=0"
if [ -z "$worker" ]; then
  say "no rcu_exp_gp_kthread_worker in this kernel: nothing to place"
else
  say "rcu_exp_gp_kthread_worker is pid $worker: $(taskset -p "$worker")"
  taskset -p 1 "$worker" >/dev/null || say "cannot place the worker on CPU 0"
  # shellcheck disable=SC2086 # $flow is the flow and its parameters
  step worker-same -t 1200 -- hmmbench run --backend kernel --cpu 0 --flow $flow -n 20 \
    --counters paired --out /tmp/worker-same.json
  send_if /tmp/worker-same.json worker-same.json
  taskset -p 2 "$worker" >/dev/null || say "cannot place the worker on CPU 1"
  # shellcheck disable=SC2086
  step worker-other -t 1200 -- hmmbench run --backend kernel --cpu 0 --flow $flow -n 20 \
    --counters paired --out /tmp/worker-other.json
  send_if /tmp/worker-other.json worker-other.json
  (
    while :; do
      taskset -p 1 "$worker" >/dev/null
      sleep 2
      taskset -p 2 "$worker" >/dev/null
      sleep 2
    done
  ) &
  mover=$!
  # shellcheck disable=SC2086
  step worker-moved -t 2400 -- hmmbench run --backend kernel --cpu 0 --flow $flow -n 60 \
    --counters paired --phases --out /tmp/worker-moved.json
  kill "$mover"
  send_if /tmp/worker-moved.json worker-moved.json
fi

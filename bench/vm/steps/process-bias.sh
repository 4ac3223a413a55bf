# Guest steps (bench/vm/run --steps): how much a tool's median moves from
# one process to the next. 30 hmm-ref processes of 15 repetitions for
# move-pages, snapshot and migrate-to-dev, then 20 hmmbench processes of
# numa-move-pages and snapshot, one after the other, pinned to CPU 0; all
# of it with ASLR on (randomize_va_space 2) and again off (0). Compare the
# spread of the per-process medians with what the repetitions inside one
# process predict (bench/README.md, "Code between repetitions"). Results:
# process-bias.jsonl, one object per process: {"aslr", "tool", "run",
# "out": hmm-ref's line or hmmbench's result file}. Sourced by the guest
# /init (busybox sh): send_if and say come from it.
J=/tmp/out/process-bias.jsonl
: >$J
for aslr in 2 0; do
  echo $aslr >/proc/sys/kernel/randomize_va_space
  for op in move-pages snapshot migrate-to-dev; do
    i=0
    while [ $i -lt 30 ]; do
      printf '{"aslr":%s,"tool":"ref","run":%s,"out":' $aslr $i >>$J
      /bin/hmm-ref $op --size 2M --reps 15 --warmup 2 --cpu 0 >>$J 2>/tmp/err || say "hmm-ref $op: $(cat /tmp/err)"
      echo '}' >>$J
      i=$((i + 1))
    done
  done
  i=0
  while [ $i -lt 20 ]; do
    for flow in "numa-move-pages size=2M batch=512 mapping=anon from=0 to=1 protection=rw threads=0" \
      "snapshot size=2M mapping=anon populate=write memory=private"; do
      # shellcheck disable=SC2086 # $flow is the flow and its parameters
      hmmbench run --backend kernel --cpu 0 --flow $flow -n 15 --warmup 2 --counters off --out /tmp/pb.json \
        >/dev/null 2>/tmp/err || say "hmmbench $flow: $(cat /tmp/err)"
      {
        printf '{"aslr":%s,"tool":"%s","run":%s,"out":' $aslr "${flow%% *}" $i
        cat /tmp/pb.json
        echo '}'
      } >>$J
    done
    i=$((i + 1))
  done
done
echo 2 >/proc/sys/kernel/randomize_va_space
send_if $J process-bias.jsonl

# Guest steps (bench/vm/run --steps): hmmbench's harness overhead against
# hmm-ref three times in one boot, for issue 11's before/after table
# (bench/README.md): A with the engine's default (counted repetitions:
# the timed ones read no /proc file), B with --counters paired (the reads
# right before and after every timed window, the old placement), C the
# default again, so drift within the boot shows as A against C.
# Every op, 2 MiB, 40 repetitions per tool in alternating blocks of 2.
# Sourced by the guest /init (busybox sh): step and send_if come from it.
# On a quiet KVM box raise reps (e.g. 200) in a copy of this file.
reps=40
for run in A:separate B:paired C:separate; do
  name=${run%%:*}
  mode=${run#*:}
  step "overhead-$name" -t 1500 -- hmmbench overhead --reference /bin/hmm-ref --reps "$reps" --block 2 \
    --counters "$mode" --out "/tmp/overhead-$name.json"
  send_if "/tmp/overhead-$name.json" "overhead-$name.json"
done

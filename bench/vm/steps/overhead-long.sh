# Guest steps (bench/vm/run --steps): hmmbench's harness overhead against
# hmm-ref with the engine's default, 200 repetitions per tool and op in
# alternating blocks of 2: what it takes for the ratio's 95% interval to
# be about +-1% where the guest's timings are quiet (an idle host: the
# CVs of both tools are then 1-2% even under TCG). Meaningless on a
# shared host: any other load makes TCG's timings bimodal.
# A short comparison runs first and is thrown away: the first one after
# boot gave move-pages 0.970 where the next five gave 0.993-0.998
# (overhead-repeat.sh, bench/README.md).
# Sourced by the guest /init (busybox sh): step and send_if come from it.
step overhead-settle -t 600 -- hmmbench overhead --reference /bin/hmm-ref --ops move-pages,snapshot --reps 20 --block 2 \
  --out /tmp/overhead-settle.json
step overhead-long -t 3000 -- hmmbench overhead --reference /bin/hmm-ref --reps 200 --block 2 --out /tmp/overhead-long.json
send_if /tmp/overhead-long.json overhead-long.json

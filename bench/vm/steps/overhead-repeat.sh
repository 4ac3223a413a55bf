# Guest steps (bench/vm/run --steps): the same short overhead comparison
# six times in one boot, each a new hmmbench process (move-pages and
# snapshot, 80 repetitions a tool, blocks of 2): how far the ratio moves
# between runs when the boot is the same (bench/README.md, "Code between
# repetitions"). Results: ov0.json ... ov5.json. Sourced by the guest /init
# (busybox sh): step and send_if come from it.
i=0
while [ $i -lt 6 ]; do
  step "ov$i" -t 900 -- hmmbench overhead --reference /bin/hmm-ref --ops move-pages,snapshot --reps 80 --block 2 \
    --out "/tmp/ov$i.json"
  send_if "/tmp/ov$i.json" "ov$i.json"
  i=$((i + 1))
done

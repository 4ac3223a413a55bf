# Guest steps (bench/vm/run --steps): does work between repetitions, done
# outside the window, slow the next call? hmm-ref's snapshot of 2 MiB
# plain, with 20 or 200 snprintf calls before each repetition
# (--between-code) and with 64 or 512 pages written (--between-pages),
# each a fresh process of 5 repetitions pinned to CPU 0, the five in
# turn, 60 rounds (bench/README.md, "Code between repetitions"). Results:
# between.jsonl, one object per process: {"v": VARIANT, "out": hmm-ref's
# line}. Sourced by the guest /init (busybox sh): send_if and say come
# from it.
J=/tmp/out/between.jsonl
: >$J
run() { # run VARIANT HMM-REF-ARGS...
  printf '{"v":"%s","out":' "$1" >>$J
  shift
  /bin/hmm-ref snapshot --size 2M --reps 5 --warmup 2 --cpu 0 "$@" >>$J 2>/tmp/err || say "hmm-ref $*: $(cat /tmp/err)"
  echo '}' >>$J
}
b=0
while [ $b -lt 60 ]; do
  run plain
  run code20 --between-code 20
  run pages64 --between-pages 64
  run code200 --between-code 200
  run pages512 --between-pages 512
  b=$((b + 1))
done
send_if $J between.jsonl

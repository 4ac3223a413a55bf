# Guest steps (bench/vm/run --steps): does where a tool's buffers lie move
# the snapshot call? hmm-ref's snapshot of 2 MiB with its ptr buffer from
# posix_memalign (as hmmbench's, the default) and from mmap of exactly 2
# MiB (--ptr-mmap, hmm-ref before 3 December), with 1, 256 and 512 pages
# written in a buffer of their own first (--before-pages), and hmmbench's
# snapshot flow: each a fresh process of 5 repetitions pinned to CPU 0,
# the seven in turn, 50 rounds (bench/README.md, "Where the buffers
# lie"). Results: layout.jsonl, one object per process: {"v": VARIANT,
# "out": hmm-ref's line or hmmbench's result file}. Sourced by the guest
# /init (busybox sh): send_if and say come from it.
J=/tmp/out/layout.jsonl
: >$J
ref() { # ref VARIANT HMM-REF-ARGS...
  printf '{"v":"%s","out":' "$1" >>$J
  shift
  /bin/hmm-ref snapshot --size 2M --reps 5 --warmup 2 --cpu 0 "$@" >>$J 2>/tmp/err || say "hmm-ref $*: $(cat /tmp/err)"
  echo '}' >>$J
}
b=0
while [ $b -lt 50 ]; do
  ref memalign
  ref mmap --ptr-mmap
  ref before1 --before-pages 1
  ref before256 --before-pages 256
  ref before512 --before-pages 512
  ref mmap-before512 --ptr-mmap --before-pages 512
  hmmbench run --backend kernel --cpu 0 --flow snapshot size=2M mapping=anon populate=write memory=private \
    -n 5 --warmup 2 --counters off --out /tmp/layout-hb.json >/dev/null 2>/tmp/err || say "hmmbench: $(cat /tmp/err)"
  {
    printf '{"v":"hmmbench","out":'
    cat /tmp/layout-hb.json
    echo '}'
  } >>$J
  b=$((b + 1))
done
send_if $J layout.jsonl

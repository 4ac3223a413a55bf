# hmmbench: two commands for a newcomer.
#   make bench   installs what is missing, builds, runs the default suite on
#                the best backend available (see README)
#   make test    unit, conformance and end-to-end tests, the test bed's
#                own tests (bench/vm/tests: no kernel needed), and shellcheck
#                of every script under bench/
.PHONY: bench test build release deps shellcheck vm-smoke bench-kernels man clean

SUITE   ?= quick
BACKEND ?= auto
OUT     ?= out
SWIFT   ?= swift
# -n: never wait for a password prompt (CI has no stdin); say why instead.
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo -n)

# libnuma-dev is the one system package the build itself needs;
# shellcheck and librsvg2-bin are for make test. What is missing goes in
# one apt-get call (a retry without librsvg2-bin if that fails: the plot
# test then skips).
deps:
	@need=""; \
	[ -f /usr/include/numa.h ] || need="$$need libnuma-dev"; \
	command -v shellcheck >/dev/null || need="$$need shellcheck"; \
	if [ -n "$$need" ] || ! command -v rsvg-convert >/dev/null; then \
	  echo "installing$$need librsvg2-bin (libnuma-dev builds hmmbench; make test runs shellcheck and renders SVG with rsvg-convert)"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$need librsvg2-bin || { \
	    echo "could not install librsvg2-bin: the SVG-to-PNG test will skip"; \
	    [ -z "$$need" ] || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$need; }; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product hmmbench

test: deps shellcheck
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	bench/vm/tests/run-all

# Every shell script under bench/ (found by its #! line, plus the sourced
# lib.sh), following what they source, and the guest steps files (no #!:
# busybox sh fragments the guest's /init sources). bench/vm/README says
# shellcheck-clean: this keeps it so.
shellcheck: deps
	@scripts=$$( { grep -rlE '^#!/(usr/)?bin/(env )?(ba)?sh' bench; echo bench/vm/lib.sh; } | sort -u); \
	  shellcheck -x $$scripts && echo "shellcheck: $$(echo $$scripts | wc -w) scripts clean"
	@shellcheck -s sh bench/vm/steps/*.sh && echo "shellcheck: $$(ls bench/vm/steps/*.sh | wc -l) guest steps files clean"

# The default suite on the best backend: the real driver when this box has
# /dev/hmm_dmirror0, else a test kernel booted under qemu (bench/vm), else
# (BACKEND=sim, or no qemu) the simulator.
# bench/run-default installs and builds only what the chosen path needs:
# the test bed path builds the static hmmbench (the guest's, which also
# reads the results on the host) with the kernel building beside it, the
# host paths the release build (.build/release/hmmbench).
bench:
	@mkdir -p $(OUT)
	@SWIFT=$(SWIFT) bench/run-default --suite $(SUITE) --backend $(BACKEND) --out $(OUT)

vm-smoke:
	bench/vm/smoke

# Both kernels a reviewer compares today, built with the same pinned
# options (bench/vm/config/pinned.fragment), booted with the quick suite:
# results in $(OUT)/kernels/<kernel-id>/, the comparison (config options
# that differ first) in $(OUT)/kernels/compare.txt. Not in CI: a cold
# build of both takes longer than CI allows (times in bench/vm/README.md).
# TIMEOUT=S raises each boot's limit (bench/vm/run --timeout; default 900 s
# for the quick suite), for a box where other work slows TCG down.
bench-kernels:
	bench/vm/run --kernel debian:6.1 --kernel debian:6.12 --suite quick --strict --out $(OUT)/kernels $(if $(TIMEOUT),--timeout $(TIMEOUT))

# Man pages (one per subcommand) from the commands' own help, into out/man:
#   man -l out/man/hmmbench.run.1
man: deps
	@mkdir -p $(OUT)/man
	$(SWIFT) package --allow-writing-to-directory $(OUT)/man generate-manual --multi-page --output-directory $(OUT)/man

clean:
	rm -rf .build .build-static $(OUT)

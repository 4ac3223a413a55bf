/*
 * hmm-ref: the smallest program that does the kernel work hmmbench times,
 * so that hmmbench's harness overhead is measured, not assumed.
 *
 *   hmm-ref OP --size BYTES --reps N --warmup W --device N [--uapi G]
 *              [--cpu C] [--from N --to N --batch P]
 *
 * Every repetition (warmup ones too) prepares untimed, then times with
 * clock_gettime(CLOCK_MONOTONIC_RAW) only the calls below. "Fresh" is a
 * private anonymous region of SIZE bytes (MADV_NOHUGEPAGE), every byte
 * written, unmapped after the repetition.
 *   read            HMM_DMIRROR_READ of a fresh region into ptr
 *   write           HMM_DMIRROR_WRITE of a fresh region from ptr
 *   snapshot        HMM_DMIRROR_SNAPSHOT of one written region (mapped once)
 *                   into an npages-byte buffer
 *   migrate-to-dev  HMM_DMIRROR_MIGRATE_TO_DEV of a fresh region (the driver
 *                   copies the range back into ptr)
 *   migrate-to-sys  untimed MIGRATE_TO_DEV of a fresh region, timed
 *                   HMM_DMIRROR_MIGRATE_TO_SYS of it
 *   roundtrip       MIGRATE_TO_DEV then MIGRATE_TO_SYS of a fresh region
 *   exclusive       HMM_DMIRROR_EXCLUSIVE of a fresh region
 *   move-pages      untimed: one written region (mapped once) put on node
 *                   FROM; timed: move_pages(2) of it to node TO, BATCH pages
 *                   a call (no device needed)
 * ptr is one SIZE-byte buffer, faulted in once before the first repetition.
 * After timing (untimed) cpages (or every status) is checked.
 * --cpu pins the process to one CPU before anything else.
 *
 * Output: one JSON object on stdout, e.g.
 *   {"tool":"hmm-ref","op":"read","uapi":"6.1","size":2097152,
 *    "page_size":4096,"device":0,"warmup":3,"reps":20,"cpu":0,
 *    "clock":"CLOCK_MONOTONIC_RAW","samples_ns":[...]}
 * ("cpu" is -1 when not pinned.)
 * Errors: one line on stderr with the errno name; exit 2 bad usage,
 * 3 missing device or permission, 4 a failed kernel call.
 *
 * Standalone on purpose: its own copy of the test_hmm uapi (the header is
 * not exported to userspace), libc only, no libnuma.
 *   gcc -O2 -Wall -Wextra -static -o hmm-ref hmm-ref.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ---- test_hmm uapi (lib/test_hmm_uapi.h) ----------------------------- */

struct hmm_dmirror_cmd {
	uint64_t addr;   /* in: start of the mirrored range (page aligned) */
	uint64_t ptr;    /* in: user buffer the driver copies to/from */
	uint64_t npages; /* in: pages in the range */
	uint64_t cpages; /* out: pages processed */
	uint64_t faults; /* out: device faults taken */
};

_Static_assert(sizeof(struct hmm_dmirror_cmd) == 40, "hmm_dmirror_cmd is 40 bytes");
_Static_assert(offsetof(struct hmm_dmirror_cmd, faults) == 32, "faults at 32");

/* Every request is _IOWR('H', nr, struct hmm_dmirror_cmd). */
#define DMIRROR(nr) _IOWR('H', (nr), struct hmm_dmirror_cmd)

/*
 * The request numbers per generation, for --uapi. 0 means the generation
 * has no such request (it is then never sent): MIGRATE_TO_SYS exists
 * from 6.0 (0x03 is SNAPSHOT before), EXCLUSIVE from 5.14.
 */
struct uapi {
	const char *name;
	unsigned long read, write, to_dev, to_sys, snapshot, exclusive;
};

static const struct uapi uapis[] = {
	{ "5.8",  DMIRROR(0), DMIRROR(1), DMIRROR(2), 0,          DMIRROR(3), 0 },
	{ "5.14", DMIRROR(0), DMIRROR(1), DMIRROR(2), 0,          DMIRROR(3), DMIRROR(4) },
	{ "6.0",  DMIRROR(0), DMIRROR(1), DMIRROR(2), DMIRROR(3), DMIRROR(4), DMIRROR(5) },
	{ "6.1",  DMIRROR(0), DMIRROR(1), DMIRROR(2), DMIRROR(3), DMIRROR(4), DMIRROR(5) },
	{ "6.19", DMIRROR(0), DMIRROR(1), DMIRROR(2), DMIRROR(3), DMIRROR(4), DMIRROR(5) },
};

/* move_pages(2) without libnuma. */
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE (1 << 1)
#endif

/* ---- errors ---------------------------------------------------------- */

enum { EXIT_USAGE = 2, EXIT_ENV = 3, EXIT_SYSTEM = 4 };

static const char *errno_name(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case ENOTTY: return "ENOTTY";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case ENOSYS: return "ENOSYS";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default: return NULL;
	}
}

static void die_errno(int code, int e, const char *fmt, const char *arg)
{
	const char *name = errno_name(e);
	fprintf(stderr, "hmm-ref: error: ");
	fprintf(stderr, fmt, arg);
	if (name)
		fprintf(stderr, ": %s (%s)\n", name, strerror(e));
	else
		fprintf(stderr, ": errno %d (%s)\n", e, strerror(e));
	exit(code);
}

static void die(int code, const char *fmt, const char *arg)
{
	fprintf(stderr, "hmm-ref: error: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(code);
}

static void usage(FILE *f)
{
	fputs("usage: hmm-ref OP --size BYTES --reps N --warmup W --device N\n"
	      "               [--uapi 5.8|5.14|6.0|6.1|6.19] [--cpu C]\n"
	      "               [--from N --to N --batch P] [--hold-device]   (move-pages)\n"
	      "               [--between-code N] [--between-pages N]    (diagnostics)\n"
	      "               [--before-pages N] [--ptr-mmap]           (diagnostics)\n"
	      "               [--serve]\n"
	      "\n"
	      "The minimal C counterpart of hmmbench's flows. Each repetition\n"
	      "prepares untimed, then times with CLOCK_MONOTONIC_RAW only:\n"
	      "  read            HMM_DMIRROR_READ of a fresh written region\n"
	      "  write           HMM_DMIRROR_WRITE of a fresh written region\n"
	      "  snapshot        HMM_DMIRROR_SNAPSHOT of one written region\n"
	      "  migrate-to-dev  HMM_DMIRROR_MIGRATE_TO_DEV of a fresh region\n"
	      "  migrate-to-sys  HMM_DMIRROR_MIGRATE_TO_SYS of a region migrated\n"
	      "                  to the device untimed\n"
	      "  roundtrip       MIGRATE_TO_DEV then MIGRATE_TO_SYS of a fresh region\n"
	      "  exclusive       HMM_DMIRROR_EXCLUSIVE of a fresh written region\n"
	      "  move-pages      move_pages(2) of a region from node FROM to TO\n"
	      "A fresh region is private anonymous (MADV_NOHUGEPAGE), BYTES long,\n"
	      "every byte written. Prints one JSON object with every sample (ns).\n"
	      "\n"
	      "  --size BYTES  region size, a multiple of the page size; K, M, G\n"
	      "                suffixes are binary (default 2M)\n"
	      "  --reps N      measured repetitions, 1-100000 (default 20)\n"
	      "  --warmup W    repetitions run first and discarded, 0-10000 (default 3)\n"
	      "  --device N    dmirror device 0-3 (default 0)\n"
	      "  --uapi G      test_hmm request table (default 6.1); migrate-to-sys\n"
	      "                and roundtrip need 6.0 or later, exclusive 5.14\n"
	      "  --cpu C       pin to CPU C first (default: not pinned)\n"
	      "  --from N      move-pages: source node (default 0)\n"
	      "  --to N        move-pages: target node (default 1)\n"
	      "  --batch P     move-pages: pages per call (default 512)\n"
	      "  --hold-device move-pages: keep /dev/hmm_dmirrorN open all along;\n"
	      "                the open leaves this process's mm with mmu notifiers\n"
	      "                (as in a process that used the device before), and\n"
	      "                every page moved then calls them\n"
	      "  --between-code N   diagnostic: N snprintf calls before every\n"
	      "                repetition (outside the window): code run between\n"
	      "                calls slows the next one under TCG\n"
	      "  --between-pages N  diagnostic: write N pages of a buffer before\n"
	      "                every repetition (outside the window)\n"
	      "  --serve       a block per line of stdin (its repetition count, for\n"
	      "                --reps), each block's JSON line on stdout, until end\n"
	      "                of input: hmmbench overhead runs an op's blocks so\n"
	      "  --before-pages N   diagnostic: write N pages of a buffer of their\n"
	      "                own before the ptr buffer and region are made\n"
	      "  --ptr-mmap    diagnostic: the ptr buffer from mmap(2) of exactly\n"
	      "                BYTES (before 3 December) instead of posix_memalign\n"
	      "                as hmmbench's; both move the kernel's layout\n"
	      "  -h, --help    this text\n"
	      "\n"
	      "Exit codes: 0 ok, 2 bad usage, 3 no device or no permission,\n"
	      "4 a failed kernel call (errno named on stderr).\n", f);
}

/* ---- arguments ------------------------------------------------------- */

static unsigned long long parse_number(const char *opt, const char *text,
				       unsigned long long max, int allow_suffix)
{
	char *end;
	unsigned long long v, mult = 1;

	if (!text || !*text || *text == '-')
		die(EXIT_USAGE, "%s needs a non-negative number", opt);
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text)
		die(EXIT_USAGE, "bad number for %s", opt);
	if (allow_suffix && *end) {
		switch (*end) {
		case 'k': case 'K': mult = 1ULL << 10; break;
		case 'm': case 'M': mult = 1ULL << 20; break;
		case 'g': case 'G': mult = 1ULL << 30; break;
		default: die(EXIT_USAGE, "bad size unit for %s (use K, M or G)", opt);
		}
		end++;
	}
	if (*end)
		die(EXIT_USAGE, "trailing characters in the value of %s", opt);
	if (v > max / mult)
		die(EXIT_USAGE, "value of %s is out of range", opt);
	return v * mult;
}

/* ---- the work -------------------------------------------------------- */

enum op { OP_READ, OP_WRITE, OP_SNAPSHOT, OP_TO_DEV, OP_TO_SYS, OP_ROUNDTRIP, OP_EXCLUSIVE, OP_MOVE_PAGES };

static const char *const op_names[] = {
	"read", "write", "snapshot", "migrate-to-dev", "migrate-to-sys", "roundtrip", "exclusive", "move-pages",
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A fresh private anonymous region, no THP, every byte written. */
static void *fresh_region(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die_errno(EXIT_SYSTEM, errno, "mmap of %s", "the region");
	/* EINVAL: a kernel without THP; there is nothing to turn off. */
	if (madvise(p, size, MADV_NOHUGEPAGE) && errno != EINVAL)
		die_errno(EXIT_SYSTEM, errno, "madvise(%s)", "MADV_NOHUGEPAGE");
	memset(p, 0x5A, size);
	return p;
}

static int dmirror(int fd, unsigned long request, void *addr, void *buf,
		   uint64_t npages, struct hmm_dmirror_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->addr = (uint64_t)(uintptr_t)addr;
	cmd->ptr = (uint64_t)(uintptr_t)buf;
	cmd->npages = npages;
	return ioctl(fd, request, cmd) < 0 ? errno : 0;
}

static void check_cpages(const char *what, const struct hmm_dmirror_cmd *cmd,
			 uint64_t npages)
{
	if (cmd->cpages != npages) {
		fprintf(stderr, "hmm-ref: error: %s processed %" PRIu64 " of %" PRIu64
			" pages\n", what, cmd->cpages, npages);
		exit(EXIT_SYSTEM);
	}
}

/* One untimed request that must process every page. */
static void untimed(int fd, unsigned long request, const char *what, void *addr,
		    void *buf, uint64_t npages)
{
	struct hmm_dmirror_cmd cmd;
	int e = dmirror(fd, request, addr, buf, npages, &cmd);

	if (e)
		die_errno(EXIT_SYSTEM, e, "%s", what);
	check_cpages(what, &cmd, npages);
}

static long move_pages_call(unsigned long count, void **pages, const int *nodes, int *status)
{
	return syscall(SYS_move_pages, 0, count, pages, nodes, status, MPOL_MF_MOVE);
}

/* The move_pages arrays, built once (untimed), as hmmbench's flow does. */
struct move {
	uint64_t npages, batch;
	void **pages;
	int *to_nodes, *from_nodes, *status;
};

/* Moves every page to the node in `nodes`, BATCH pages a call; 0 or errno. */
static int move_all(const struct move *m, const int *nodes)
{
	for (uint64_t off = 0; off < m->npages; off += m->batch) {
		uint64_t n = m->npages - off < m->batch ? m->npages - off : m->batch;

		if (move_pages_call(n, m->pages + off, nodes + off, m->status + off) < 0)
			return errno;
	}
	return 0;
}

/* Every status must be `node` (a page not there is a failure). */
static void check_statuses(const struct move *m, int node, const char *what)
{
	for (uint64_t i = 0; i < m->npages; i++)
		if (m->status[i] != node) {
			fprintf(stderr, "hmm-ref: error: %s: page %" PRIu64 " has status %d, expected node %d\n",
				what, i, m->status[i], node);
			exit(EXIT_SYSTEM);
		}
}

/* What a run does: the checked options (one block, or one per line with --serve). */
struct job {
	int op, hold_device, ptr_mmap;
	const char *op_name;
	const struct uapi *uapi;
	unsigned long long size, warmup, device, from, to, batch;
	unsigned long long between_code, between_pages, before_pages;
	long long cpu;
	long page;
	uint64_t npages;
};

/*
 * One block: open the device, make the buffers and regions, warm up, time
 * `reps` repetitions, print the JSON line, free it all. Returns the exit
 * code for a device that cannot be opened; dies on any other failure.
 */
static int run_block(const struct job *j, unsigned long long reps)
{
	const int op = j->op, hold_device = j->hold_device, ptr_mmap = j->ptr_mmap;
	const char *op_name = j->op_name;
	const struct uapi *uapi = j->uapi;
	const unsigned long long size = j->size, warmup = j->warmup, device = j->device;
	const unsigned long long from = j->from, to = j->to, batch = j->batch;
	const unsigned long long between_code = j->between_code, between_pages = j->between_pages;
	const unsigned long long before_pages = j->before_pages;
	const long long cpu = j->cpu;
	const long page = j->page;
	const uint64_t npages = j->npages;
	char path[64];
	int fd = -1, ae;
	volatile char *pollute = NULL;
	uint64_t *samples;
	void *buf, *kept = NULL, *before = NULL;
	unsigned char *snap = NULL;
	struct move mv = { 0 };

	if (op != OP_MOVE_PAGES || hold_device) {
		snprintf(path, sizeof(path), "/dev/hmm_dmirror%llu", device);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			const char *name = errno_name(e);

			fprintf(stderr, "hmm-ref: error: cannot open %s: %s (%s)\n", path,
				name ? name : "errno", strerror(e));
			if (e == ENOENT)
				fprintf(stderr, "hmm-ref: hint: load test_hmm (CONFIG_TEST_HMM=m: "
					"modprobe test_hmm), or run inside bench/vm/run\n");
			else if (e == EACCES || e == EPERM)
				fprintf(stderr, "hmm-ref: hint: run as root or chmod a+rw %s\n", path);
			return e == ENOENT || e == EACCES || e == EPERM || e == ENXIO || e == ENODEV
			       ? EXIT_ENV : EXIT_SYSTEM;
		}
	}

	samples = calloc(reps, sizeof(*samples));
	if (!samples)
		die_errno(EXIT_SYSTEM, ENOMEM, "%s", "sample array");
	/*
	 * The driver copies the range to or from ptr: fault the buffer in once.
	 * Allocated as hmmbench allocates its buffers (posix_memalign, page
	 * aligned, zero-filled), so both tools give the kernel the same layout:
	 * under TCG where the buffer lies moves the snapshot call by 1-1.5%
	 * (bench/README.md, "Where the buffers lie").
	 */
	if (before_pages) {
		before = mmap(NULL, before_pages * (uint64_t)page, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (before == MAP_FAILED)
			die_errno(EXIT_SYSTEM, errno, "mmap of %s", "the --before-pages buffer");
		memset(before, 1, before_pages * (uint64_t)page);
	}
	if (ptr_mmap) {
		buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED)
			die_errno(EXIT_SYSTEM, errno, "mmap of %s", "the ptr buffer");
	} else {
		ae = posix_memalign(&buf, (size_t)page, size);
		if (ae)
			die_errno(EXIT_SYSTEM, ae, "%s", "the ptr buffer");
	}
	memset(buf, op == OP_WRITE ? 0x6D : 0, size);

	/* Regions kept across repetitions, and their arrays, built untimed. */
	if (op == OP_SNAPSHOT) {
		kept = fresh_region(size);
		void *p;

		ae = posix_memalign(&p, (size_t)page, npages);
		if (ae)
			die_errno(EXIT_SYSTEM, ae, "%s", "snapshot buffer");
		snap = memset(p, 0, npages);
	} else if (op == OP_MOVE_PAGES) {
		kept = fresh_region(size);
		mv.npages = npages;
		mv.batch = batch;
		mv.pages = calloc(npages, sizeof(*mv.pages));
		mv.to_nodes = calloc(npages, sizeof(int));
		mv.from_nodes = calloc(npages, sizeof(int));
		mv.status = calloc(npages, sizeof(int));
		if (!mv.pages || !mv.to_nodes || !mv.from_nodes || !mv.status)
			die_errno(EXIT_SYSTEM, ENOMEM, "%s", "move_pages arrays");
		for (uint64_t i = 0; i < npages; i++) {
			mv.pages[i] = (char *)kept + i * (uint64_t)page;
			mv.to_nodes[i] = (int)to;
			mv.from_nodes[i] = (int)from;
		}
	}

	if (between_pages) {
		pollute = malloc(between_pages * (uint64_t)page);
		if (!pollute)
			die_errno(EXIT_SYSTEM, ENOMEM, "%s", "--between-pages buffer");
		memset((void *)pollute, 1, between_pages * (uint64_t)page);
	}
	for (unsigned long long r = 0; r < warmup + reps; r++) {
		struct hmm_dmirror_cmd cmd, back;
		/* Diagnostics (--between-*): work between the calls, untimed. */
		for (unsigned long long k = 0; k < between_code; k++) {
			char tmp[64];
			snprintf(tmp, sizeof(tmp), "%g %llu %s", (double)k * 1.37, k, op_name);
			if (tmp[0] == 0)
				abort();
		}
		for (unsigned long long k = 0; k < between_pages; k++)
			pollute[k * (uint64_t)page] += 1;
		void *region = kept ? kept : fresh_region(size);
		uint64_t t0 = 0, t1 = 0;
		int e = 0;

		switch (op) {
		case OP_READ:
		case OP_WRITE:
		case OP_EXCLUSIVE: {
			unsigned long req = op == OP_READ ? uapi->read : op == OP_WRITE ? uapi->write : uapi->exclusive;

			t0 = now_ns();
			e = dmirror(fd, req, region, buf, npages, &cmd);
			t1 = now_ns();
			if (e)
				die_errno(EXIT_SYSTEM, e, "%s", op_name);
			check_cpages(op_name, &cmd, npages);
			break;
		}
		case OP_SNAPSHOT:
			t0 = now_ns();
			e = dmirror(fd, uapi->snapshot, region, snap, npages, &cmd);
			t1 = now_ns();
			if (e)
				die_errno(EXIT_SYSTEM, e, "%s", "HMM_DMIRROR_SNAPSHOT");
			check_cpages("HMM_DMIRROR_SNAPSHOT", &cmd, npages);
			break;
		case OP_TO_DEV:
			t0 = now_ns();
			e = dmirror(fd, uapi->to_dev, region, buf, npages, &cmd);
			t1 = now_ns();
			if (e)
				die_errno(EXIT_SYSTEM, e, "%s", "HMM_DMIRROR_MIGRATE_TO_DEV");
			check_cpages("HMM_DMIRROR_MIGRATE_TO_DEV", &cmd, npages);
			break;
		case OP_TO_SYS:
			untimed(fd, uapi->to_dev, "HMM_DMIRROR_MIGRATE_TO_DEV", region, buf, npages);
			t0 = now_ns();
			e = dmirror(fd, uapi->to_sys, region, NULL, npages, &back);
			t1 = now_ns();
			if (e)
				die_errno(EXIT_SYSTEM, e, "%s", "HMM_DMIRROR_MIGRATE_TO_SYS");
			check_cpages("HMM_DMIRROR_MIGRATE_TO_SYS", &back, npages);
			break;
		case OP_ROUNDTRIP:
			t0 = now_ns();
			e = dmirror(fd, uapi->to_dev, region, buf, npages, &cmd);
			if (!e)
				e = -dmirror(fd, uapi->to_sys, region, NULL, npages, &back);
			t1 = now_ns();
			if (e > 0)
				die_errno(EXIT_SYSTEM, e, "%s", "HMM_DMIRROR_MIGRATE_TO_DEV");
			if (e < 0)
				die_errno(EXIT_SYSTEM, -e, "%s", "HMM_DMIRROR_MIGRATE_TO_SYS");
			check_cpages("HMM_DMIRROR_MIGRATE_TO_DEV", &cmd, npages);
			check_cpages("HMM_DMIRROR_MIGRATE_TO_SYS", &back, npages);
			break;
		case OP_MOVE_PAGES:
			/* Untimed: every page back on FROM, checked. */
			if ((e = move_all(&mv, mv.from_nodes)))
				die_errno(EXIT_SYSTEM, e, "%s", "move_pages to --from");
			check_statuses(&mv, (int)from, "placing the region on --from");
			t0 = now_ns();
			e = move_all(&mv, mv.to_nodes);
			t1 = now_ns();
			if (e)
				die_errno(EXIT_SYSTEM, e, "%s", "move_pages to --to");
			check_statuses(&mv, (int)to, "move_pages to --to");
			break;
		}
		if (!kept && munmap(region, size))
			die_errno(EXIT_SYSTEM, errno, "munmap of %s", "the region");
		if (r >= warmup)
			samples[r - warmup] = t1 - t0;
	}
	if (fd >= 0)
		close(fd);

	printf("{\"tool\":\"hmm-ref\",\"op\":\"%s\",\"uapi\":\"%s\",\"size\":%llu,"
	       "\"page_size\":%ld,\"device\":%llu,\"warmup\":%llu,\"reps\":%llu,\"cpu\":%lld,"
	       "\"clock\":\"CLOCK_MONOTONIC_RAW\",\"samples_ns\":[",
	       op_name, uapi->name, size, page, device, warmup, reps, cpu);
	for (unsigned long long i = 0; i < reps; i++)
		printf("%s%" PRIu64, i ? "," : "", samples[i]);
	printf("]}\n");
	if (fflush(stdout) || ferror(stdout))
		die_errno(EXIT_SYSTEM, errno, "%s", "writing stdout");
	free(samples);
	if (ptr_mmap)
		munmap(buf, size);
	else
		free(buf);
	if (kept)
		munmap(kept, size);
	free(snap);
	free(mv.pages);
	free(mv.to_nodes);
	free(mv.from_nodes);
	free(mv.status);
	free((void *)pollute);
	if (before)
		munmap(before, before_pages * (uint64_t)page);
	return 0;
}

int main(int argc, char **argv)
{
	const char *op_name = NULL, *uapi_name = "6.1";
	const struct uapi *uapi = NULL;
	unsigned long long size = 2ULL << 20, reps = 20, warmup = 3, device = 0;
	unsigned long long from = 0, to = 1, batch = 512;
	long long cpu = -1;
	long page = sysconf(_SC_PAGESIZE);
	int op = -1, hold_device = 0, serve = 0;
	unsigned long long between_code = 0, between_pages = 0, before_pages = 0;
	int ptr_mmap = 0;
	uint64_t npages;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--size")) {
			size = parse_number(a, v, 1ULL << 46, 1); i++;
		} else if (!strcmp(a, "--reps")) {
			reps = parse_number(a, v, 100000, 0); i++;
		} else if (!strcmp(a, "--warmup")) {
			warmup = parse_number(a, v, 10000, 0); i++;
		} else if (!strcmp(a, "--device")) {
			device = parse_number(a, v, 3, 0); i++;
		} else if (!strcmp(a, "--cpu")) {
			cpu = (long long)parse_number(a, v, CPU_SETSIZE - 1, 0); i++;
		} else if (!strcmp(a, "--from")) {
			from = parse_number(a, v, 1023, 0); i++;
		} else if (!strcmp(a, "--to")) {
			to = parse_number(a, v, 1023, 0); i++;
		} else if (!strcmp(a, "--batch")) {
			batch = parse_number(a, v, 1048576, 0); i++;
		} else if (!strcmp(a, "--between-code")) {
			between_code = parse_number(a, v, 100000, 0); i++;
		} else if (!strcmp(a, "--between-pages")) {
			between_pages = parse_number(a, v, 100000, 0); i++;
		} else if (!strcmp(a, "--before-pages")) {
			before_pages = parse_number(a, v, 1000000, 0); i++;
		} else if (!strcmp(a, "--serve")) {
			serve = 1;
		} else if (!strcmp(a, "--ptr-mmap")) {
			ptr_mmap = 1;
		} else if (!strcmp(a, "--hold-device")) {
			hold_device = 1;
		} else if (!strcmp(a, "--uapi")) {
			if (!v)
				die(EXIT_USAGE, "%s needs a value", a);
			uapi_name = v; i++;
		} else if (a[0] == '-') {
			usage(stderr);
			die(EXIT_USAGE, "unknown option %s", a);
		} else if (!op_name) {
			op_name = a;
		} else {
			die(EXIT_USAGE, "unexpected argument %s", a);
		}
	}
	if (!op_name) {
		usage(stderr);
		die(EXIT_USAGE, "%s", "missing operation (read, write, snapshot, migrate-to-dev, "
		    "migrate-to-sys, roundtrip, exclusive, move-pages)");
	}
	for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (!strcmp(op_names[i], op_name))
			op = (int)i;
	if (op < 0)
		die(EXIT_USAGE, "unknown operation '%s' (read, write, snapshot, migrate-to-dev, "
		    "migrate-to-sys, roundtrip, exclusive, move-pages)", op_name);
	for (size_t i = 0; i < sizeof(uapis) / sizeof(uapis[0]); i++)
		if (!strcmp(uapis[i].name, uapi_name))
			uapi = &uapis[i];
	if (!uapi)
		die(EXIT_USAGE, "unknown --uapi '%s' (5.8, 5.14, 6.0, 6.1 or 6.19)", uapi_name);
	if ((op == OP_TO_SYS || op == OP_ROUNDTRIP) && !uapi->to_sys)
		die(EXIT_USAGE, "uapi %s has no MIGRATE_TO_SYS: needs 6.0 or later", uapi_name);
	if (op == OP_EXCLUSIVE && !uapi->exclusive)
		die(EXIT_USAGE, "uapi %s has no EXCLUSIVE: needs 5.14 or later", uapi_name);
	if (op == OP_MOVE_PAGES && (from == to || batch == 0))
		die(EXIT_USAGE, "%s", "move-pages needs --from and --to to differ and --batch of at least 1");
	if (page <= 0)
		die(EXIT_SYSTEM, "%s", "sysconf(_SC_PAGESIZE) failed");
	if (size == 0 || size % (unsigned long long)page)
		die(EXIT_USAGE, "--size must be a non-zero multiple of the page size (%s)",
		    page == 4096 ? "4096" : "sysconf(_SC_PAGESIZE)");
	if (reps == 0)
		die(EXIT_USAGE, "%s", "--reps must be at least 1");
	npages = size / (unsigned long long)page;

	if (cpu >= 0) {
		cpu_set_t set;
		char text[24];

		CPU_ZERO(&set);
		CPU_SET((int)cpu, &set);
		snprintf(text, sizeof(text), "%lld", cpu);
		/* EINVAL: not a CPU this process may run on. */
		if (sched_setaffinity(0, sizeof(set), &set))
			die_errno(errno == EINVAL ? EXIT_USAGE : EXIT_SYSTEM, errno, "sched_setaffinity to --cpu %s", text);
	}

	{
		struct job j = {
			.op = op, .hold_device = hold_device, .ptr_mmap = ptr_mmap,
			.op_name = op_name, .uapi = uapi, .size = size, .warmup = warmup,
			.device = device, .from = from, .to = to, .batch = batch,
			.between_code = between_code, .between_pages = between_pages,
			.before_pages = before_pages, .cpu = cpu, .page = page, .npages = npages,
		};
		char line[64];

		if (!serve)
			return run_block(&j, reps);
		/*
		 * --serve: one block per line of stdin (its repetition count), its
		 * JSON line on stdout, until end of input. Every block opens,
		 * allocates and maps afresh, as hmmbench's blocks do; only the
		 * process is kept.
		 */
		while (fgets(line, sizeof(line), stdin)) {
			unsigned long long n;
			int rc;

			line[strcspn(line, "\n")] = 0;
			n = parse_number("--serve's block line", line, 100000, 0);
			if (n == 0)
				die(EXIT_USAGE, "%s", "a block needs at least 1 repetition");
			rc = run_block(&j, n);
			if (rc)
				return rc;
		}
		return 0;
	}
}

/*
 * hmm-ref: the smallest program that does the kernel work hmmbench times,
 * so that hmmbench's harness overhead is measured, not assumed.
 *
 *   hmm-ref read      --size BYTES --reps N --warmup W --device N [--uapi G]
 *   hmm-ref roundtrip --size BYTES --reps N --warmup W --device N [--uapi G]
 *
 * Every repetition (warmup ones too) maps a fresh private anonymous region
 * of SIZE bytes (MADV_NOHUGEPAGE) and populates it by writing, untimed.
 * Timed with clock_gettime(CLOCK_MONOTONIC_RAW), nothing else inside:
 *   read       one HMM_DMIRROR_READ of the whole region (hmm_range_fault,
 *              then the driver copies the range into ptr);
 *   roundtrip  HMM_DMIRROR_MIGRATE_TO_DEV (migrate_vma to device memory,
 *              then the driver copies the range back into ptr) followed by
 *              HMM_DMIRROR_MIGRATE_TO_SYS (migrate_vma back; ptr unused).
 * ptr is one SIZE-byte buffer, faulted in once before the first repetition.
 * After timing (untimed) cpages is checked against the page count.
 *
 * Output: one JSON object on stdout, e.g.
 *   {"tool":"hmm-ref","op":"read","uapi":"6.1","size":2097152,
 *    "page_size":4096,"device":0,"warmup":3,"reps":20,
 *    "clock":"CLOCK_MONOTONIC_RAW","samples_ns":[...]}
 * Errors: one line on stderr with the errno name; exit 2 bad usage,
 * 3 missing device or permission, 4 a failed kernel call.
 *
 * Standalone on purpose: its own copy of the test_hmm uapi (the header is
 * not exported to userspace), libc only, no libnuma.
 *   gcc -O2 -Wall -Wextra -static -o hmm-ref hmm-ref.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* ---- test_hmm uapi (lib/test_hmm_uapi.h, Linux 6.1) ---------------- */

struct hmm_dmirror_cmd {
	uint64_t addr;   /* in: start of the mirrored range (page aligned) */
	uint64_t ptr;    /* in: user buffer the driver copies to/from */
	uint64_t npages; /* in: pages in the range */
	uint64_t cpages; /* out: pages processed */
	uint64_t faults; /* out: device faults taken */
};

_Static_assert(sizeof(struct hmm_dmirror_cmd) == 40, "hmm_dmirror_cmd is 40 bytes");
_Static_assert(offsetof(struct hmm_dmirror_cmd, faults) == 32, "faults at 32");

/* 6.1: every request is _IOWR('H', nr, struct hmm_dmirror_cmd). */
#define HMM_DMIRROR_READ           _IOWR('H', 0x00, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_WRITE          _IOWR('H', 0x01, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_DEV _IOWR('H', 0x02, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_SYS _IOWR('H', 0x03, struct hmm_dmirror_cmd)

/*
 * Older generations, for --uapi. READ is 0x00 and migrate-to-device 0x02
 * in every generation; MIGRATE_TO_SYS exists from 6.0 only (0x03 is
 * SNAPSHOT before 6.0, so it must never be sent there).
 */
struct uapi {
	const char *name;
	unsigned long read;
	unsigned long to_dev;
	unsigned long to_sys; /* 0: the generation has no such request */
};

static const struct uapi uapis[] = {
	{ "5.8",  HMM_DMIRROR_READ, HMM_DMIRROR_MIGRATE_TO_DEV, 0 },
	{ "5.14", HMM_DMIRROR_READ, HMM_DMIRROR_MIGRATE_TO_DEV, 0 },
	{ "6.0",  HMM_DMIRROR_READ, HMM_DMIRROR_MIGRATE_TO_DEV, HMM_DMIRROR_MIGRATE_TO_SYS },
	{ "6.1",  HMM_DMIRROR_READ, HMM_DMIRROR_MIGRATE_TO_DEV, HMM_DMIRROR_MIGRATE_TO_SYS },
	{ "6.19", HMM_DMIRROR_READ, HMM_DMIRROR_MIGRATE_TO_DEV, HMM_DMIRROR_MIGRATE_TO_SYS },
};

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
	fputs("usage: hmm-ref read|roundtrip --size BYTES --reps N --warmup W --device N\n"
	      "               [--uapi 5.8|5.14|6.0|6.1|6.19]\n"
	      "\n"
	      "The minimal C counterpart of hmmbench's fault-read and migrate-roundtrip\n"
	      "flows. Each repetition maps a fresh private anonymous region of BYTES\n"
	      "(MADV_NOHUGEPAGE), writes every byte, then times with\n"
	      "CLOCK_MONOTONIC_RAW only:\n"
	      "  read       HMM_DMIRROR_READ of the region into a BYTES buffer\n"
	      "  roundtrip  HMM_DMIRROR_MIGRATE_TO_DEV (the driver copies the range\n"
	      "             back into a BYTES buffer) then HMM_DMIRROR_MIGRATE_TO_SYS\n"
	      "on /dev/hmm_dmirrorN. Prints one JSON object with every sample (ns).\n"
	      "\n"
	      "  --size BYTES  region size, a multiple of the page size; K, M, G\n"
	      "                suffixes are binary (default 2M)\n"
	      "  --reps N      measured repetitions, 1-100000 (default 20)\n"
	      "  --warmup W    repetitions run first and discarded, 0-10000 (default 3)\n"
	      "  --device N    dmirror device 0-3 (default 0)\n"
	      "  --uapi G      test_hmm request table (default 6.1); roundtrip needs\n"
	      "                6.0 or later (MIGRATE_TO_SYS)\n"
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

int main(int argc, char **argv)
{
	const char *op = NULL, *uapi_name = "6.1";
	const struct uapi *uapi = NULL;
	unsigned long long size = 2ULL << 20, reps = 20, warmup = 3, device = 0;
	long page = sysconf(_SC_PAGESIZE);
	char path[64];
	int fd, is_read;
	uint64_t npages, *samples;
	void *buf;

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
		} else if (!strcmp(a, "--uapi")) {
			if (!v)
				die(EXIT_USAGE, "%s needs a value", a);
			uapi_name = v; i++;
		} else if (a[0] == '-') {
			usage(stderr);
			die(EXIT_USAGE, "unknown option %s", a);
		} else if (!op) {
			op = a;
		} else {
			die(EXIT_USAGE, "unexpected argument %s", a);
		}
	}
	if (!op) {
		usage(stderr);
		die(EXIT_USAGE, "%s", "missing operation: read or roundtrip");
	}
	if (strcmp(op, "read") && strcmp(op, "roundtrip"))
		die(EXIT_USAGE, "unknown operation '%s' (read or roundtrip)", op);
	is_read = !strcmp(op, "read");
	for (size_t i = 0; i < sizeof(uapis) / sizeof(uapis[0]); i++)
		if (!strcmp(uapis[i].name, uapi_name))
			uapi = &uapis[i];
	if (!uapi)
		die(EXIT_USAGE, "unknown --uapi '%s' (5.8, 5.14, 6.0, 6.1 or 6.19)", uapi_name);
	if (!is_read && !uapi->to_sys)
		die(EXIT_USAGE, "uapi %s has no MIGRATE_TO_SYS: roundtrip needs 6.0 or later",
		    uapi_name);
	if (page <= 0)
		die(EXIT_SYSTEM, "%s", "sysconf(_SC_PAGESIZE) failed");
	if (size == 0 || size % (unsigned long long)page)
		die(EXIT_USAGE, "--size must be a non-zero multiple of the page size (%s)",
		    page == 4096 ? "4096" : "sysconf(_SC_PAGESIZE)");
	if (reps == 0)
		die(EXIT_USAGE, "%s", "--reps must be at least 1");
	npages = size / (unsigned long long)page;

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

	samples = calloc(reps, sizeof(*samples));
	if (!samples)
		die_errno(EXIT_SYSTEM, ENOMEM, "%s", "sample array");
	/* The driver copies the range into ptr: fault the buffer in once. */
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		die_errno(EXIT_SYSTEM, errno, "mmap of %s", "the ptr buffer");
	memset(buf, 0, size);

	for (unsigned long long r = 0; r < warmup + reps; r++) {
		struct hmm_dmirror_cmd cmd, back;
		void *region = fresh_region(size);
		uint64_t t0, t1;
		int e;

		if (is_read) {
			t0 = now_ns();
			e = dmirror(fd, uapi->read, region, buf, npages, &cmd);
			t1 = now_ns();
			if (e)
				die_errno(EXIT_SYSTEM, e, "%s", "HMM_DMIRROR_READ");
			check_cpages("HMM_DMIRROR_READ", &cmd, npages);
		} else {
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
		}
		if (munmap(region, size))
			die_errno(EXIT_SYSTEM, errno, "munmap of %s", "the region");
		if (r >= warmup)
			samples[r - warmup] = t1 - t0;
	}
	close(fd);

	printf("{\"tool\":\"hmm-ref\",\"op\":\"%s\",\"uapi\":\"%s\",\"size\":%llu,"
	       "\"page_size\":%ld,\"device\":%llu,\"warmup\":%llu,\"reps\":%llu,"
	       "\"clock\":\"CLOCK_MONOTONIC_RAW\",\"samples_ns\":[",
	       op, uapi->name, size, page, device, warmup, reps);
	for (unsigned long long i = 0; i < reps; i++)
		printf("%s%" PRIu64, i ? "," : "", samples[i]);
	printf("]}\n");
	if (fflush(stdout) || ferror(stdout))
		die_errno(EXIT_SYSTEM, errno, "%s", "writing stdout");
	free(samples);
	return 0;
}

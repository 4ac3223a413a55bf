/*
 * CShims: the C side of hmmbench.
 *
 * - The test_hmm uapi (lib/test_hmm_uapi.h is not exported to userspace, so
 *   the project carries its own definitions): the command struct, the
 *   request numbers of every generation, the snapshot byte values.
 * - static-inline wrappers over ioctl, libnuma and a few syscalls. Every
 *   wrapper that can fail returns 0 (or a count) on success and -errno on
 *   failure, so Swift never reads errno after the fact. Calls a signal can
 *   interrupt are retried on EINTR (the Ctrl-C handler also sets
 *   SA_RESTART): an interrupted call is never reported as a failure.
 *
 * Names are prefixed hmmb_ / HMMB_ so nothing collides with libc.
 */
#ifndef HMMBENCH_CSHIMS_H
#define HMMBENCH_CSHIMS_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <numa.h>
#include <numaif.h>

/* ------------------------------------------------------------------ */
/* test_hmm uapi                                                       */
/* ------------------------------------------------------------------ */

/* One command: same layout in every generation (five __u64, 40 bytes). */
struct hmm_dmirror_cmd {
    uint64_t addr;    /* in: start of the mirrored range (page aligned) */
    uint64_t ptr;     /* in: user buffer (data or snapshot bytes) */
    uint64_t npages;  /* in: pages in the range */
    uint64_t cpages;  /* out: pages processed */
    uint64_t faults;  /* out: device faults taken */
};

_Static_assert(sizeof(struct hmm_dmirror_cmd) == 40, "hmm_dmirror_cmd is 40 bytes");
_Static_assert(offsetof(struct hmm_dmirror_cmd, addr) == 0, "addr at 0");
_Static_assert(offsetof(struct hmm_dmirror_cmd, ptr) == 8, "ptr at 8");
_Static_assert(offsetof(struct hmm_dmirror_cmd, npages) == 16, "npages at 16");
_Static_assert(offsetof(struct hmm_dmirror_cmd, cpages) == 24, "cpages at 24");
_Static_assert(offsetof(struct hmm_dmirror_cmd, faults) == 32, "faults at 32");

/* Every request is _IOWR('H', nr, struct hmm_dmirror_cmd). */
#define HMMB_IOC(nr) _IOWR('H', (nr), struct hmm_dmirror_cmd)

static const unsigned long HMMB_IOC_MAGIC = 'H';
static const unsigned long HMMB_CMD_SIZE = sizeof(struct hmm_dmirror_cmd);

/* 5.8 - 5.13 */
static const unsigned long HMMB_5_8_READ      = HMMB_IOC(0x00);
static const unsigned long HMMB_5_8_WRITE     = HMMB_IOC(0x01);
static const unsigned long HMMB_5_8_MIGRATE   = HMMB_IOC(0x02);
static const unsigned long HMMB_5_8_SNAPSHOT  = HMMB_IOC(0x03);

/* 5.14 - 5.19 */
static const unsigned long HMMB_5_14_READ            = HMMB_IOC(0x00);
static const unsigned long HMMB_5_14_WRITE           = HMMB_IOC(0x01);
static const unsigned long HMMB_5_14_MIGRATE         = HMMB_IOC(0x02);
static const unsigned long HMMB_5_14_SNAPSHOT        = HMMB_IOC(0x03);
static const unsigned long HMMB_5_14_EXCLUSIVE       = HMMB_IOC(0x04);
static const unsigned long HMMB_5_14_CHECK_EXCLUSIVE = HMMB_IOC(0x05);

/* 6.0 */
static const unsigned long HMMB_6_0_READ            = HMMB_IOC(0x00);
static const unsigned long HMMB_6_0_WRITE           = HMMB_IOC(0x01);
static const unsigned long HMMB_6_0_MIGRATE_TO_DEV  = HMMB_IOC(0x02);
static const unsigned long HMMB_6_0_MIGRATE_TO_SYS  = HMMB_IOC(0x03);
static const unsigned long HMMB_6_0_SNAPSHOT        = HMMB_IOC(0x04);
static const unsigned long HMMB_6_0_EXCLUSIVE       = HMMB_IOC(0x05);
static const unsigned long HMMB_6_0_CHECK_EXCLUSIVE = HMMB_IOC(0x06);

/* 6.1 - 6.18 (6.12's lib/test_hmm_uapi.h is the same as 6.1's: no FLAGS) */
static const unsigned long HMMB_6_1_READ            = HMMB_IOC(0x00);
static const unsigned long HMMB_6_1_WRITE           = HMMB_IOC(0x01);
static const unsigned long HMMB_6_1_MIGRATE_TO_DEV  = HMMB_IOC(0x02);
static const unsigned long HMMB_6_1_MIGRATE_TO_SYS  = HMMB_IOC(0x03);
static const unsigned long HMMB_6_1_SNAPSHOT        = HMMB_IOC(0x04);
static const unsigned long HMMB_6_1_EXCLUSIVE       = HMMB_IOC(0x05);
static const unsigned long HMMB_6_1_CHECK_EXCLUSIVE = HMMB_IOC(0x06);
static const unsigned long HMMB_6_1_RELEASE         = HMMB_IOC(0x07);

/* 6.19 and later: FLAGS (value in npages; bit 0 FAIL_ALLOC, one-shot)
 * arrived with the device-private THP series. */
static const unsigned long HMMB_6_19_READ            = HMMB_IOC(0x00);
static const unsigned long HMMB_6_19_WRITE           = HMMB_IOC(0x01);
static const unsigned long HMMB_6_19_MIGRATE_TO_DEV  = HMMB_IOC(0x02);
static const unsigned long HMMB_6_19_MIGRATE_TO_SYS  = HMMB_IOC(0x03);
static const unsigned long HMMB_6_19_SNAPSHOT        = HMMB_IOC(0x04);
static const unsigned long HMMB_6_19_EXCLUSIVE       = HMMB_IOC(0x05);
static const unsigned long HMMB_6_19_CHECK_EXCLUSIVE = HMMB_IOC(0x06);
static const unsigned long HMMB_6_19_RELEASE         = HMMB_IOC(0x07);
static const unsigned long HMMB_6_19_FLAGS           = HMMB_IOC(0x08);

/* Snapshot bytes, one per page; they combine (0x22 = writable, local private). */
static const uint8_t HMMB_SNAP_ERROR              = 0xFF;
static const uint8_t HMMB_SNAP_NONE               = 0x00;
static const uint8_t HMMB_SNAP_READ               = 0x01;
static const uint8_t HMMB_SNAP_WRITE              = 0x02;
static const uint8_t HMMB_SNAP_PMD                = 0x04;
static const uint8_t HMMB_SNAP_PUD                = 0x08;
static const uint8_t HMMB_SNAP_ZERO               = 0x10;
static const uint8_t HMMB_SNAP_DEV_PRIVATE_LOCAL  = 0x20;
static const uint8_t HMMB_SNAP_DEV_PRIVATE_REMOTE = 0x30;
static const uint8_t HMMB_SNAP_DEV_COHERENT_LOCAL = 0x40;
static const uint8_t HMMB_SNAP_DEV_COHERENT_REMOTE = 0x50;

/* Evaluates `call` (a syscall returning < 0 with errno on failure) again
 * while it fails with EINTR; the result is the last return value. */
#define HMMB_RETRY_EINTR(call)                                  \
    __extension__({                                             \
        __typeof__(call) hmmb_r_;                               \
        do {                                                    \
            hmmb_r_ = (call);                                   \
        } while (hmmb_r_ < 0 && errno == EINTR);                \
        hmmb_r_;                                                \
    })

/* Issue one dmirror request. Returns 0, or -errno (never -EINTR). */
static inline int hmmb_dmirror_ioctl(int fd, unsigned long request,
                                     struct hmm_dmirror_cmd *cmd)
{
    return HMMB_RETRY_EINTR(ioctl(fd, request, cmd)) < 0 ? -errno : 0;
}

/* Open a device node read-write, close-on-exec. Returns fd, or -errno. */
static inline int hmmb_open_rw(const char *path)
{
    int fd = HMMB_RETRY_EINTR(open(path, O_RDWR | O_CLOEXEC));
    return fd < 0 ? -errno : fd;
}

/* A device node checked without opening it (opening /dev/hmm_dmirrorN
 * registers an mmu notifier on the caller's mm for the rest of its life).
 * Returns 0 with the node's major in *major (-1: not a character device),
 * or -errno: of stat, or EACCES when this process may not read and write
 * it. */
static inline int hmmb_check_node(const char *path, long *major)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -errno;
    if (access(path, R_OK | W_OK) != 0)
        return -errno;
    *major = S_ISCHR(st.st_mode) ? (long)major(st.st_rdev) : -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* libnuma                                                             */
/* ------------------------------------------------------------------ */

static const int HMMB_MPOL_DEFAULT   = MPOL_DEFAULT;
static const int HMMB_MPOL_PREFERRED = MPOL_PREFERRED;
static const int HMMB_MPOL_BIND      = MPOL_BIND;
static const int HMMB_MPOL_INTERLEAVE = MPOL_INTERLEAVE;
static const unsigned HMMB_MPOL_MF_STRICT   = MPOL_MF_STRICT;
static const unsigned HMMB_MPOL_MF_MOVE     = MPOL_MF_MOVE;
static const unsigned HMMB_MPOL_MF_MOVE_ALL = MPOL_MF_MOVE_ALL;
static const int HMMB_MPOL_F_NODE = MPOL_F_NODE;
static const int HMMB_MPOL_F_ADDR = MPOL_F_ADDR;
static const int HMMB_MPOL_MF_MOVE_FLAG = MPOL_MF_MOVE; /* move_pages flags */

/* -1 when the kernel has no NUMA support, else 0. */
static inline int hmmb_numa_available(void) { return numa_available(); }
static inline int hmmb_numa_max_node(void) { return numa_max_node(); }
/* Node of a CPU, or -errno. */
static inline int hmmb_numa_node_of_cpu(int cpu)
{
    int n = numa_node_of_cpu(cpu);
    return n < 0 ? -errno : n;
}

/* move_pages(2): nodes may be NULL to query. Returns 0 or the number of
 * pages not moved (>= 0), or -errno. status[i] is a node or -errno. */
static inline long hmmb_move_pages(int pid, unsigned long count, void **pages,
                                   const int *nodes, int *status, int flags)
{
    long r = HMMB_RETRY_EINTR(move_pages(pid, count, pages, nodes, status, flags));
    return r < 0 ? -errno : r;
}

/* mbind(2) over [addr, addr+len). Returns 0 or -errno. */
static inline int hmmb_mbind(void *addr, unsigned long len, int mode,
                             const unsigned long *nodemask,
                             unsigned long maxnode, unsigned flags)
{
    return HMMB_RETRY_EINTR(mbind(addr, len, mode, nodemask, maxnode, flags)) < 0 ? -errno : 0;
}

/* migrate_pages(2) for a whole process. Returns pages not moved, or -errno. */
static inline long hmmb_migrate_pages(int pid, unsigned long maxnode,
                                      const unsigned long *old_nodes,
                                      const unsigned long *new_nodes)
{
    long r = HMMB_RETRY_EINTR(migrate_pages(pid, maxnode, old_nodes, new_nodes));
    return r < 0 ? -errno : r;
}

/* set_mempolicy(2) for the calling thread. Returns 0 or -errno. */
static inline int hmmb_set_mempolicy(int mode, const unsigned long *nodemask,
                                     unsigned long maxnode)
{
    return set_mempolicy(mode, nodemask, maxnode) < 0 ? -errno : 0;
}

/* get_mempolicy(2). Returns 0 or -errno. */
static inline int hmmb_get_mempolicy(int *mode, unsigned long *nodemask,
                                     unsigned long maxnode, void *addr,
                                     unsigned long flags)
{
    return get_mempolicy(mode, nodemask, maxnode, addr, flags) < 0 ? -errno : 0;
}

/* ------------------------------------------------------------------ */
/* memory, affinity, clock                                             */
/* ------------------------------------------------------------------ */

static const int HMMB_PROT_NONE  = PROT_NONE;
static const int HMMB_PROT_READ  = PROT_READ;
static const int HMMB_PROT_WRITE = PROT_WRITE;
static const int HMMB_MAP_PRIVATE   = MAP_PRIVATE;
static const int HMMB_MAP_SHARED    = MAP_SHARED;
static const int HMMB_MAP_ANONYMOUS = MAP_ANONYMOUS;
static const int HMMB_MAP_HUGETLB   = MAP_HUGETLB;
static const int HMMB_MAP_FIXED     = MAP_FIXED;
static const int HMMB_MAP_NORESERVE = MAP_NORESERVE;
static const int HMMB_MAP_POPULATE  = MAP_POPULATE;
static const int HMMB_MADV_HUGEPAGE   = MADV_HUGEPAGE;
static const int HMMB_MADV_NOHUGEPAGE = MADV_NOHUGEPAGE;
static const int HMMB_MADV_DONTNEED   = MADV_DONTNEED;

/* mmap(2). Stores the mapping in *out and returns 0, or returns -errno. */
static inline int hmmb_mmap(void *hint, size_t len, int prot, int flags, int fd,
                            off_t off, void **out)
{
    void *p = mmap(hint, len, prot, flags, fd, off);
    if (p == MAP_FAILED)
        return -errno;
    *out = p;
    return 0;
}

static inline int hmmb_munmap(void *addr, size_t len)
{
    return munmap(addr, len) < 0 ? -errno : 0;
}

static inline int hmmb_mprotect(void *addr, size_t len, int prot)
{
    return mprotect(addr, len, prot) < 0 ? -errno : 0;
}

static inline int hmmb_madvise(void *addr, size_t len, int advice)
{
    /* MADV_POPULATE_* can stop with EINTR on a signal. */
    return HMMB_RETRY_EINTR(madvise(addr, len, advice)) < 0 ? -errno : 0;
}

/* memfd_create(2) (tmpfs-backed file). Returns fd, or -errno. */
static inline int hmmb_memfd_create(const char *name)
{
    int fd = (int)syscall(SYS_memfd_create, name, 1U /* MFD_CLOEXEC */);
    return fd < 0 ? -errno : fd;
}

static inline int hmmb_ftruncate(int fd, off_t len)
{
    return HMMB_RETRY_EINTR(ftruncate(fd, len)) < 0 ? -errno : 0;
}

/* Affinity (out of line in shims.c: cpu_set_t needs _GNU_SOURCE, which
 * must not leak into the header Swift imports). */
/* Pin the calling thread to one CPU. Returns 0 or -errno. */
int hmmb_pin_to_cpu(int cpu);
/* CPU the calling thread runs on, or -errno. */
int hmmb_current_cpu(void);
/* Number of CPUs in the calling thread's affinity mask, or -errno. */
int hmmb_allowed_cpu_count(void);
/* Whether a CPU is in the calling thread's affinity mask (1/0), or -errno. */
int hmmb_cpu_allowed(int cpu);
/* The calling thread's mask into/from `size` opaque bytes (at least
 * hmmb_affinity_size()), to put it back after pinning. 0 or -errno. */
size_t hmmb_affinity_size(void);
int hmmb_get_affinity(void *mask, size_t size);
int hmmb_set_affinity(const void *mask, size_t size);

/* The real driver's timed window (out of line in shims.c, one small
 * function: nothing but the calls between the clock reads). Issues
 * cmds[i] with requests[i] for i < n, stopping at the first failure.
 * Returns 0, or -errno with *failed = its index; *ns = the window. */
int hmmb_dmirror_timed(int fd, const unsigned long *requests,
                       struct hmm_dmirror_cmd *cmds, int n,
                       uint64_t *ns, int *failed);
/* `reps` calls of one command, each timed into ns[i], in one C loop (see
 * shims.c); stops early on the interrupt flag. Returns the calls timed, or
 * -errno of a failed call with *done = the calls timed before it. */
int hmmb_dmirror_timed_loop(int fd, unsigned long request,
                            const struct hmm_dmirror_cmd *tmpl,
                            struct hmm_dmirror_cmd *cmd, int reps,
                            uint64_t *ns, int *done);

/* Monotonic raw clock in nanoseconds: immune to NTP slewing. */
static inline uint64_t hmmb_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Compiler barrier so the optimiser keeps touches inside the timed window. */
static inline void hmmb_compiler_barrier(void) { __asm__ __volatile__("" ::: "memory"); }

/* Touch one byte per page so the CPU faults every page of the range. */
static inline uint64_t hmmb_touch_read(const void *base, size_t pages, size_t page_size)
{
    const volatile uint8_t *p = (const volatile uint8_t *)base;
    uint64_t sum = 0;
    for (size_t i = 0; i < pages; i++)
        sum += p[i * page_size];
    return sum;
}

static inline void hmmb_touch_write(void *base, size_t pages, size_t page_size, uint8_t value)
{
    volatile uint8_t *p = (volatile uint8_t *)base;
    for (size_t i = 0; i < pages; i++)
        p[i * page_size] = value;
}

/* A flag shared with reader threads. */
static inline int hmmb_atomic_load(const int *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void hmmb_atomic_store(int *p, int v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

#include "CShimsSignals.h"

#endif /* HMMBENCH_CSHIMS_H */

/*
 * Out-of-line pieces of CShims: CPU affinity (needs _GNU_SOURCE) and the
 * interrupt flag. Everything else is static inline in include/CShims.h.
 */
#define _GNU_SOURCE 1
#include <sched.h>
#include "CShims.h"
#include "CShimsSignals.h"

#include <pthread.h>
#include <signal.h>

/*
 * Ctrl-C (or SIGTERM) once: set a flag the engine polls between
 * repetitions, so the current repetition finishes and is kept. Twice: the
 * user insists; remove the temporary file a write may have left and exit
 * 130 at once (the result file on disk is whole: it is only ever replaced
 * by rename). Only async-signal-safe calls here: write, unlink, _exit.
 */
static volatile sig_atomic_t hmmb_interrupt_count;
/* The temporary file being written (AtomicWriter), valid when set. */
static char hmmb_pending_path[4096];
static volatile sig_atomic_t hmmb_pending_set;

static void hmmb_say(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

static void hmmb_on_interrupt(int sig)
{
    static const char first[] =
        "\nhmmbench: interrupted: stopping after the current repetition (again to stop at once)\n";
    static const char again[] = "\nhmmbench: interrupted again: stopping at once\n";
    int saved = errno;
    (void)sig;
    if (hmmb_interrupt_count > 0) {
        if (hmmb_pending_set)
            unlink(hmmb_pending_path);
        hmmb_say(again, sizeof(again) - 1);
        _exit(130);
    }
    hmmb_interrupt_count = 1;
    hmmb_say(first, sizeof(first) - 1);
    errno = saved;
}

/* Installs `handler` for SIGINT and SIGTERM and unblocks both. */
static int hmmb_install_signal_handler(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    /* Slow calls (write, fsync, a driver ioctl) resume after the handler
     * instead of failing with EINTR: Ctrl-C must not become a failure. */
    sa.sa_flags = SA_RESTART;
    /* A second signal waits until the first handler has returned. */
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
        return -errno;
    /* A parent may have left the signals blocked in the mask we inherit
     * (test runners, some job launchers): Ctrl-C must still reach us. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (pthread_sigmask(SIG_UNBLOCK, &set, NULL) != 0)
        return -EINVAL;
    return 0;
}

int hmmb_install_interrupt_handler(void)
{
    return hmmb_install_signal_handler(hmmb_on_interrupt);
}

/*
 * For commands that do not poll the flag (report, compare, plot,
 * conformance, ...): the first signal ends the process, but never before
 * removing the temporary file a write may be filling, and with exit 130
 * like run.
 */
static void hmmb_on_exit_signal(int sig)
{
    static const char msg[] = "\nhmmbench: interrupted\n";
    (void)sig;
    if (hmmb_pending_set)
        unlink(hmmb_pending_path);
    hmmb_say(msg, sizeof(msg) - 1);
    _exit(130);
}

int hmmb_install_exit_handler(void)
{
    return hmmb_install_signal_handler(hmmb_on_exit_signal);
}

int hmmb_interrupted(void)
{
    return hmmb_interrupt_count > 0;
}

void hmmb_reset_interrupt(void)
{
    hmmb_interrupt_count = 0;
}

int hmmb_set_pending_file(const char *path)
{
    size_t n = strlen(path);
    hmmb_pending_set = 0;
    if (n >= sizeof(hmmb_pending_path))
        return -ENAMETOOLONG;
    memcpy(hmmb_pending_path, path, n + 1);
    hmmb_pending_set = 1;
    return 0;
}

void hmmb_clear_pending_file(void)
{
    hmmb_pending_set = 0;
}

int hmmb_pin_to_cpu(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof(set), &set) < 0 ? -errno : 0;
}

size_t hmmb_affinity_size(void)
{
    return sizeof(cpu_set_t);
}

int hmmb_get_affinity(void *mask, size_t size)
{
    return sched_getaffinity(0, size, (cpu_set_t *)mask) < 0 ? -errno : 0;
}

int hmmb_set_affinity(const void *mask, size_t size)
{
    return sched_setaffinity(0, size, (const cpu_set_t *)mask) < 0 ? -errno : 0;
}

int hmmb_current_cpu(void)
{
    int c = sched_getcpu();
    return c < 0 ? -errno : c;
}

int hmmb_allowed_cpu_count(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) < 0)
        return -errno;
    return CPU_COUNT(&set);
}

int hmmb_cpu_allowed(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (cpu < 0 || cpu >= CPU_SETSIZE)
        return 0;
    if (sched_getaffinity(0, sizeof(set), &set) < 0)
        return -errno;
    return CPU_ISSET(cpu, &set) ? 1 : 0;
}

/*
 * The timed window of the mirror flows on the real driver: `n` dmirror
 * commands issued back to back (requests[i] with cmds[i]) between two
 * CLOCK_MONOTONIC_RAW reads, in one small C function, so that between the
 * reads there is nothing but the ioctls, as in a C loop (bench/reference/
 * hmm-ref.c). MirrorCallWindow lays out `requests` and `cmds` once.
 * Stops at the first failing call: returns its -errno and sets *failed to
 * its index (else 0, *failed = -1). *ns: the window, stopped at once.
 */
int hmmb_dmirror_timed(int fd, const unsigned long *requests,
                       struct hmm_dmirror_cmd *cmds, int n,
                       uint64_t *ns, int *failed)
{
    int r = 0;

    *failed = -1;
    uint64_t t0 = hmmb_now_ns();
    for (int i = 0; i < n; i++) {
        if (HMMB_RETRY_EINTR(ioctl(fd, requests[i], &cmds[i])) < 0) {
            r = -errno;
            *failed = i;
            break;
        }
    }
    *ns = hmmb_now_ns() - t0;
    return r;
}

/*
 * Repetitions of one dmirror command timed in one C loop, for a flow whose
 * repetitions need nothing between them (the same call on a mapping kept
 * across repetitions: snapshot): each call between its own two clock
 * reads, ns[i] its window, and between two calls only this loop, as in
 * hmm-ref's. *cmd is reset from *tmpl before every call and holds the last
 * call's reply after. Before each call the interrupt flag is checked: a
 * Ctrl-C ends the loop with the calls made so far. Returns the number of
 * calls timed (into ns), or -errno of a failed call, *done then the number
 * timed before it.
 */
int hmmb_dmirror_timed_loop(int fd, unsigned long request,
                            const struct hmm_dmirror_cmd *tmpl,
                            struct hmm_dmirror_cmd *cmd, int reps,
                            uint64_t *ns, int *done)
{
    int i;

    for (i = 0; i < reps; i++) {
        if (hmmb_interrupt_count > 0)
            break;
        *cmd = *tmpl;
        uint64_t t0 = hmmb_now_ns();
        int r = HMMB_RETRY_EINTR(ioctl(fd, request, cmd));
        uint64_t t1 = hmmb_now_ns();
        if (r < 0) {
            *done = i;
            return -errno;
        }
        ns[i] = t1 - t0;
    }
    *done = i;
    return i;
}

long hmmb_write_nosigpipe(int fd, const void *buf, unsigned long count)
{
    sigset_t pipe_set, old, pending;
    const struct timespec zero = { 0, 0 };
    int was_pending, e;
    ssize_t r;

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigpending(&pending);
    was_pending = sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    r = write(fd, buf, count);
    e = errno;
    if (r < 0 && e == EPIPE && !was_pending) {
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = e;
    return (long)r;
}

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

static volatile sig_atomic_t hmmb_interrupt_count;

static void hmmb_on_interrupt(int sig)
{
    (void)sig;
    hmmb_interrupt_count++;
    /* A second Ctrl-C falls back to the default action: the user insists. */
    if (hmmb_interrupt_count > 1) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
    }
}

int hmmb_install_interrupt_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = hmmb_on_interrupt;
    sigemptyset(&sa.sa_mask);
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

int hmmb_interrupted(void)
{
    return hmmb_interrupt_count > 0;
}

void hmmb_reset_interrupt(void)
{
    hmmb_interrupt_count = 0;
}

int hmmb_pin_to_cpu(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof(set), &set) < 0 ? -errno : 0;
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

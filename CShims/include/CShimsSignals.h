/* Ctrl-C / SIGTERM: a flag the engine polls between repetitions, so a run
 * stops cleanly and keeps what it completed. */
#ifndef HMMBENCH_CSHIMS_SIGNALS_H
#define HMMBENCH_CSHIMS_SIGNALS_H

/* Install SIGINT/SIGTERM handlers. Returns 0 or -errno. */
int hmmb_install_interrupt_handler(void);
/* 1 once SIGINT or SIGTERM has arrived, else 0. */
int hmmb_interrupted(void);
/* Clear the flag (tests). */
void hmmb_reset_interrupt(void);

#endif

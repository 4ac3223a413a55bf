/* Ctrl-C / SIGTERM: a flag the engine polls between repetitions, so a run
 * stops cleanly and keeps what it completed; a second one exits 130 at once.
 * The handler is installed with SA_RESTART. */
#ifndef HMMBENCH_CSHIMS_SIGNALS_H
#define HMMBENCH_CSHIMS_SIGNALS_H

/* Install SIGINT/SIGTERM handlers. Returns 0 or -errno. */
int hmmb_install_interrupt_handler(void);
/* For commands that do not poll: the first SIGINT/SIGTERM removes the
 * pending temporary file and exits 130. Returns 0 or -errno. */
int hmmb_install_exit_handler(void);
/* 1 once SIGINT or SIGTERM has arrived, else 0. */
int hmmb_interrupted(void);
/* Clear the flag (tests). */
void hmmb_reset_interrupt(void);
/* The temporary file a write is filling: a second signal removes it before
 * exiting. Returns 0, or -ENAMETOOLONG (then nothing is registered). */
int hmmb_set_pending_file(const char *path);
/* The write finished (renamed or removed): nothing to clean up. */
void hmmb_clear_pending_file(void);
/* write(2) to a pipe whose reader may be gone: EPIPE comes back as -1 with
 * errno EPIPE instead of a SIGPIPE that would end the process (the signal
 * is blocked around the call and a SIGPIPE it raised is consumed). */
long hmmb_write_nosigpipe(int fd, const void *buf, unsigned long count);

#endif

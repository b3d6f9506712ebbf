/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process.h - the rights and namespaces a process of a sandbox runs with:
 * capabilities, entering a sandbox's namespaces, exec of its command.
 * Used by the sandbox's own child (child.c) and by nsrun exec (ps.c).
 */
#ifndef NSRUN_PROCESS_H
#define NSRUN_PROCESS_H

#include <stdint.h>
#include <sys/types.h>

int proc_have_cap(int cap);
void proc_limit_caps(uint64_t set);
void proc_apply_caps(uint64_t set);
int proc_open_ns(pid_t pid, const char *ns);
int proc_enter_ns(pid_t pid, const char *ns, int type);
void proc_exec(char **argv) __attribute__((noreturn));
void proc_forward_signals(pid_t pid);
int proc_wait(pid_t pid, int reap_all);
int proc_wait_every(pid_t pid, int reap_all, unsigned int ms,
		    void (*cb)(void *data), void *data);

#endif /* NSRUN_PROCESS_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ps.h - the sub-commands that read the running sandboxes' records:
 * `nsrun ps [--json]` and `nsrun exec NAME CMD...`.
 */
#ifndef NSRUN_PS_H
#define NSRUN_PS_H

int cmd_ps(int argc, char **argv);
int cmd_exec(int argc, char **argv) __attribute__((noreturn));

#endif /* NSRUN_PS_H */

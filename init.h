/* SPDX-License-Identifier: GPL-2.0-or-later */
/* init.h - the first process of a sandbox's PID namespace. */
#ifndef NSRUN_INIT_H
#define NSRUN_INIT_H

#include "options.h"

void init_run(const struct options *o, void (*start)(const struct options *o))
	__attribute__((noreturn));

#endif /* NSRUN_INIT_H */

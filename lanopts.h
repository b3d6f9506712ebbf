/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lanopts.h - the options a sandbox on the LAN allows. */
#ifndef NSRUN_LANOPTS_H
#define NSRUN_LANOPTS_H

#include "options.h"

void lan_check_options(struct options *o);
void lan_check_caps(struct options *o);

#endif /* NSRUN_LANOPTS_H */

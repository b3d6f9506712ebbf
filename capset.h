/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capset.h - capability names and the set a sandbox's command gets: pure
 * code, unit-tested and fuzzed.
 */
#ifndef NSRUN_CAPSET_H
#define NSRUN_CAPSET_H

#include <stdint.h>

/* Capabilities known here: CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40). */
#define CAPSET_COUNT 41
#define CAPSET_ALL ((UINT64_C(1) << CAPSET_COUNT) - 1)

uint64_t capset_default(void);
int capset_parse(const char *name, uint64_t *mask, const char **why);
const char *capset_name(int cap);
int capset_format(uint64_t set, char *buf, unsigned long size);

#endif /* NSRUN_CAPSET_H */

// SPDX-License-Identifier: GPL-2.0-or-later
/* capset.c - capability names (with or without CAP_, any case, or ALL)
 * and the default set of a sandbox's root command: docker's.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "capset.h"

/* include/uapi/linux/capability.h, in number order. */
static const char *const names[CAPSET_COUNT] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID",
	"KILL", "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE",
	"NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
	"IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT",
	"SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
	"SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE",
	"AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE",
	"MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ",
	"PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

#define BIT(n) (UINT64_C(1) << (n))

/**
 * capset_default() - the capabilities a root command gets by default
 *
 * Docker's default set (moby's oci/caps/defaults.go): CHOWN,
 * DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP,
 * NET_BIND_SERVICE, NET_RAW, SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP.
 *
 * Return: the set, bit N for capability N.
 */
uint64_t capset_default(void)
{
	return BIT(0) | BIT(1) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) |
	       BIT(8) | BIT(10) | BIT(13) | BIT(18) | BIT(27) | BIT(29) |
	       BIT(31);
}

/**
 * capset_parse() - a capability name as --cap-add and --cap-drop take it
 * @name:	"NET_ADMIN", "cap_net_admin", "ALL", ...
 * @mask:	set to the capabilities it names
 * @why:	set to the reason on failure
 *
 * Return: 0 or -1.
 */
int capset_parse(const char *name, uint64_t *mask, const char **why)
{
	int i;

	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	if (!strcasecmp(name, "ALL")) {
		*mask = CAPSET_ALL;
		return 0;
	}
	for (i = 0; i < CAPSET_COUNT; i++) {
		if (!strcasecmp(name, names[i])) {
			*mask = BIT(i);
			return 0;
		}
	}
	*why = "not a capability name (see capabilities(7))";
	return -1;
}

/**
 * capset_name() - the name of a capability, without CAP_
 * @cap:	its number
 *
 * Return: the name, or "?" for a number not known here.
 */
const char *capset_name(int cap)
{
	return cap >= 0 && cap < CAPSET_COUNT ? names[cap] : "?";
}

/**
 * capset_format() - a set as "CHOWN,KILL,...", for messages and tests
 * @set:	the set
 * @buf:	filled with the names, "" for none
 * @size:	bytes in @buf
 *
 * Return: 0, or -1 when @buf is too short (it then holds a prefix).
 */
int capset_format(uint64_t set, char *buf, unsigned long size)
{
	unsigned long len = 0;
	int i, n;

	if (!size)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < CAPSET_COUNT; i++) {
		if (!(set & BIT(i)))
			continue;
		n = snprintf(buf + len, size - len, "%s%s", len ? "," : "",
			     names[i]);
		if (n < 0 || (unsigned long)n >= size - len)
			return -1;
		len += (unsigned long)n;
	}
	return 0;
}

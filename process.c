// SPDX-License-Identifier: GPL-2.0-or-later
/* process.c - capabilities, a sandbox's namespaces and the exec of its
 * command, shared by the sandbox's child and by nsrun exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "process.h"

/* glibc has no capget()/capset() wrappers, hence the syscalls. */
static int cap_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capget, &hdr, data) ? -errno : 0;
}

static int cap_set(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/**
 * proc_have_cap() - whether this process has a capability in effect
 * @cap:	CAP_*
 *
 * Return: 1 or 0.
 */
int proc_have_cap(int cap)
{
	struct __user_cap_data_struct data[2];

	if (cap_get(data))
		return 0;
	return !!(data[cap / 32].effective & (1u << (cap % 32)));
}

/**
 * proc_drop_net_admin() - drop CAP_NET_ADMIN for good, or exit 125
 *
 * The command must not undo its sandbox: without CAP_NET_ADMIN it cannot
 * change its addresses, routes or firewall. Dropping it from the bounding
 * set keeps it out of what any later exec (even of a setuid binary) can
 * gain; dropping it from the inheritable set keeps root's exec from
 * getting it back.
 */
void proc_drop_net_admin(void)
{
	struct __user_cap_data_struct data[2];
	const unsigned int bit = 1u << (CAP_NET_ADMIN % 32);
	int i = CAP_NET_ADMIN / 32, err;

	if (prctl(PR_CAPBSET_DROP, CAP_NET_ADMIN, 0, 0, 0))
		die_err(-errno, "dropping CAP_NET_ADMIN");
	err = cap_get(data);
	if (err)
		die_err(err, "reading capabilities");
	data[i].effective &= ~bit;
	data[i].permitted &= ~bit;
	data[i].inheritable &= ~bit;
	err = cap_set(data);
	if (err)
		die_err(err, "dropping CAP_NET_ADMIN");
}

/**
 * proc_open_ns() - open one of a process's namespaces
 * @pid:	the process
 * @ns:		"net", "mnt", "uts", ...
 *
 * Return: a close-on-exec descriptor, or -errno (-ENOENT once the
 * process is gone).
 */
int proc_open_ns(pid_t pid, const char *ns)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/**
 * proc_enter_ns() - move this process into one of another's namespaces
 * @pid:	the process
 * @ns:		"net", "mnt", "uts", ...
 * @type:	the matching CLONE_NEW* flag
 *
 * Return: 0 or -errno.
 */
int proc_enter_ns(pid_t pid, const char *ns, int type)
{
	int fd = proc_open_ns(pid, ns), err = 0;

	if (fd < 0)
		return fd;
	if (setns(fd, type))
		err = -errno;
	close(fd);
	return err;
}

/**
 * proc_exec() - exec @argv, or print why not and exit 126 or 127
 * @argv:	command and arguments; searched in PATH
 */
void proc_exec(char **argv)
{
	int err;

	execvp(argv[0], argv);
	err = errno;
	log_line("%s: %s", argv[0], strerror(err));
	_exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN);
}

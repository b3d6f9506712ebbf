// SPDX-License-Identifier: GPL-2.0-or-later
/* sysctl.c - read and set /proc/sys values of the current network namespace.
 *
 * net.* sysctls are per network namespace: the file under /proc/sys is the
 * one of the namespace of the process that opens it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "netsetup.h"

/* Reads until end of file or @size bytes: returns the count or -errno. */
static ssize_t read_full(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while (n < size) {
		r = read(fd, buf + n, size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	return (ssize_t)n;
}

/* Reads the whole file into @buf; -EOVERFLOW when it does not fit. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	char more;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read_full(fd, buf, size);
	if (n == (ssize_t)size && read_full(fd, &more, 1) != 0)
		n = -EOVERFLOW;
	close(fd);
	return n;
}

/**
 * sysctl_read() - read a sysctl value
 * @path:	file under /proc/sys, e.g. "/proc/sys/net/ipv4/ip_forward"
 * @buf:	receives the value as a string, trailing newline stripped
 * @size:	size of @buf
 *
 * Return: the length of the value, or -EOVERFLOW when it does not fit in
 * @buf, or the -errno of opening or reading @path.
 */
int sysctl_read(const char *path, char *buf, size_t size)
{
	ssize_t n;

	if (!size)
		return -EINVAL;
	n = read_file(path, buf, size);
	if (n < 0)
		return (int)n;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if ((size_t)n == size)
		return -EOVERFLOW;	/* no room for the terminator */
	buf[n] = '\0';
	return (int)n;
}

/* Writes @value in one write(): a sysctl parses each write on its own. */
static int write_value(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t w;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		w = write(fd, value, len);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		err = -errno;
	else if ((size_t)w != len)
		err = -EIO;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

/**
 * sysctl_ensure() - make a sysctl have a value, writing only when needed
 * @path:	file under /proc/sys
 * @value:	wanted value as the kernel prints it, without newline
 *		(e.g. "1"); compared as a string
 *
 * Reading comes first because it is cheaper than writing and works where
 * writing does not (a read-only /proc/sys in a container, no privilege):
 * a value that is already right is not an error there.
 *
 * Return: 0 when the value is (now) @value, or -errno.
 */
int sysctl_ensure(const char *path, const char *value)
{
	char cur[256];
	int n;

	n = sysctl_read(path, cur, sizeof(cur));
	if (n < 0 && n != -EOVERFLOW)
		return n;
	if (n >= 0 && strcmp(cur, value) == 0)
		return 0;
	return write_value(path, value);
}

/**
 * sysctl_set() - make a sysctl have a value, writing first
 * @path:	file under /proc/sys
 * @value:	wanted value, as for sysctl_ensure()
 *
 * For a value that is almost never there yet (a new interface's, a new
 * namespace's): one open instead of two. Each open walks /proc/sys, and
 * the walk grows with the number of network namespaces (every one has
 * its own "net", "ipv4", "eth0", ... entries, compared one by one). A
 * write that is refused (a read-only /proc/sys) still succeeds when the
 * value is right.
 *
 * Return: 0 when the value is (now) @value, or -errno.
 */
int sysctl_set(const char *path, const char *value)
{
	int err = write_value(path, value);

	if (err == -EROFS || err == -EACCES || err == -EPERM)
		return sysctl_ensure(path, value) ? err : 0;
	return err;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* relaytest.c - the relay (relay.c, waitloop.c) and its peers, for
 * tests/integration/test_relay.sh and bench/relay.sh. Run it only in
 * throwaway namespaces.
 *
 *   relaytest relay STATE MAXCONN LPORT,ADDR,PORT...
 *	listen on [::1]:LPORT (IPV6_V6ONLY) and relay to ADDR:PORT, in
 *	waitloop_run() with a child that waits for a signal; the child's
 *	pid and the relay's counters and memory go to STATE every 100 ms;
 *	prints "exit STATUS" and the counters when the child has ended
 *   relaytest serve PORT LOG
 *	on [::]:PORT (both families): echo every byte XORed with 0x5a until
 *	EOF, then close; a connection whose first byte is 'R' is reset at
 *	once; each end is logged to LOG: "eof", "reset" or "rst-sent"
 *
 * The clients are in relayclient.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "relay.h"
#include "tests/tools/relaytest.h"
#include "waitloop.h"

#define MAX_SERVE 4096
#define SERVE_BUF 16384

struct tick_state {
	const char *path;
	struct relay *r;
	pid_t child;
	unsigned int ticks;
};

void raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* VmHWM and VmRSS of this process, in KiB. */
static void memory(long *hwm, long *rss)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");

	*hwm = *rss = -1;
	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "VmHWM: %ld", hwm);
		sscanf(line, "VmRSS: %ld", rss);
	}
	if (f)
		fclose(f);
}

static void report(FILE *f, struct tick_state *t)
{
	const struct relay_stats *s = &t->r->stats;
	long hwm, rss;

	memory(&hwm, &rss);
	fprintf(f, "child %d active %zu accepted %llu refused %llu "
		   "resets %llu hwm_kb %ld rss_kb %ld ticks %u\n",
		(int)t->child, s->active, (unsigned long long)s->accepted,
		(unsigned long long)s->refused, (unsigned long long)s->resets,
		hwm, rss, t->ticks);
}

static void tick(void *data)
{
	struct tick_state *t = data;
	char tmp[4096];
	FILE *f;

	t->ticks++;
	snprintf(tmp, sizeof(tmp), "%s.tmp", t->path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	report(f, t);
	if (!fclose(f))
		rename(tmp, t->path);
}

/* "LPORT,ADDR,PORT": a listener on [::1]:LPORT for ADDR:PORT. */
static int add_spec(struct relay *r, char *spec)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	char *addr = strchr(spec, ','), *port;
	socklen_t len;
	int fd, err;

	port = addr ? strchr(addr + 1, ',') : NULL;
	if (!port)
		return -EINVAL;
	*addr++ = '\0';
	*port++ = '\0';
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)atoi(port));
		len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)atoi(port));
		len = sizeof(*sin6);
	} else {
		return -EINVAL;
	}
	fd = listen_on("::1", (uint16_t)atoi(spec), 1);
	if (fd < 0)
		return fd;
	err = relay_add_listener(r, fd, (struct sockaddr *)&ss, len);
	return err;
}

static int run_relay(int argc, char **argv)
{
	struct tick_state t = { .path = argv[2] };
	struct relay r;
	struct waitloop w = { .period_ms = 100, .tick = tick, .data = &t };
	int i, err, status;

	raise_nofile();
	err = relay_init(&r, (size_t)(argc - 4), (size_t)atoi(argv[3]));
	for (i = 4; !err && i < argc; i++)
		err = add_spec(&r, argv[i]);
	if (err) {
		fprintf(stderr, "relay: %s\n", strerror(-err));
		return 1;
	}
	t.r = &r;
	t.child = fork();
	if (t.child == 0) {
		for (;;)
			pause();
	}
	w.child = t.child;
	w.relay = &r;
	tick(&t);
	status = waitloop_run(&w);
	printf("exit %d\n", status);
	report(stdout, &t);
	relay_free(&r);
	return status < 0 ? 1 : 0;
}

struct sconn {
	int fd, eof, first;
	size_t len, off;
	uint8_t buf[SERVE_BUF];
};

static void sc_end(struct sconn **slot, FILE *log, const char *why,
		   int reset)
{
	if (reset)
		rt_close_reset((*slot)->fd);
	else
		close((*slot)->fd);
	fprintf(log, "%s\n", why);
	free(*slot);
	*slot = NULL;
}

/* Reads and echoes what it can. */
static void sc_io(struct sconn **slot, FILE *log)
{
	struct sconn *c = *slot;
	ssize_t n;
	size_t i;

	if (c->len == c->off && !c->eof) {
		n = read(c->fd, c->buf, sizeof(c->buf));
		if (n < 0 && errno != EAGAIN)
			return sc_end(slot, log, "reset", 0);
		if (n == 0)
			c->eof = 1;
		if (n > 0 && c->first && c->buf[0] == 'R')
			return sc_end(slot, log, "rst-sent", 1);
		c->first = 0;
		for (i = 0; n > 0 && i < (size_t)n; i++)
			c->buf[i] ^= 0x5a;
		c->off = 0;
		c->len = n > 0 ? (size_t)n : 0;
	}
	if (c->len > c->off) {
		n = send(c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN)
			return sc_end(slot, log, "reset", 0);
		if (n > 0)
			c->off += (size_t)n;
	}
	if (c->eof && c->len == c->off)
		sc_end(slot, log, "eof", 0);
}

static void sc_accept(int lfd, struct sconn **conns)
{
	int fd, i;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		for (i = 0; i < MAX_SERVE && conns[i]; i++)
			;
		if (i == MAX_SERVE || !(conns[i] = calloc(1, sizeof(**conns)))) {
			close(fd);
			continue;
		}
		conns[i]->fd = fd;
		conns[i]->first = 1;
	}
}

static int run_serve(char **argv)
{
	static struct sconn *conns[MAX_SERVE];
	static struct pollfd pfds[MAX_SERVE + 1];
	static int idx[MAX_SERVE + 1];
	FILE *log = fopen(argv[3], "a");
	int lfd, i, n;

	raise_nofile();
	lfd = listen_on("::", (uint16_t)atoi(argv[2]), 0);
	if (lfd < 0 || !log || listen(lfd, 4096)) {
		fprintf(stderr, "serve: cannot listen or log\n");
		return 1;
	}
	setvbuf(log, NULL, _IOLBF, 0);
	for (;;) {
		pfds[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (i = 0, n = 1; i < MAX_SERVE; i++) {
			if (!conns[i])
				continue;
			pfds[n].fd = conns[i]->fd;
			pfds[n].events = conns[i]->len > conns[i]->off ?
						 POLLOUT : POLLIN;
			idx[n++] = i;
		}
		if (poll(pfds, (nfds_t)n, -1) < 0 && errno != EINTR)
			return 1;
		for (i = 1; i < n; i++) {
			if (pfds[i].revents)
				sc_io(&conns[idx[i]], log);
		}
		if (pfds[0].revents)
			sc_accept(lfd, conns);
	}
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_DFL);
	if (argc >= 5 && !strcmp(argv[1], "relay"))
		return run_relay(argc, argv);
	if (argc == 4 && !strcmp(argv[1], "serve"))
		return run_serve(argv);
	return client_main(argc, argv);
}

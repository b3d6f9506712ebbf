// SPDX-License-Identifier: GPL-2.0-or-later
/* nl.c - libmnl socket, request/ack and extended-ack helpers shared by
 * netsetup/ and nat/.
 *
 * Every request carries NLM_F_ACK and is answered before the next one is
 * sent, so one receive loop serves plain requests, gets and dumps. The
 * kernel's extended-ack text (NETLINK_EXT_ACK) is kept in the socket so the
 * caller can print it next to the errno.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int set_flag(struct nl_sock *s, int opt)
{
	int one = 1;

	if (mnl_socket_setsockopt(s->mnl, opt, &one, sizeof(one)) < 0)
		return -errno;
	return 0;
}

/**
 * nl_open() - open and bind a netlink socket in the current network namespace
 * @s:		socket to fill
 * @bus:	NETLINK_ROUTE or NETLINK_NETFILTER
 *
 * The socket acts in the namespace it was created in, for its whole life.
 * It is close-on-exec: an nf_tables owner table dies with the last
 * reference to its socket, so the command must never inherit one.
 *
 * Return: 0 or -errno.
 */
int nl_open(struct nl_sock *s, int bus)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->mnl = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!s->mnl)
		return -errno;
	if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto fail;
	}
	/* Extended ack is best effort: kernels before 4.12 lack it. */
	set_flag(s, NETLINK_EXT_ACK);
	set_flag(s, NETLINK_CAP_ACK);
	if (bus == NETLINK_ROUTE)
		set_flag(s, NETLINK_GET_STRICT_CHK);
	s->portid = mnl_socket_get_portid(s->mnl);
	return 0;
fail:
	mnl_socket_close(s->mnl);
	s->mnl = NULL;
	return err;
}

/**
 * nl_open_in() - open a netlink socket that acts in another network
 *		  namespace
 * @s:		socket to fill
 * @bus:	NETLINK_ROUTE or NETLINK_NETFILTER
 * @nsfd:	that namespace, open
 * @home_fd:	the caller's own, open: the thread returns to it
 *
 * setns() there, nl_open(), setns() back.
 *
 * Return: 0 or -errno; -errno of the way back leaves the thread in @nsfd.
 */
int nl_open_in(struct nl_sock *s, int bus, int nsfd, int home_fd)
{
	int err;

	memset(s, 0, sizeof(*s));
	if (setns(nsfd, CLONE_NEWNET))
		return -errno;
	err = nl_open(s, bus);
	if (setns(home_fd, CLONE_NEWNET)) {
		err = -errno;
		nl_close(s);
	}
	return err;
}

/**
 * nl_close() - close a socket opened by nl_open(); safe on a closed one
 * @s:	socket
 */
void nl_close(struct nl_sock *s)
{
	if (s->mnl)
		mnl_socket_close(s->mnl);
	s->mnl = NULL;
}

/**
 * nl_fd() - file descriptor of a socket
 * @s:	socket
 *
 * Return: the descriptor.
 */
int nl_fd(const struct nl_sock *s)
{
	return mnl_socket_get_fd(s->mnl);
}

/**
 * nl_next_seq() - take the socket's next sequence number
 * @s:	socket
 *
 * Return: a number not used before on this socket.
 */
uint32_t nl_next_seq(struct nl_sock *s)
{
	return ++s->seq;
}

/**
 * nl_err_msg() - kernel's extended-ack text of the last failed request
 * @s:	socket
 *
 * Return: the text, or "" when the kernel gave none.
 */
const char *nl_err_msg(const struct nl_sock *s)
{
	return s->err_msg;
}

static int ext_ack_attr(const struct nlattr *attr, void *data)
{
	struct nl_sock *s = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			strncpy(s->err_msg, mnl_attr_get_str(attr),
				sizeof(s->err_msg) - 1);
		break;
	}
	return MNL_CB_OK;
}

/* Returns the error carried by an NLMSG_ERROR message (0 for an ack) and
 * keeps the extended-ack text of a failure.
 */
static int parse_error(struct nl_sock *s, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -EBADMSG;
	if (e->error == 0)
		return 0;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* TLVs follow the echoed request, or only its header when
		 * NETLINK_CAP_ACK capped it.
		 */
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		if (mnl_nlmsg_size(off) <= nlh->nlmsg_len)
			mnl_attr_parse(nlh, off, ext_ack_attr, s);
	}
	return e->error;
}

/* A dump ends with NLMSG_DONE carrying an int error; when the dump failed,
 * the extended ack (NLM_F_ACK_TLVS) follows that int. NLM_F_DUMP_INTR may
 * be set on NLMSG_DONE alone when the change came after the last entry.
 */
static int parse_done(struct nl_sock *s, const struct nlmsghdr *nlh)
{
	int err;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(err)))
		return 0;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err && (nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		mnl_attr_parse(nlh, sizeof(err), ext_ack_attr, s);
	if (!err && (nlh->nlmsg_flags & NLM_F_DUMP_INTR))
		return -EAGAIN;
	return err;
}

/* One received buffer: returns 1 when the reply is complete, 0 when more
 * is to come, or the kernel's negative errno. A failure of @cb (or an
 * interrupted dump) is kept in *@cb_err and the rest of the reply is still
 * read: a dump left unread keeps running in the kernel and makes the next
 * dump on the socket fail with -EBUSY.
 */
static int run_reply(struct nl_sock *s, const char *buf, int len,
		     uint32_t seq, nl_msg_cb cb, void *data, int *cb_err)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int err;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != s->portid)
			continue;	/* a late reply of an earlier request */
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			continue;
		case NLMSG_ERROR:
			err = parse_error(s, nlh);
			return err ? err : 1;
		case NLMSG_DONE:
			err = parse_done(s, nlh);
			return err ? err : 1;
		}
		if ((nlh->nlmsg_flags & NLM_F_DUMP_INTR) && !*cb_err)
			*cb_err = -EAGAIN;
		if (cb && !*cb_err)
			*cb_err = cb(nlh, data);
	}
	return 0;
}

/**
 * nl_query() - send one request and run @cb on each data message of its reply
 * @s:		socket
 * @nlh:	request; NLM_F_ACK and a fresh sequence number are added here
 * @cb:		called for each data message, may be NULL
 * @data:	passed to @cb
 *
 * Serves plain requests (ack only), gets (one message and an ack) and
 * dumps (messages until NLMSG_DONE).
 *
 * Return: 0, the kernel's -errno (text in nl_err_msg()), or @cb's error.
 */
int nl_query(struct nl_sock *s, struct nlmsghdr *nlh, nl_msg_cb cb,
	     void *data)
{
	static char buf[NL_RECV_BUF] __attribute__((aligned(4)));
	ssize_t len;
	int ret, cb_err = 0;

	s->err_msg[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = nl_next_seq(s);
	if (mnl_socket_sendto(s->mnl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		len = mnl_socket_recvfrom(s->mnl, buf, sizeof(buf));
		if (len < 0)
			return -errno;
		ret = run_reply(s, buf, (int)len, nlh->nlmsg_seq, cb, data,
				&cb_err);
	} while (ret == 0);
	return ret < 0 ? ret : cb_err;
}

/**
 * nl_request() - send one request and wait for its ack
 * @s:		socket
 * @nlh:	request
 *
 * Return: 0 or the kernel's -errno (text in nl_err_msg()).
 */
int nl_request(struct nl_sock *s, struct nlmsghdr *nlh)
{
	return nl_query(s, nlh, NULL, NULL);
}

/**
 * nl_nfnl_request() - start a stand-alone nfnetlink request (not in a batch)
 * @buf:	buffer, 4-byte aligned, large enough for the request
 * @subsys:	NFNL_SUBSYS_NFTABLES, NFNL_SUBSYS_CTNETLINK, ...
 * @type:	the subsystem's message type
 * @family:	nfgen_family: NFPROTO_IPV4, AF_INET, ...
 * @flags:	NLM_F_DUMP or 0; NLM_F_REQUEST is added
 *
 * Return: the message, to which attributes may be added.
 */
struct nlmsghdr *nl_nfnl_request(void *buf, uint8_t subsys, uint8_t type,
				 uint8_t family, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (uint16_t)(subsys << 8 | type);
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

/**
 * nl_request_built() - send a request a builder made, and wait for its ack
 * @s:		socket
 * @nlh:	the builder's message, NULL when it refused its arguments
 *
 * Return: 0, -EINVAL for a NULL @nlh, or the kernel's -errno.
 */
int nl_request_built(struct nl_sock *s, struct nlmsghdr *nlh)
{
	return nlh ? nl_request(s, nlh) : -EINVAL;
}

/* Drains what the kernel queued for a batch: the first error wins. */
static int drain_batch(struct nl_sock *s)
{
	static char buf[NL_RECV_BUF] __attribute__((aligned(4)));
	const struct nlmsghdr *nlh;
	int first = 0, err, len;

	for (;;) {
		len = recv(nl_fd(s), buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0)
			return errno == EAGAIN ? first : -errno;
		nlh = (const struct nlmsghdr *)buf;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;	/* echo or notification */
			err = parse_error(s, nlh);
			if (err && !first)
				first = err;
		}
	}
}

/* The whole batch goes in one send, which netlink refuses with EMSGSIZE
 * when it exceeds the socket's send buffer (net.core.wmem_default, 208 KiB
 * unless tuned down). Grow the buffer for a large batch; best effort, as
 * SO_SNDBUFFORCE needs CAP_NET_ADMIN, which changing nf_tables needs too.
 */
static void fit_sndbuf(struct nl_sock *s, size_t len)
{
	int cur = 0, want = (int)len;
	socklen_t size = sizeof(cur);

	if (!getsockopt(nl_fd(s), SOL_SOCKET, SO_SNDBUF, &cur, &size) &&
	    (size_t)cur >= len + 32)
		return;
	if (setsockopt(nl_fd(s), SOL_SOCKET, SO_SNDBUFFORCE, &want,
		       sizeof(want)))
		setsockopt(nl_fd(s), SOL_SOCKET, SO_SNDBUF, &want,
			   sizeof(want));
}

/* The highest sequence number in a batch, at least @seq. */
static uint32_t last_seq(const void *buf, int len, uint32_t seq)
{
	const struct nlmsghdr *nlh = buf;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_seq > seq)
			seq = nlh->nlmsg_seq;
	}
	return seq;
}

/**
 * nl_send_batch() - send an nfnetlink batch and collect its outcome
 * @s:		NETLINK_NETFILTER socket
 * @buf:	BATCH_BEGIN, the messages, BATCH_END, numbered upwards
 *		from nl_next_seq(@s)
 * @len:	bytes in @buf, or a builder's -errno, passed through
 *
 * nf_tables processes a batch synchronously inside sendmsg() as one
 * transaction, so every reply is queued when the send returns. Any error
 * for any message means nothing was committed, even if other messages of
 * the batch were acked. The socket's sequence counter moves past the
 * batch's numbers.
 *
 * Return: 0 when committed, else the first -errno (text in nl_err_msg()).
 */
int nl_send_batch(struct nl_sock *s, const void *buf, ssize_t len)
{
	s->err_msg[0] = '\0';
	if (len < 0)
		return (int)len;
	s->seq = last_seq(buf, (int)len, s->seq);
	fit_sndbuf(s, (size_t)len);
	if (mnl_socket_sendto(s->mnl, buf, (size_t)len) < 0)
		return -errno;
	return drain_batch(s);
}

/* Collects the attributes of one level into tb[0..max], ignoring types a
 * newer kernel may add after @max.
 */
struct attr_table {
	const struct nlattr **tb;
	unsigned int max;
};

static int collect_attr(const struct nlattr *attr, void *data)
{
	const struct attr_table *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

/**
 * nl_attrs() - index a message's attributes by type
 * @nlh:	message
 * @hdrlen:	bytes of family header before the attributes
 * @tb:		filled with @max + 1 pointers, NULL where a type is absent
 * @max:	highest type kept; newer ones are ignored
 *
 * Return: 0, or -EBADMSG when the attributes are malformed.
 */
int nl_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
	     const struct nlattr **tb, unsigned int max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_attr_parse(nlh, (unsigned int)hdrlen, collect_attr, &t) < 0)
		return -EBADMSG;
	return 0;
}

/**
 * nl_attrs_nested() - index a nested attribute's attributes by type
 * @nest:	the nest, may be NULL
 * @tb:		filled with @max + 1 pointers, NULL where a type is absent
 * @max:	highest type kept; newer ones are ignored
 *
 * Return: 0, or -EBADMSG when @nest is NULL or malformed.
 */
int nl_attrs_nested(const struct nlattr *nest, const struct nlattr **tb,
		    unsigned int max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (!nest || mnl_attr_parse_nested(nest, collect_attr, &t) < 0)
		return -EBADMSG;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* cni.c - nsrun as a CNI plugin: when CNI_COMMAND is set, nsrun reads
 * the network configuration on stdin and the CNI_* environment, runs the
 * command (cni_attach.c), and writes the result or the error on stdout.
 *
 * Nothing is left running: every command is done when the plugin exits,
 * so the runtime, which waits for the plugin's stdout to close, never
 * waits on a descendant holding it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni.h"
#include "cni_err.h"
#include "log.h"

static const char *const supported[] = { "0.3.0", "0.3.1", "0.4.0",
					 "1.0.0", "1.1.0" };

/**
 * struct cni_input - the network configuration as read from stdin
 * @text:	the document
 * @len:	its length
 * @tok:	its tokens
 * @doc:	the parsed document
 */
struct cni_input {
	char *text;
	size_t len;
	struct json_tok *tok;
	struct json_doc doc;
};

static void read_stdin(struct cni_input *in)
{
	size_t size = 4096;
	ssize_t n;

	in->text = malloc(size);
	in->len = 0;
	while (in->text) {
		if (in->len == size) {
			if (size > JSON_MAX_LEN)
				cni_fail(CNI_ERR_DECODE, "network "
					 "configuration: more than %u bytes",
					 JSON_MAX_LEN);
			size *= 2;
			in->text = realloc(in->text, size);
			continue;
		}
		n = read(STDIN_FILENO, in->text + in->len, size - in->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			cni_fail(CNI_ERR_IO, "reading stdin: %s",
				 strerror(errno));
		if (n == 0)
			return;
		in->len += (size_t)n;
	}
	cni_fail(CNI_ERR_INTERNAL, "reading stdin: out of memory");
}

/* One token per value or key: never more than half the bytes, plus one. */
static void parse_input(struct cni_input *in)
{
	char why[256];
	unsigned int max = (unsigned int)(in->len / 2 + 2);

	in->tok = calloc(max, sizeof(*in->tok));
	if (!in->tok)
		cni_fail(CNI_ERR_INTERNAL, "out of memory");
	if (json_parse(&in->doc, in->text, in->len, in->tok, max)) {
		json_errmsg(&in->doc, why, sizeof(why));
		cni_fail(CNI_ERR_DECODE, "network configuration: %s", why);
	}
}

/* VERSION: stdin holds {"cniVersion": ...}, the runtime's own version. */
static int cmd_version(struct cni_input *in)
{
	char buf[512], version[16] = "1.1.0";
	struct json_writer w;
	size_t i;

	if (in->len) {
		parse_input(in);
		json_get_str(&in->doc, 0, "cniVersion", version,
			     sizeof(version));
		if (cni_version_number(version) < 0)
			strcpy(version, "1.1.0");
	}
	json_writer_init(&w, buf, sizeof(buf));
	json_obj_begin(&w);
	json_put_kstr(&w, "cniVersion", version);
	json_put_key(&w, "supportedVersions");
	json_arr_begin(&w);
	for (i = 0; i < sizeof(supported) / sizeof(supported[0]); i++)
		json_put_str(&w, supported[i]);
	json_arr_end(&w);
	json_obj_end(&w);
	if (json_writer_end(&w) < 0)
		cni_fail(CNI_ERR_INTERNAL, "writing the version");
	printf("%s\n", buf);
	return 0;
}

/* A required CNI_* variable, or error 4. */
static const char *env(const char *name)
{
	const char *v = getenv(name);

	if (!v || !*v)
		cni_fail(CNI_ERR_ENV, "%s is not set", name);
	return v;
}

/* The spec's container ID: alphanumeric first, then also _ . - */
static const char *container_id(void)
{
	const char *id = env("CNI_CONTAINERID");
	size_t i;

	for (i = 0; id[i]; i++) {
		if ((id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= 'A' && id[i] <= 'Z') ||
		    (id[i] >= '0' && id[i] <= '9') ||
		    (i && strchr("_.-", id[i])))
			continue;
		cni_fail(CNI_ERR_ENV, "CNI_CONTAINERID \"%s\": letters, "
			 "digits, then also _ . -", id);
	}
	return id;
}

static void fill_attach(struct cni_attach *a, const struct cni_conf *c,
			int need_netns)
{
	const char *why;

	memset(a, 0, sizeof(*a));
	a->network = c->name;
	a->bridge = c->bridge;
	a->subnet = c->subnet;
	a->prefix = c->prefix;
	a->subnet_given = c->subnet_given;
	a->mtu = c->mtu;
	a->ports = c->ports;
	a->nports = c->nports;
	a->container = container_id();
	a->ifname = env("CNI_IFNAME");
	if (parse_ifname(a->ifname, &why))
		cni_fail(CNI_ERR_ENV, "CNI_IFNAME \"%s\": %s", a->ifname, why);
	a->netns = need_netns ? env("CNI_NETNS") : getenv("CNI_NETNS");
}

/* interfaces: the host's veth, then the container's end (index 1). */
static void put_interfaces(struct json_writer *w, const struct cni_attach *a,
			   const struct cni_added *ad)
{
	char mac[18];
	const uint8_t *m;
	int i;

	json_put_key(w, "interfaces");
	json_arr_begin(w);
	for (i = 0; i < 2; i++) {
		m = i ? ad->mac : ad->host_mac;
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 m[0], m[1], m[2], m[3], m[4], m[5]);
		json_obj_begin(w);
		json_put_kstr(w, "name", i ? a->ifname : ad->veth);
		json_put_kstr(w, "mac", mac);
		if (i)
			json_put_kstr(w, "sandbox", a->netns);
		json_obj_end(w);
	}
	json_arr_end(w);
}

/* ips and routes; before 1.0.0 an address says its IP version. */
static void put_ips(struct json_writer *w, const struct cni_conf *c,
		    const struct cni_added *ad)
{
	char addr[INET_ADDRSTRLEN], cidr[INET_ADDRSTRLEN + 4];
	char gw[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &ad->addr, addr, sizeof(addr));
	inet_ntop(AF_INET, &ad->gateway, gw, sizeof(gw));
	snprintf(cidr, sizeof(cidr), "%s/%d", addr, ad->prefix);
	json_put_key(w, "ips");
	json_arr_begin(w);
	json_obj_begin(w);
	if (c->ver < 10000)
		json_put_kstr(w, "version", "4");
	json_put_kstr(w, "address", cidr);
	json_put_kstr(w, "gateway", gw);
	json_put_kint(w, "interface", 1);
	json_obj_end(w);
	json_arr_end(w);
	json_put_key(w, "routes");
	json_arr_begin(w);
	json_obj_begin(w);
	json_put_kstr(w, "dst", "0.0.0.0/0");
	json_put_kstr(w, "gw", gw);
	json_obj_end(w);
	json_arr_end(w);
}

static void put_result(const struct cni_conf *c, const struct cni_attach *a,
		       const struct cni_added *ad)
{
	char buf[4096];
	struct json_writer w;

	json_writer_init(&w, buf, sizeof(buf));
	json_obj_begin(&w);
	json_put_kstr(&w, "cniVersion", c->version);
	put_interfaces(&w, a, ad);
	put_ips(&w, c, ad);
	json_put_key(&w, "dns");
	json_obj_begin(&w);
	json_obj_end(&w);
	json_obj_end(&w);
	if (json_writer_end(&w) < 0)
		cni_fail(CNI_ERR_INTERNAL, "writing the result");
	printf("%s\n", buf);
}

/* "A.B.C.D/N", a host's address with its prefix length. */
static int host_cidr(char *s, struct in_addr *addr, int *prefix)
{
	char *slash = strchr(s, '/');
	unsigned long n;
	const char *why;

	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if (parse_ipv4(s, addr, &why) || parse_uint(slash + 1, 32, &n))
		return -EINVAL;
	*prefix = (int)n;
	return 0;
}

/* CHECK: the container's address, from prevResult's first IPv4 one. */
static void prev_address(struct json_doc *doc, const struct cni_conf *c,
			 struct in_addr *addr, int *prefix)
{
	char cidr[64];
	int ips, ip;

	if (c->prev < 0)
		cni_fail(CNI_ERR_CONFIG, "CHECK needs prevResult");
	ips = json_get_as(doc, c->prev, "ips", JSON_ARRAY);
	for (ip = ips < 0 ? -1 : json_first(doc, ips); ip >= 0;
	     ip = json_next(doc, ips, ip)) {
		if (json_get_str(doc, ip, "address", cidr, sizeof(cidr)) > 0 &&
		    !host_cidr(cidr, addr, prefix))
			return;
	}
	cni_fail(CNI_ERR_CONFIG, "prevResult: no IPv4 address in ips");
}

/* GC: the veth names of the attachments the runtime still has. */
static void gc(struct json_doc *doc, const struct cni_conf *c)
{
	char (*keep)[IFNAMSIZ], table[CNI_TABLE_LEN], id[256], ifname[IFNAMSIZ];
	struct cni_attach a = { .network = c->name, .bridge = c->bridge };
	size_t n = 0;
	int v;

	if (c->valid < 0)
		cni_fail(CNI_ERR_CONFIG, "GC needs cni.dev/valid-attachments");
	keep = calloc(json_count(doc, c->valid) + 1, sizeof(*keep));
	if (!keep)
		cni_fail(CNI_ERR_INTERNAL, "out of memory");
	for (v = json_first(doc, c->valid); v >= 0;
	     v = json_next(doc, c->valid, v)) {
		if (json_get_str(doc, v, "containerID", id, sizeof(id)) < 0 ||
		    json_get_str(doc, v, "ifname", ifname, sizeof(ifname)) < 0)
			cni_fail(CNI_ERR_CONFIG, "cni.dev/valid-attachments: "
				 "each needs containerID and ifname");
		cni_attach_names(c->name, id, ifname, table, keep[n++]);
	}
	cni_attach_gc(&a, (const char (*)[IFNAMSIZ])keep, n);
	free(keep);
}

static void need_version(const struct cni_conf *c, int ver, const char *cmd)
{
	if (c->ver < ver)
		cni_fail(CNI_ERR_VERSION, "%s needs cniVersion %d.%d.0 or "
			 "later, not %s", cmd, ver / 10000, ver / 100 % 100,
			 c->version);
}

static int run(const char *cmd, struct cni_input *in)
{
	struct cni_attach a;
	struct cni_added ad;
	struct cni_conf c;
	struct in_addr want;
	int prefix;

	parse_input(in);
	cni_conf_read(&in->doc, &c);
	if (!strcmp(cmd, "ADD")) {
		fill_attach(&a, &c, 1);
		cni_attach_add(&a, &ad);
		put_result(&c, &a, &ad);
	} else if (!strcmp(cmd, "DEL")) {
		fill_attach(&a, &c, 0);
		cni_attach_del(&a);
	} else if (!strcmp(cmd, "CHECK")) {
		need_version(&c, 400, "CHECK");
		fill_attach(&a, &c, 1);
		prev_address(&in->doc, &c, &want, &prefix);
		cni_attach_check(&a, want, prefix);
	} else if (!strcmp(cmd, "GC")) {
		need_version(&c, 10100, "GC");
		gc(&in->doc, &c);
	} else {
		need_version(&c, 10100, "STATUS");
		cni_attach_status();
	}
	return 0;
}

/**
 * cni_main() - run as a CNI plugin (CNI_COMMAND is set)
 *
 * Return: the exit status, 0; errors exit 1 with the error object.
 */
int cni_main(void)
{
	static const char *const cmds[] = { "ADD", "DEL", "CHECK", "GC",
					    "STATUS" };
	const char *cmd = getenv("CNI_COMMAND");
	struct cni_input in = { 0 };
	size_t i;
	int rc;

	log_init();
	log_verbose(getenv("NSRUN_CNI_VERBOSE") != NULL);
	cni_err_init();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmd, cmds[i]))
			break;
	if (strcmp(cmd, "VERSION") && i == sizeof(cmds) / sizeof(cmds[0]))
		cni_fail(CNI_ERR_ENV, "CNI_COMMAND \"%s\": not one of ADD, "
			 "DEL, CHECK, GC, STATUS, VERSION", cmd);
	read_stdin(&in);
	rc = strcmp(cmd, "VERSION") ? run(cmd, &in) : cmd_version(&in);
	if (fflush(stdout))
		cni_fail(CNI_ERR_IO, "writing stdout: %s", strerror(errno));
	free(in.tok);
	free(in.text);
	return rc;
}

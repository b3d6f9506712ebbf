// SPDX-License-Identifier: GPL-2.0-or-later
/* test_json_cni.c - unit tests of the JSON reader and writer on the CNI
 * plugin's documents: a network configuration read the way the plugin
 * will, refused where it is wrong, and its prevResult passed on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"

#define NTOK 256

static struct json_tok tok[NTOK];

static int parse(struct json_doc *doc, const char *s)
{
	return json_parse(doc, s, strlen(s), tok, NTOK);
}

/* What the CNI plugin will read of a network configuration. */
struct port {
	long long host, container;
	char proto[8], ip[16];
};

struct conf {
	char version[16], name[64], type[32], bridge[16], subnet[20];
	long long mtu;
	struct port ports[4];
	int nports;
};

/* ipam.subnet, or the subnet of ipam.ranges[0][0] */
static int read_ipam(struct json_doc *doc, struct conf *c)
{
	int ipam, ranges, set;

	ipam = json_get_as(doc, 0, "ipam", JSON_OBJECT);
	if (ipam < 0)
		return ipam;
	set = json_get_str(doc, ipam, "subnet", c->subnet, sizeof(c->subnet));
	if (set != -ENOENT)
		return set < 0 ? set : 0;
	ranges = json_get_as(doc, ipam, "ranges", JSON_ARRAY);
	if (ranges < 0)
		return ranges;
	set = json_first(doc, ranges);
	if (json_type(doc, set) != JSON_ARRAY)
		return -EINVAL;
	set = json_first(doc, set);
	if (json_type(doc, set) != JSON_OBJECT)
		return -EINVAL;
	return json_get_str(doc, set, "subnet", c->subnet, sizeof(c->subnet));
}

static int read_port(struct json_doc *doc, int pm, struct port *p)
{
	int err;

	err = json_get_int(doc, pm, "hostPort", 1, 65535, &p->host);
	if (err)
		return err;
	err = json_get_int(doc, pm, "containerPort", 1, 65535, &p->container);
	if (err)
		return err;
	err = json_get_str(doc, pm, "protocol", p->proto, sizeof(p->proto));
	if (err == -ENOENT)
		strcpy(p->proto, "tcp");
	else if (err < 0)
		return err;
	err = json_get_str(doc, pm, "hostIP", p->ip, sizeof(p->ip));
	return err >= 0 || err == -ENOENT ? 0 : err;
}

static int read_conf(struct json_doc *doc, struct conf *c)
{
	int rc, pms, pm, err;

	memset(c, 0, sizeof(*c));
	if (json_get_str(doc, 0, "cniVersion", c->version,
			 sizeof(c->version)) < 0 ||
	    json_get_str(doc, 0, "name", c->name, sizeof(c->name)) < 0 ||
	    json_get_str(doc, 0, "type", c->type, sizeof(c->type)) < 0)
		return -EINVAL;
	err = json_get_str(doc, 0, "bridge", c->bridge, sizeof(c->bridge));
	if (err == -ENOENT)
		strcpy(c->bridge, "nsrun0");
	else if (err < 0)
		return err;
	err = json_get_int(doc, 0, "mtu", 576, 65535, &c->mtu);
	if (err && err != -ENOENT)
		return err;
	err = json_get_str(doc, 0, "subnet", c->subnet, sizeof(c->subnet));
	if (err == -ENOENT)
		err = read_ipam(doc, c);
	if (err < 0)
		return err;
	rc = json_get_as(doc, 0, "runtimeConfig", JSON_OBJECT);
	pms = rc < 0 ? rc : json_get_as(doc, rc, "portMappings", JSON_ARRAY);
	for (pm = json_first(doc, pms); pm >= 0 && c->nports < 4;
	     pm = json_next(doc, pms, pm)) {
		err = read_port(doc, pm, &c->ports[c->nports++]);
		if (err)
			return err;
	}
	return 0;
}

static const char add_conf[] =
	"{\n"
	"  \"cniVersion\": \"1.1.0\",\n"
	"  \"name\": \"nsrun-net\",\n"
	"  \"type\": \"nsrun\",\n"
	"  \"bridge\": \"nsrun1\",\n"
	"  \"mtu\": 1400,\n"
	"  \"ipam\": {\n"
	"    \"type\": \"host-local\",\n"
	"    \"ranges\": [[{\"subnet\": \"10.89.0.0/24\","
	" \"gateway\": \"10.89.0.1\"}]],\n"
	"    \"routes\": [{\"dst\": \"0.0.0.0/0\"}]\n"
	"  },\n"
	"  \"capabilities\": {\"portMappings\": true},\n"
	"  \"runtimeConfig\": {\n"
	"    \"portMappings\": [\n"
	"      {\"hostPort\": 8080, \"containerPort\": 80,"
	" \"protocol\": \"tcp\"},\n"
	"      {\"hostPort\": 5353, \"containerPort\": 53,"
	" \"protocol\": \"udp\", \"hostIP\": \"127.0.0.1\"},\n"
	"      {\"containerPort\": 443, \"hostPort\": 8443,"
	" \"hostIP\": null}\n"
	"    ],\n"
	"    \"bandwidth\": {\"ingressRate\": 1000}\n"
	"  },\n"
	"  \"args\": {\"cni\": {\"ips\": [\"10.89.0.5\"]},"
	" \"labels\": [{\"key\": \"app\", \"value\": \"web\"}]},\n"
	"  \"prevResult\": {\"cniVersion\": \"1.1.0\", \"interfaces\":"
	" [{\"name\": \"eth0\", \"sandbox\": \"/run/netns/x\"}],"
	" \"ips\": [{\"address\": \"10.89.0.5/24\", \"interface\": 0}],"
	" \"mtu\": \"not ours\"},\n"
	"  \"org.example/vendor\": {\"deep\": [1, 2.5e10, {\"x\": null}],"
	" \"name\": \"other\"}\n"
	"}\n";

static void test_cni_add(void)
{
	struct json_doc doc;
	struct conf c;
	int err = json_parse(&doc, add_conf, strlen(add_conf), tok, NTOK);

	CHECK(!err, "CNI ADD config parses (%u tokens)", doc.ntok);
	err = read_conf(&doc, &c);
	CHECK(!err && !strcmp(c.version, "1.1.0") &&
	      !strcmp(c.name, "nsrun-net") && !strcmp(c.type, "nsrun") &&
	      !strcmp(c.bridge, "nsrun1") && c.mtu == 1400,
	      "config: %s %s %s %s mtu %lld (err %d)", c.version, c.name,
	      c.type, c.bridge, c.mtu, err);
	CHECK(!strcmp(c.subnet, "10.89.0.0/24"),
	      "subnet from ipam.ranges[0][0]: %s", c.subnet);
	CHECK(c.nports == 3 && c.ports[0].host == 8080 &&
	      c.ports[0].container == 80 && !strcmp(c.ports[0].proto, "tcp") &&
	      !c.ports[0].ip[0] && c.ports[1].host == 5353 &&
	      c.ports[1].container == 53 && !strcmp(c.ports[1].proto, "udp") &&
	      !strcmp(c.ports[1].ip, "127.0.0.1") && c.ports[2].host == 8443 &&
	      c.ports[2].container == 443 && !strcmp(c.ports[2].proto, "tcp") &&
	      !c.ports[2].ip[0],
	      "3 portMappings read back");
	CHECK(json_get_as(&doc, 0, "prevResult", JSON_OBJECT) > 0 &&
	      json_get_as(&doc, 0, "capabilities", JSON_OBJECT) > 0 &&
	      json_get_as(&doc, 0, "args", JSON_OBJECT) > 0,
	      "prevResult, capabilities, args are there for who wants them");
}

static void test_cni_ipam_subnet(void)
{
	const char *s = "{\"cniVersion\":\"0.4.0\",\"name\":\"n\","
			"\"type\":\"nsrun\",\"ipam\":{\"type\":\"host-local\","
			"\"subnet\":\"10.90.0.0/16\"}}";
	struct json_doc doc;
	struct conf c;
	int err = parse(&doc, s);

	if (!err)
		err = read_conf(&doc, &c);
	CHECK(!err && !strcmp(c.subnet, "10.90.0.0/16") &&
	      !strcmp(c.bridge, "nsrun0") && !c.nports && !c.mtu,
	      "old host-local ipam.subnet, defaults (err %d)", err);
}

/* @s with @from replaced by @to, as a network configuration. */
static int conf_with(const char *from, const char *to, struct json_doc *doc,
		     char *buf, size_t size)
{
	const char *at = strstr(add_conf, from);
	int n;

	n = snprintf(buf, size, "%.*s%s%s", (int)(at - add_conf), add_conf, to,
		     at + strlen(from));
	if (n < 0 || (size_t)n >= size)
		abort();
	return json_parse(doc, buf, (size_t)n, tok, NTOK);
}

static void conf_bad(const char *from, const char *to, int err,
		     const char *want)
{
	char buf[sizeof(add_conf) + 64], msg[128];
	struct json_doc doc;
	struct conf c;
	int r = conf_with(from, to, &doc, buf, sizeof(buf));

	if (!r)
		r = read_conf(&doc, &c);
	json_errmsg(&doc, msg, sizeof(msg));
	CHECK(r == err && strstr(msg, want), "config with %s: %d, %s", to, r,
	      msg);
}

static void test_cni_strict(void)
{
	conf_bad("\"mtu\": 1400", "\"mtu\": \"1400\"", -EINVAL,
		 "\"mtu\": expected an integer");
	conf_bad("\"mtu\": 1400", "\"mtu\": 100", -ERANGE,
		 "\"mtu\": integer out of range");
	conf_bad("\"hostPort\": 8080", "\"hostPort\": 70000", -ERANGE,
		 "\"hostPort\": integer out of range at offset");
	conf_bad("\"hostPort\": 8080", "\"hostPort\": 80.5", -EINVAL,
		 "\"hostPort\": expected an integer");
	conf_bad("\"containerPort\": 80,", "", -ENOENT,
		 "\"containerPort\": missing");
	conf_bad("\"bridge\": \"nsrun1\"", "\"bridge\": [\"nsrun1\"]", -EINVAL,
		 "\"bridge\": expected a string");
	conf_bad("\"bridge\": \"nsrun1\"", "\"bridge\": \"nsrun-way-too-long\"",
		 -ERANGE, "\"bridge\": string too long");
	conf_bad("\"ipam\": {", "\"ipam\": 7, \"x\": {", -EINVAL,
		 "\"ipam\": expected an object");
	conf_bad("\"mtu\": 1400", "\"mtu\": 1400, \"mtu\": 1500", -EINVAL,
		 "duplicate key at offset");
}

static void test_cni_gc(void)
{
	const char *s = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":"
			"\"nsrun\",\"cni.dev/valid-attachments\":["
			"{\"containerID\":\"3f69\",\"ifname\":\"eth0\"},"
			"{\"ifname\":\"net1\",\"containerID\":\"ab-c.1\"}]}";
	char id[2][16], ifn[2][16];
	struct json_doc doc;
	int va, a, n = 0, err = parse(&doc, s);

	va = json_get_as(&doc, 0, "cni.dev/valid-attachments", JSON_ARRAY);
	for (a = json_first(&doc, va); !err && a >= 0 && n < 2;
	     a = json_next(&doc, va, a), n++)
		if (json_get_str(&doc, a, "containerID", id[n], 16) < 0 ||
		    json_get_str(&doc, a, "ifname", ifn[n], 16) < 0)
			err = -EINVAL;
	CHECK(!err && n == 2 && !strcmp(id[0], "3f69") &&
	      !strcmp(ifn[0], "eth0") && !strcmp(id[1], "ab-c.1") &&
	      !strcmp(ifn[1], "net1"), "GC valid-attachments read back");
}

/* The writer's output of @w is exactly @want. */
static void wrote(struct json_writer *w, const char *want, const char *what)
{
	int n = json_writer_end(w);

	CHECK(n == (int)strlen(want) && !strcmp(w->buf, want), "%s: %s (%d)",
	      what, n < 0 ? "" : w->buf, n);
}

/* json_put_value(): a config's prevResult passed on, and a round trip. */
static void test_put_value(void)
{
	static struct json_tok tok2[NTOK];
	char buf[sizeof(add_conf)], again[sizeof(add_conf)];
	struct json_writer w;
	struct json_doc doc, doc2;
	unsigned int i, same = 1;
	int n, m;

	json_parse(&doc, add_conf, strlen(add_conf), tok, NTOK);
	json_writer_init(&w, buf, sizeof(buf));
	json_obj_begin(&w);
	json_put_kstr(&w, "cniVersion", "1.1.0");
	json_put_key(&w, "prev");
	json_put_value(&w, &doc, json_get(&doc, 0, "prevResult"));
	json_obj_end(&w);
	wrote(&w, "{\"cniVersion\":\"1.1.0\",\"prev\":{\"cniVersion\":"
		  "\"1.1.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":"
		  "\"/run/netns/x\"}],\"ips\":[{\"address\":\"10.89.0.5/24\","
		  "\"interface\":0}],\"mtu\":\"not ours\"}}",
	      "prevResult copied into a result");

	json_writer_init(&w, buf, sizeof(buf));
	json_put_value(&w, &doc, 0);
	n = json_writer_end(&w);
	m = json_parse(&doc2, buf, (size_t)(n > 0 ? n : 0), tok2, NTOK);
	for (i = 0; !m && i < doc.ntok; i++)
		same &= doc.tok[i].type == doc2.tok[i].type &&
			doc.tok[i].count == doc2.tok[i].count &&
			doc.tok[i].next == doc2.tok[i].next;
	json_writer_init(&w, again, sizeof(again));
	json_put_value(&w, &doc2, 0);
	CHECK(n > 0 && !m && doc.ntok == doc2.ntok && same &&
	      json_writer_end(&w) == n && !strcmp(buf, again),
	      "config written, read back the same tree, written the same");
}

int main(void)
{
	test_cni_add();
	test_cni_ipam_subnet();
	test_cni_strict();
	test_cni_gc();
	test_put_value();
	return CHECK_DONE();
}

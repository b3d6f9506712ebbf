// SPDX-License-Identifier: GPL-2.0-or-later
/* test_json.c - unit tests of the JSON reader and writer (json.c). */
#include <errno.h>
#include <limits.h>
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

static void test_types(void)
{
	const char *s = "{\"n\":null,\"t\":true,\"f\":false,\"i\":-12,"
			"\"d\":1.5e-3,\"s\":\"x\",\"a\":[1,[2,3],{}],"
			"\"o\":{\"k\":{}}}";
	struct json_doc doc;
	int a, e, err = parse(&doc, s);
	long long v = 0;
	char buf[8];

	CHECK(!err && json_type(&doc, 0) == JSON_OBJECT &&
	      json_count(&doc, 0) == 8 && doc.tok[0].next == doc.ntok &&
	      doc.tok[0].len == strlen(s),
	      "object of 8 members, %u tokens (err %d)", doc.ntok, err);
	CHECK(json_type(&doc, json_get(&doc, 0, "n")) == JSON_NULL &&
	      json_type(&doc, json_get(&doc, 0, "t")) == JSON_TRUE &&
	      json_type(&doc, json_get(&doc, 0, "f")) == JSON_FALSE &&
	      json_type(&doc, json_get(&doc, 0, "d")) == JSON_NUMBER &&
	      json_type(&doc, json_get(&doc, 0, "o")) == JSON_OBJECT,
	      "null, true, false, number, object");
	CHECK(!json_int(&doc, json_get(&doc, 0, "i"), -100, 100, &v) &&
	      v == -12, "integer -12 (%lld)", v);
	CHECK(json_str(&doc, json_get(&doc, 0, "s"), buf, sizeof(buf)) == 1 &&
	      !strcmp(buf, "x"), "string \"x\"");
	a = json_get(&doc, 0, "a");
	CHECK(json_type(&doc, a) == JSON_ARRAY && json_count(&doc, a) == 3,
	      "array of 3");
	e = json_first(&doc, a);
	CHECK(!json_int(&doc, e, 0, 9, &v) && v == 1, "a[0] = 1");
	e = json_next(&doc, a, e);
	CHECK(json_type(&doc, e) == JSON_ARRAY && json_count(&doc, e) == 2,
	      "a[1] = [2,3]");
	e = json_next(&doc, a, e);
	CHECK(json_type(&doc, e) == JSON_OBJECT && !json_count(&doc, e) &&
	      json_first(&doc, e) == -ENOENT, "a[2] = {}");
	CHECK(json_next(&doc, a, e) == -ENOENT, "a ends after 3");
	CHECK(json_get(&doc, 0, "k") == -ENOENT,
	      "a nested key is not the object's own");
	CHECK(json_get(&doc, a, "k") == -EINVAL, "json_get of an array");
	CHECK(json_type(&doc, -1) == -EINVAL &&
	      json_type(&doc, (int)doc.ntok) == -EINVAL, "bad token index");
}

static void good(const char *s, int type)
{
	struct json_doc doc;
	int err = parse(&doc, s);

	CHECK(!err && json_type(&doc, 0) == type, "valid: %s",
	      strpbrk(s, "\t\r\n\x7f") ? "(with blanks or DEL)" : s);
}

static void test_valid(void)
{
	good("0", JSON_NUMBER);
	good("-0", JSON_NUMBER);
	good("1.5", JSON_NUMBER);
	good("1E5", JSON_NUMBER);
	good("-0.0e+0", JSON_NUMBER);
	good("123456789012345678901234567890", JSON_NUMBER);
	good("\"\"", JSON_STRING);
	good("\"\x7f\"", JSON_STRING);
	good(" \t\r\n[ ]\n", JSON_ARRAY);
	good("{ \"a\" : { \"a\" : 1 } }", JSON_OBJECT);
	good("[[],{},\"\",0,true,false,null]", JSON_ARRAY);
	good("null", JSON_NULL);
}

/* Documents that must be refused, and where. */
static const struct {
	const char *s;
	size_t len; /* 0: strlen(s) */
	size_t at;
	int err;
} bad_docs[] = {
	{ "", 0, 0, -EINVAL },
	{ "   ", 0, 3, -EINVAL },
	{ "{", 0, 1, -EINVAL },
	{ "[", 0, 1, -EINVAL },
	{ "[1,]", 0, 3, -EINVAL },
	{ "[1,,2]", 0, 3, -EINVAL },
	{ "{\"a\":1,}", 0, 7, -EINVAL },
	{ "{\"a\" 1}", 0, 5, -EINVAL },
	{ "{\"a\":}", 0, 5, -EINVAL },
	{ "{a:1}", 0, 1, -EINVAL },
	{ "{'a':1}", 0, 1, -EINVAL },
	{ "{\"a\":1 \"b\":2}", 0, 7, -EINVAL },
	{ "[1 2]", 0, 3, -EINVAL },
	{ "[1}", 0, 2, -EINVAL },
	{ "{\"a\":1]", 0, 6, -EINVAL },
	{ "01", 0, 0, -EINVAL },
	{ "-01", 0, 0, -EINVAL },
	{ "-", 0, 0, -EINVAL },
	{ "-a", 0, 0, -EINVAL },
	{ "[-]", 0, 1, -EINVAL },
	{ "1.", 0, 0, -EINVAL },
	{ ".5", 0, 0, -EINVAL },
	{ "+1", 0, 0, -EINVAL },
	{ "1e", 0, 0, -EINVAL },
	{ "1e+", 0, 0, -EINVAL },
	{ "1.0e", 0, 0, -EINVAL },
	{ "0x10", 0, 1, -EINVAL },
	{ "tru", 0, 0, -EINVAL },
	{ "truex", 0, 0, -EINVAL },
	{ "True", 0, 0, -EINVAL },
	{ "nulll", 0, 0, -EINVAL },
	{ "NaN", 0, 0, -EINVAL },
	{ "Infinity", 0, 0, -EINVAL },
	{ "\"abc", 0, 4, -EINVAL },
	{ "\"\\\"", 0, 3, -EINVAL },
	{ "\"\\", 0, 1, -EINVAL },
	{ "\"a\tb\"", 0, 2, -EINVAL },
	{ "\"a\nb\"", 0, 2, -EINVAL },
	{ "\"\x1f\"", 0, 1, -EINVAL },
	{ "\"a\0b\"", 5, 2, -EINVAL },
	{ "\"\\x\"", 0, 1, -EINVAL },
	{ "\"\\U0041\"", 0, 1, -EINVAL },
	{ "\"\\u12\"", 0, 1, -EINVAL },
	{ "\"\\u00", 0, 1, -EINVAL },
	{ "\"\\u12G4\"", 0, 1, -EINVAL },
	{ "\"\\ud800\"", 0, 1, -EINVAL },
	{ "\"\\udc00\"", 0, 1, -EINVAL },
	{ "\"x\\ud800\\u0041\"", 0, 2, -EINVAL },
	{ "\"\\ud800\\ud800\"", 0, 1, -EINVAL },
	{ "\"\\ude00\\ud83d\"", 0, 1, -EINVAL },
	{ "\"\\ud83d\\ude0\"", 0, 1, -EINVAL },
	{ "\"\xc0\xaf\"", 0, 1, -EINVAL },
	{ "\"\xc1\xbf\"", 0, 1, -EINVAL },
	{ "\"\xe0\x80\xaf\"", 0, 1, -EINVAL },
	{ "\"\xed\xa0\x80\"", 0, 1, -EINVAL },
	{ "\"ok\xf4\x90\x80\x80\"", 0, 3, -EINVAL },
	{ "\"\xf8\x88\x80\x80\x80\"", 0, 1, -EINVAL },
	{ "\"\xe2\x82\"", 0, 1, -EINVAL },
	{ "\"\x80\"", 0, 1, -EINVAL },
	{ "\xef\xbb\xbf{}", 0, 0, -EINVAL },
	{ "{} {}", 0, 3, -EINVAL },
	{ "{}x", 0, 2, -EINVAL },
	{ "1 2", 0, 2, -EINVAL },
	{ "[1]\0", 4, 3, -EINVAL },
	{ "[\"a\"\n,\"b\"\f]", 0, 9, -EINVAL },
	{ "{\"a\":1,\"a\":2}", 0, 7, -EINVAL },
	{ "{\"a\":1,\"\\u0061\":2}", 0, 7, -EINVAL },
	{ "{\"b\":{\"x\":1,\"y\":2,\"x\":3}}", 0, 18, -EINVAL },
	{ "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	  0, 32, -E2BIG },
};

static void test_invalid(void)
{
	struct json_doc doc;
	char msg[128];
	size_t i, len;
	int err;

	for (i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		len = bad_docs[i].len ? bad_docs[i].len : strlen(bad_docs[i].s);
		err = json_parse(&doc, bad_docs[i].s, len, tok, NTOK);
		json_errmsg(&doc, msg, sizeof(msg));
		CHECK(err == bad_docs[i].err && doc.at == bad_docs[i].at &&
		      doc.why && !doc.ntok,
		      "invalid #%zu refused: %s (err %d)", i, msg, err);
	}
	CHECK(i >= 30, "%zu invalid documents", i);
}

/* @levels arrays, or objects {"k": ...}, nested. */
static int nest(char *buf, int levels, int object)
{
	int i, n = 0;

	for (i = 0; i < levels; i++)
		n += sprintf(buf + n, "%s", object ? "{\"k\":" : "[");
	n += sprintf(buf + n, "0");
	for (i = 0; i < levels; i++)
		buf[n++] = object ? '}' : ']';
	buf[n] = '\0';
	return n;
}

static void test_depth(void)
{
	char buf[(JSON_MAX_DEPTH + 1) * 6 + 2];
	struct json_doc doc;
	int n, err;

	n = nest(buf, JSON_MAX_DEPTH, 0);
	err = json_parse(&doc, buf, (size_t)n, tok, NTOK);
	CHECK(!err && doc.ntok == JSON_MAX_DEPTH + 1, "%d arrays deep",
	      JSON_MAX_DEPTH);
	n = nest(buf, JSON_MAX_DEPTH + 1, 0);
	err = json_parse(&doc, buf, (size_t)n, tok, NTOK);
	CHECK(err == -E2BIG && doc.at == JSON_MAX_DEPTH &&
	      !strcmp(doc.why, "nesting too deep"), "%d arrays refused",
	      JSON_MAX_DEPTH + 1);
	n = nest(buf, JSON_MAX_DEPTH, 1);
	err = json_parse(&doc, buf, (size_t)n, tok, NTOK);
	CHECK(!err, "%d objects deep", JSON_MAX_DEPTH);
	n = nest(buf, JSON_MAX_DEPTH + 1, 1);
	err = json_parse(&doc, buf, (size_t)n, tok, NTOK);
	CHECK(err == -E2BIG && doc.at == JSON_MAX_DEPTH * 5,
	      "%d objects refused at %zu", JSON_MAX_DEPTH + 1, doc.at);
}

static void test_limits(void)
{
	const char *s = "[1,[2,3],{\"a\":4}]";
	struct json_doc doc;
	char *big;
	int err;

	err = json_parse(&doc, s, strlen(s), tok, 8);
	CHECK(!err && doc.ntok == 8, "8 tokens in 8");
	err = json_parse(&doc, s, strlen(s), tok, 7);
	CHECK(err == -E2BIG && doc.at == 14 && !doc.ntok,
	      "8 tokens in 7 refused at %zu", doc.at);
	err = json_parse(&doc, s, strlen(s), tok, 0);
	CHECK(err == -E2BIG && doc.at == 0, "no tokens at all");
	big = malloc(JSON_MAX_LEN + 1);
	if (!big)
		abort();
	memset(big, ' ', JSON_MAX_LEN + 1);
	big[0] = '0';
	err = json_parse(&doc, big, JSON_MAX_LEN, tok, NTOK);
	CHECK(!err, "a document of JSON_MAX_LEN bytes");
	err = json_parse(&doc, big, JSON_MAX_LEN + 1, tok, NTOK);
	CHECK(err == -E2BIG && !strcmp(doc.why, "document too large"),
	      "a document over JSON_MAX_LEN refused");
	free(big);
}

/* @s, a JSON string, decodes to @want (@n bytes). */
static void decodes(const char *s, const char *want, size_t n)
{
	struct json_doc doc;
	char buf[64];
	int err = parse(&doc, s), len = -1;

	if (!err)
		len = json_str(&doc, 0, buf, sizeof(buf));
	CHECK(!err && len == (int)n && !memcmp(buf, want, n),
	      "string %s decodes (err %d, %d bytes)", s, err, len);
}

static void test_strings(void)
{
	struct json_doc doc;
	char buf[8];

	decodes("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8);
	decodes("\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac", 6);
	decodes("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4);
	decodes("\"\\uD834\\uDD1E!\"", "\xf0\x9d\x84\x9e!", 5);
	decodes("\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf", 4);
	decodes("\"\\u007f\\u0080\\u07ff\\u0800\\uffff\"",
		"\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf", 11);
	decodes("\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
		"caf\xc3\xa9 \xf0\x9f\x98\x80", 10);
	decodes("\"\\u001f\"", "\x1f", 1);
	CHECK(!parse(&doc, "\"a\\u0000b\"") &&
	      json_str(&doc, 0, buf, sizeof(buf)) == -EINVAL && !buf[0] &&
	      !strcmp(doc.why, "string contains NUL"),
	      "\\u0000 parses but is no C string");
	CHECK(!parse(&doc, "\"1234567\"") &&
	      json_str(&doc, 0, buf, 8) == 7 &&
	      json_str(&doc, 0, buf, 7) == -ERANGE && !buf[0] &&
	      json_str(&doc, 0, buf, 0) == -ERANGE,
	      "7 bytes fit in 8, not in 7");
	CHECK(!parse(&doc, "{\"t\\u0079pe\":\"x\"}") &&
	      json_get(&doc, 0, "type") == 2 && json_get(&doc, 0, "typ") < 0 &&
	      json_get(&doc, 0, "types") < 0, "escaped key found by its value");
	CHECK(!parse(&doc, "{\"a\\u0000\":1}") && json_get(&doc, 0, "a") < 0,
	      "key with NUL is not its prefix");
	/* FNV-1a("yaczfa") == FNV-1a("glbppa"): equal hashes, other keys */
	CHECK(!parse(&doc, "{\"yaczfa\":1,\"gl\\u0062ppa\":2}") &&
	      doc.tok[1].hash == doc.tok[3].hash &&
	      json_get(&doc, 0, "yaczfa") == 2 &&
	      json_get(&doc, 0, "glbppa") == 4,
	      "keys with the same hash are told apart");
}

static void int_is(const char *s, long long min, long long max, int err,
		   long long want)
{
	struct json_doc doc;
	long long v = 42;
	int r = parse(&doc, s);

	if (!r)
		r = json_int(&doc, 0, min, max, &v);
	CHECK(r == err && (err || v == want), "integer %s: %d, %lld", s, r,
	      v);
}

static void test_ints(void)
{
	int_is("65535", 1, 65535, 0, 65535);
	int_is("65536", 1, 65535, -ERANGE, 0);
	int_is("0", 1, 65535, -ERANGE, 0);
	int_is("-1", 1, 65535, -ERANGE, 0);
	int_is("-0", 0, 0, 0, 0);
	int_is("80.0", 1, 65535, -EINVAL, 0);
	int_is("8e1", 1, 65535, -EINVAL, 0);
	int_is("\"80\"", 1, 65535, -EINVAL, 0);
	int_is("true", 0, 1, -EINVAL, 0);
	int_is("9223372036854775807", LLONG_MIN, LLONG_MAX, 0, LLONG_MAX);
	int_is("-9223372036854775808", LLONG_MIN, LLONG_MAX, 0, LLONG_MIN);
	int_is("9223372036854775808", LLONG_MIN, LLONG_MAX, -ERANGE, 0);
	int_is("-9223372036854775809", LLONG_MIN, LLONG_MAX, -ERANGE, 0);
	int_is("18446744073709551616", LLONG_MIN, LLONG_MAX, -ERANGE, 0);
	int_is("99999999999999999999999", LLONG_MIN, LLONG_MAX, -ERANGE, 0);
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

static void test_null_absent(void)
{
	struct json_doc doc;
	long long v = 7;
	char buf[8] = "x";
	int b = 3;

	CHECK(!parse(&doc, "{\"a\":null,\"b\":false}") &&
	      json_get_int(&doc, 0, "a", 0, 9, &v) == -ENOENT && v == 7 &&
	      json_get_str(&doc, 0, "a", buf, 8) == -ENOENT && !buf[0] &&
	      json_get_as(&doc, 0, "a", JSON_OBJECT) == -ENOENT &&
	      json_get(&doc, 0, "a") == 2,
	      "null counts as absent for the typed getters");
	CHECK(!json_get_bool(&doc, 0, "b", &b) && b == 0 &&
	      json_get_as(&doc, 0, "b", JSON_TRUE) == 4 &&
	      json_get_bool(&doc, 0, "c", &b) == -ENOENT &&
	      json_get_int(&doc, 0, "b", 0, 9, &v) == -EINVAL,
	      "booleans");
}

/* The writer's output of @w is exactly @want. */
static void wrote(struct json_writer *w, const char *want, const char *what)
{
	int n = json_writer_end(w);

	CHECK(n == (int)strlen(want) && !strcmp(w->buf, want), "%s: %s (%d)",
	      what, n < 0 ? "" : w->buf, n);
}

static void write_result(struct json_writer *w)
{
	json_obj_begin(w);
	json_put_kstr(w, "cniVersion", "1.1.0");
	json_put_key(w, "interfaces");
	json_arr_begin(w);
	json_obj_begin(w);
	json_put_kstr(w, "name", "nsr5e3a9c01");
	json_put_kstr(w, "mac", "ce:11:22:33:44:55");
	json_obj_end(w);
	json_obj_begin(w);
	json_put_kstr(w, "name", "eth0");
	json_put_kstr(w, "mac", "ce:11:22:33:44:56");
	json_put_kstr(w, "sandbox", "/proc/4242/ns/net");
	json_obj_end(w);
	json_arr_end(w);
	json_put_key(w, "ips");
	json_arr_begin(w);
	json_obj_begin(w);
	json_put_kstr(w, "address", "10.88.0.2/16");
	json_put_kstr(w, "gateway", "10.88.0.1");
	json_put_kint(w, "interface", 1);
	json_obj_end(w);
	json_arr_end(w);
	json_put_key(w, "routes");
	json_arr_begin(w);
	json_obj_begin(w);
	json_put_kstr(w, "dst", "0.0.0.0/0");
	json_put_kstr(w, "gw", "10.88.0.1");
	json_obj_end(w);
	json_arr_end(w);
	json_put_key(w, "dns");
	json_obj_begin(w);
	json_put_key(w, "nameservers");
	json_arr_begin(w);
	json_put_str(w, "198.18.0.53");
	json_put_str(w, "198.18.0.54");
	json_arr_end(w);
	json_obj_end(w);
	json_obj_end(w);
}

static const char result_json[] =
	"{\"cniVersion\":\"1.1.0\",\"interfaces\":[{\"name\":\"nsr5e3a9c01\","
	"\"mac\":\"ce:11:22:33:44:55\"},{\"name\":\"eth0\",\"mac\":"
	"\"ce:11:22:33:44:56\",\"sandbox\":\"/proc/4242/ns/net\"}],\"ips\":"
	"[{\"address\":\"10.88.0.2/16\",\"gateway\":\"10.88.0.1\","
	"\"interface\":1}],\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":"
	"\"10.88.0.1\"}],\"dns\":{\"nameservers\":[\"198.18.0.53\","
	"\"198.18.0.54\"]}}";

static void test_write_result(void)
{
	char buf[1024], s[32];
	struct json_writer w;
	struct json_doc doc;
	long long ifx = -1;
	int ips, ip, ns, err;

	json_writer_init(&w, buf, sizeof(buf));
	write_result(&w);
	wrote(&w, result_json, "CNI result");
	err = json_parse(&doc, buf, strlen(buf), tok, NTOK);
	ips = json_get_as(&doc, 0, "ips", JSON_ARRAY);
	ip = json_first(&doc, ips);
	CHECK(!err && json_count(&doc, ips) == 1 &&
	      json_get_str(&doc, ip, "address", s, sizeof(s)) > 0 &&
	      !strcmp(s, "10.88.0.2/16") &&
	      !json_get_int(&doc, ip, "interface", 0, 9, &ifx) && ifx == 1,
	      "result read back: ips[0] %s on interface %lld", s, ifx);
	ns = json_get_as(&doc, json_get_as(&doc, 0, "dns", JSON_OBJECT),
			 "nameservers", JSON_ARRAY);
	CHECK(json_count(&doc, ns) == 2 &&
	      json_str(&doc, json_next(&doc, ns, json_first(&doc, ns)), s,
		       sizeof(s)) > 0 && !strcmp(s, "198.18.0.54"),
	      "result read back: dns.nameservers[1] %s", s);
}

static void test_write_error(void)
{
	char buf[256], msg[64];
	struct json_writer w;
	struct json_doc doc;
	long long code = 0;
	int err;

	json_writer_init(&w, buf, sizeof(buf));
	json_obj_begin(&w);
	json_put_kstr(&w, "cniVersion", "1.0.0");
	json_put_kint(&w, "code", 7);
	json_put_kstr(&w, "msg", "invalid \"mtu\"\n\tin\x01 \\config\\");
	json_put_kstr(&w, "details", "caf\xc3\xa9 \xf0\x9f\x98\x80");
	json_obj_end(&w);
	wrote(&w, "{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":"
		  "\"invalid \\\"mtu\\\"\\n\\tin\\u0001 \\\\config\\\\\","
		  "\"details\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}",
	      "CNI error object, escaped");
	err = json_parse(&doc, buf, strlen(buf), tok, NTOK);
	CHECK(!err && !json_get_int(&doc, 0, "code", 1, 999, &code) &&
	      code == 7 &&
	      json_get_str(&doc, 0, "msg", msg, sizeof(msg)) > 0 &&
	      !strcmp(msg, "invalid \"mtu\"\n\tin\x01 \\config\\"),
	      "error object read back: code %lld", code);
}

static void test_write_escapes(void)
{
	static const char all[] = "\x01\x02\x03\x04\x05\x06\x07\b\t\n\x0b\f"
				  "\r\x0e\x0f\x10\x1f\x7f\"\\/";
	char buf[256], back[64];
	struct json_writer w;
	struct json_doc doc;
	int n;

	json_writer_init(&w, buf, sizeof(buf));
	json_put_strn(&w, "a\0b", 3);
	wrote(&w, "\"a\\u0000b\"", "NUL written as \\u0000");
	json_writer_init(&w, buf, sizeof(buf));
	json_put_str(&w, all);
	wrote(&w, "\"\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b"
		  "\\t\\n\\u000b\\f\\r\\u000e\\u000f\\u0010\\u001f\x7f"
		  "\\\"\\\\/\"",
	      "control characters escaped");
	n = json_parse(&doc, buf, strlen(buf), tok, NTOK);
	CHECK(!n && json_str(&doc, 0, back, sizeof(back)) ==
			    (int)strlen(all) && !strcmp(back, all),
	      "control characters read back");
	json_writer_init(&w, buf, sizeof(buf));
	json_put_str(&w, "ab\xc3");
	CHECK(json_writer_end(&w) == -EILSEQ && !buf[0],
	      "cut UTF-8 refused");
	json_writer_init(&w, buf, sizeof(buf));
	json_obj_begin(&w);
	json_put_key(&w, "\xed\xa0\x80");
	json_put_int(&w, 1);
	json_obj_end(&w);
	CHECK(json_writer_end(&w) == -EILSEQ, "surrogate in a key refused");
}

static void test_write_overflow(void)
{
	char buf[sizeof(result_json) + 1];
	struct json_writer w;
	size_t size, bad = 0;
	int n;

	for (size = 0; size <= sizeof(result_json); size++) {
		memset(buf, 'x', sizeof(buf));
		json_writer_init(&w, buf, size);
		write_result(&w);
		n = json_writer_end(&w);
		if (size < sizeof(result_json) &&
		    (n != -ENOSPC || (size && buf[0]) || buf[size] != 'x'))
			bad++;
		if (size == sizeof(result_json) &&
		    (n != (int)size - 1 || strcmp(buf, result_json)))
			bad++;
	}
	CHECK(!bad, "%zu sizes: -ENOSPC and \"\" until it fits (%zu bad)", size,
	      bad);
}

static void test_write_misuse(void)
{
	char buf[64];
	struct json_writer w;
	int i;

	json_writer_init(&w, buf, sizeof(buf));
	json_obj_begin(&w);
	json_put_int(&w, 1);
	CHECK(json_writer_end(&w) == -EINVAL && !buf[0],
	      "value without a key");
	json_writer_init(&w, buf, sizeof(buf));
	json_arr_begin(&w);
	json_put_key(&w, "k");
	CHECK(json_writer_end(&w) == -EINVAL, "key in an array");
	json_writer_init(&w, buf, sizeof(buf));
	json_obj_begin(&w);
	json_put_key(&w, "k");
	json_obj_end(&w);
	CHECK(json_writer_end(&w) == -EINVAL, "key without a value");
	json_writer_init(&w, buf, sizeof(buf));
	json_arr_begin(&w);
	json_obj_end(&w);
	CHECK(json_writer_end(&w) == -EINVAL, "] expected, } given");
	json_writer_init(&w, buf, sizeof(buf));
	json_put_int(&w, 1);
	json_put_int(&w, 2);
	CHECK(json_writer_end(&w) == -EINVAL, "two top-level values");
	json_writer_init(&w, buf, sizeof(buf));
	json_arr_begin(&w);
	CHECK(json_writer_end(&w) == -EINVAL, "unclosed array");
	json_writer_init(&w, buf, sizeof(buf));
	CHECK(json_writer_end(&w) == -EINVAL, "nothing written");
	json_writer_init(&w, buf, sizeof(buf));
	for (i = 0; i <= JSON_MAX_DEPTH; i++)
		json_arr_begin(&w);
	CHECK(json_writer_end(&w) == -EINVAL, "%d arrays deep refused",
	      JSON_MAX_DEPTH + 1);
}

static void test_write_scalars(void)
{
	char buf[64];
	struct json_writer w;

	json_writer_init(&w, buf, sizeof(buf));
	json_arr_begin(&w);
	json_put_null(&w);
	json_put_bool(&w, 1);
	json_put_bool(&w, 0);
	json_put_int(&w, LLONG_MIN);
	json_arr_begin(&w);
	json_arr_end(&w);
	json_obj_begin(&w);
	json_obj_end(&w);
	json_arr_end(&w);
	wrote(&w, "[null,true,false,-9223372036854775808,[],{}]",
	      "scalars and empty containers");
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
	test_types();
	test_valid();
	test_invalid();
	test_depth();
	test_limits();
	test_strings();
	test_ints();
	test_cni_add();
	test_cni_ipam_subnet();
	test_cni_strict();
	test_cni_gc();
	test_null_absent();
	test_write_result();
	test_write_error();
	test_write_escapes();
	test_write_overflow();
	test_write_misuse();
	test_write_scalars();
	test_put_value();
	return CHECK_DONE();
}

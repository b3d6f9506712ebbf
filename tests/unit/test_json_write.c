// SPDX-License-Identifier: GPL-2.0-or-later
/* test_json_write.c - unit tests of the JSON writer (json_write.c): a
 * CNI result and error, escapes, a buffer too small, misuse; what it
 * writes is read back with json_parse().
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "check.h"
#include "json.h"

#define NTOK 256

static struct json_tok tok[NTOK];

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

int main(void)
{
	test_write_result();
	test_write_error();
	test_write_escapes();
	test_write_overflow();
	test_write_misuse();
	test_write_scalars();
	return CHECK_DONE();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* test_json.c - unit tests of the JSON reader: json_parse() and the
 * getters (json_parse.c, json_get.c, json_string.c).
 */
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

int main(void)
{
	test_types();
	test_valid();
	test_invalid();
	test_depth();
	test_limits();
	test_strings();
	test_ints();
	test_null_absent();
	return CHECK_DONE();
}

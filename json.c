// SPDX-License-Identifier: GPL-2.0-or-later
/* json.c - a small strict JSON reader and writer (RFC 8259); see json.h
 * for what is accepted and why.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

_Static_assert(JSON_MAX_DEPTH <= 32, "the writer keeps a bit per depth");

/* --- UTF-8 (RFC 3629, section 4) */

/* Length of the well-formed UTF-8 sequence at @s, which has @avail > 0
 * bytes; 0 if it is ill-formed or cut short.
 */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0; /* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f; /* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90; /* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* Encodes @cp (at most U+10FFFF, not a surrogate) into @u. */
static unsigned int utf8_put(unsigned char *u, unsigned long cp)
{
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	u[0] = (unsigned char)(0xf0 | cp >> 18);
	u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	u[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* --- escapes */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The code unit of the "\uXXXX" at @s (@n bytes there), -1 if none. */
static long uesc(const char *s, size_t n)
{
	long v = 0;
	int i, d;

	if (n < 6 || s[0] != '\\' || s[1] != 'u')
		return -1;
	for (i = 2; i < 6; i++) {
		d = hexval(s[i]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Length of the valid escape at @s (a backslash, @n bytes there): 2, 6,
 * or 12 for a surrogate pair; 0 and a reason in *why if invalid.
 */
static size_t esc_len(const char *s, size_t n, const char **why)
{
	long hi, lo;

	*why = "invalid escape in string";
	if (n < 2)
		return 0;
	if (memchr("\"\\/bfnrt", s[1], 8))
		return 2;
	hi = uesc(s, n);
	if (hi < 0)
		return 0;
	if (hi < 0xd800 || hi > 0xdfff)
		return 6;
	*why = "lone surrogate in \\u escape";
	lo = hi <= 0xdbff ? uesc(s + 6, n - 6) : -1;
	if (lo < 0xdc00 || lo > 0xdfff)
		return 0;
	return 12;
}

/* Decodes a validated string token byte by byte, without a buffer. */
struct chars {
	const char *s;
	const char *end;
	unsigned char u[4];
	unsigned int n, i;
};

static void chars_init(struct chars *c, const struct json_doc *doc,
		       const struct json_tok *t)
{
	c->s = doc->text + t->start;
	c->end = c->s + t->len;
	c->n = c->i = 0;
}

/* The one-letter escapes that stand for another byte (RFC 8259, 7). */
static const char short_esc[] = "bfnrt";
static const char short_val[] = "\b\f\n\r\t";

/* The next byte of the decoded string, -1 at its end. */
static int chars_next(struct chars *c)
{
	const char *e;
	long cp;

	if (c->i < c->n)
		return c->u[c->i++];
	if (c->s == c->end)
		return -1;
	if (*c->s != '\\')
		return (unsigned char)*c->s++;
	c->s += 2;
	e = memchr(short_esc, c->s[-1], sizeof(short_esc) - 1);
	if (e)
		return short_val[e - short_esc];
	if (c->s[-1] != 'u')
		return (unsigned char)c->s[-1]; /* " \ / */
	cp = uesc(c->s - 2, 6);
	c->s += 4;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		cp = 0x10000 + ((cp - 0xd800) << 10) +
		     (uesc(c->s, 6) - 0xdc00);
		c->s += 6;
	}
	c->n = utf8_put(c->u, (unsigned long)cp);
	c->i = 1;
	return c->u[0];
}

/* FNV-1a, 32 bits (draft-eastlake-fnv): cheap, and spreads short keys. */
#define HASH_INIT 2166136261u

static uint32_t hash_byte(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}

static uint32_t str_hash(const struct json_doc *doc, const struct json_tok *t)
{
	uint32_t h = HASH_INIT;
	struct chars c;
	int x;

	chars_init(&c, doc, t);
	while ((x = chars_next(&c)) >= 0)
		h = hash_byte(h, (unsigned char)x);
	return h;
}

/* Two validated string tokens decode to the same bytes. */
static int same_str(const struct json_doc *doc, const struct json_tok *a,
		    const struct json_tok *b)
{
	struct chars ca, cb;
	int x;

	if (!a->esc && !b->esc)
		return a->len == b->len &&
		       !memcmp(doc->text + a->start, doc->text + b->start,
			       a->len);
	chars_init(&ca, doc, a);
	chars_init(&cb, doc, b);
	do {
		x = chars_next(&ca);
		if (x != chars_next(&cb))
			return 0;
	} while (x >= 0);
	return 1;
}

/* A validated string token decodes to the C string @s. */
static int str_is(const struct json_doc *doc, const struct json_tok *t,
		  const char *s)
{
	struct chars c;
	int x;

	chars_init(&c, doc, t);
	while ((x = chars_next(&c)) >= 0)
		if (!*s || x != (unsigned char)*s++)
			return 0;
	return !*s;
}

/* --- the parser */

struct parser {
	struct json_doc *doc;
	size_t pos;
	unsigned int depth;
	uint32_t open[JSON_MAX_DEPTH]; /* token of each open container */
};

static int fail_at(struct parser *p, size_t at, const char *why, int err)
{
	p->doc->why = why;
	p->doc->at = at;
	return err;
}

static int fail(struct parser *p, size_t at, const char *why)
{
	return fail_at(p, at, why, -EINVAL);
}

static void skip_ws(struct parser *p)
{
	const char *s = p->doc->text;

	while (p->pos < p->doc->len && (s[p->pos] == ' ' || s[p->pos] == '\t' ||
					s[p->pos] == '\n' || s[p->pos] == '\r'))
		p->pos++;
}

/* A new token starting at @at: its index, or -E2BIG. */
static int add_tok(struct parser *p, size_t at, enum json_type type)
{
	struct json_doc *doc = p->doc;
	struct json_tok *t;

	if (doc->ntok >= doc->max)
		return fail_at(p, at, "too many values", -E2BIG);
	t = &doc->tok[doc->ntok++];
	memset(t, 0, sizeof(*t));
	t->type = (uint8_t)type;
	t->start = (uint32_t)at;
	t->next = doc->ntok;
	return (int)doc->ntok - 1;
}

/* The string whose opening quote is at p->pos, into token @i. */
static int scan_string(struct parser *p, int i)
{
	struct json_tok *t = &p->doc->tok[i];
	const char *s = p->doc->text, *why = "invalid UTF-8 in string";
	size_t n = p->doc->len, at = p->pos + 1, k;

	t->start = (uint32_t)at;
	while (at < n && s[at] != '"') {
		if ((unsigned char)s[at] < 0x20)
			return fail(p, at, "control character in string");
		if (s[at] == '\\') {
			k = esc_len(s + at, n - at, &why);
			t->esc = 1;
		} else {
			k = utf8_len((const unsigned char *)s + at, n - at);
		}
		if (!k)
			return fail(p, at, why);
		at += k;
	}
	if (at == n)
		return fail(p, n, "unterminated string");
	t->len = (uint32_t)(at - t->start);
	p->pos = at + 1;
	return 0;
}

/* RFC 8259 section 6: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
static int number_ok(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i == n;
}

static int is_numchar(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
	       c == 'e' || c == 'E';
}

/* A number or literal at p->pos: the longest run of the bytes it may
 * be made of must be exactly one, so "01" or "truex" is one bad value.
 */
static int scan_word(struct parser *p, int i)
{
	struct json_tok *t = &p->doc->tok[i];
	const char *s = p->doc->text + p->pos;
	size_t n = 0, left = p->doc->len - p->pos;

	if (t->type == JSON_NUMBER) {
		while (n < left && is_numchar(s[n]))
			n++;
		if (!number_ok(s, n))
			return fail(p, p->pos, "invalid number");
	} else {
		while (n < left && s[n] >= 'a' && s[n] <= 'z')
			n++;
		if (n == 4 && !memcmp(s, "true", 4))
			t->type = JSON_TRUE;
		else if (n == 5 && !memcmp(s, "false", 5))
			t->type = JSON_FALSE;
		else if (n != 4 || memcmp(s, "null", 4))
			return fail(p, p->pos, "invalid literal");
	}
	t->len = (uint32_t)n;
	p->pos += n;
	return 0;
}

static void close_top(struct parser *p)
{
	struct json_tok *t = &p->doc->tok[p->open[--p->depth]];

	t->next = p->doc->ntok;
	t->len = (uint32_t)(p->pos - t->start);
}

/* '{' or '[' at p->pos: 1 if members follow, 0 if it closed at once. */
static int open_container(struct parser *p, char c)
{
	char end = c == '{' ? '}' : ']';
	int i;

	if (p->depth == JSON_MAX_DEPTH)
		return fail_at(p, p->pos, "nesting too deep", -E2BIG);
	i = add_tok(p, p->pos, c == '{' ? JSON_OBJECT : JSON_ARRAY);
	if (i < 0)
		return i;
	p->open[p->depth++] = (uint32_t)i;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->doc->len && p->doc->text[p->pos] == end) {
		p->pos++;
		close_top(p);
		return 0;
	}
	return 1;
}

/* The value at p->pos: 1 if it opened a container with members to
 * come, 0 if it is complete, or an error.
 */
static int parse_value(struct parser *p)
{
	enum json_type type;
	char c;
	int i;

	skip_ws(p);
	if (p->pos == p->doc->len)
		return fail(p, p->pos, "unexpected end, expected a value");
	c = p->doc->text[p->pos];
	if (c == '{' || c == '[')
		return open_container(p, c);
	if (c == '"')
		type = JSON_STRING;
	else if (c == '-' || (c >= '0' && c <= '9'))
		type = JSON_NUMBER;
	else if (c >= 'a' && c <= 'z')
		type = JSON_NULL; /* or true, false: scan_word() says */
	else
		return fail(p, p->pos, "expected a value");
	i = add_tok(p, p->pos, type);
	if (i < 0)
		return i;
	return type == JSON_STRING ? scan_string(p, i) : scan_word(p, i);
}

/* Key @key of the open object @obj equals an earlier one. */
static int duplicate(const struct json_doc *doc, uint32_t obj, int key)
{
	uint32_t k;

	for (k = obj + 1; k < (uint32_t)key; k = doc->tok[k + 1].next)
		if (doc->tok[k].hash == doc->tok[key].hash &&
		    same_str(doc, &doc->tok[k], &doc->tok[key]))
			return 1;
	return 0;
}

/* A member's key and its colon, in the innermost open object. */
static int parse_key(struct parser *p)
{
	int i, err;

	skip_ws(p);
	if (p->pos == p->doc->len)
		return fail(p, p->pos, "unexpected end, expected a key");
	if (p->doc->text[p->pos] != '"')
		return fail(p, p->pos, "expected a string key");
	i = add_tok(p, p->pos, JSON_STRING);
	if (i < 0)
		return i;
	err = scan_string(p, i);
	if (err)
		return err;
	p->doc->tok[i].hash = str_hash(p->doc, &p->doc->tok[i]);
	if (duplicate(p->doc, p->open[p->depth - 1], i))
		return fail(p, p->doc->tok[i].start - 1, "duplicate key");
	skip_ws(p);
	if (p->pos == p->doc->len || p->doc->text[p->pos] != ':')
		return fail(p, p->pos, "expected ':' after a key");
	p->pos++;
	return 0;
}

/* After a complete value: counts it and closes what it completes; 0
 * when another member follows (its comma read), 1 at the end.
 */
static int after_value(struct parser *p)
{
	struct json_tok *top;
	char end;

	for (;;) {
		skip_ws(p);
		if (!p->depth) {
			if (p->pos < p->doc->len)
				return fail(p, p->pos, "trailing characters "
						       "after the document");
			return 1;
		}
		top = &p->doc->tok[p->open[p->depth - 1]];
		top->count++;
		end = top->type == JSON_OBJECT ? '}' : ']';
		if (p->pos == p->doc->len)
			return fail(p, p->pos, "unexpected end of document");
		if (p->doc->text[p->pos] == ',') {
			p->pos++;
			return 0;
		}
		if (p->doc->text[p->pos] != end)
			return fail(p, p->pos,
				    end == '}' ? "expected ',' or '}'"
					       : "expected ',' or ']'");
		p->pos++;
		close_top(p);
	}
}

static int parse(struct parser *p)
{
	int r;

	for (;;) {
		if (p->depth &&
		    p->doc->tok[p->open[p->depth - 1]].type == JSON_OBJECT) {
			r = parse_key(p);
			if (r)
				return r;
		}
		r = parse_value(p);
		if (r < 0)
			return r;
		if (r == 1)
			continue; /* read the container's first member */
		r = after_value(p);
		if (r)
			return r < 0 ? r : 0;
	}
}

/**
 * json_parse() - parse one JSON document into the caller's tokens
 * @doc:	filled: the document, its tokens, or the error
 * @text:	the document (need not be NUL-terminated)
 * @len:	its length, at most JSON_MAX_LEN
 * @tok:	token array
 * @max:	its size; a value or key takes one token
 *
 * Return: 0, and the root value is token 0; -EINVAL if @text is not
 * valid JSON, -E2BIG if it is too long, too deep or has more than @max
 * tokens; then @doc->why and @doc->at say what and where, and no token
 * is in use.
 */
int json_parse(struct json_doc *doc, const char *text, size_t len,
	       struct json_tok *tok, unsigned int max)
{
	struct parser p = { .doc = doc };
	int err;

	memset(doc, 0, sizeof(*doc));
	doc->text = text;
	doc->len = len;
	doc->tok = tok;
	doc->max = max < JSON_MAX_LEN ? max : JSON_MAX_LEN;
	if (len > JSON_MAX_LEN)
		err = fail_at(&p, JSON_MAX_LEN, "document too large", -E2BIG);
	else
		err = parse(&p);
	if (err)
		doc->ntok = 0;
	return err;
}

/**
 * json_errmsg() - the last error of @doc as one line
 * @doc:	a document json_parse() or a getter failed on
 * @buf:	where to write: "\"mtu\": integer out of range at offset 57"
 * @size:	its size
 *
 * Return: the length of the line, or -ENOSPC if it did not fit whole.
 */
int json_errmsg(const struct json_doc *doc, char *buf, size_t size)
{
	const char *why = doc->why ? doc->why : "no error";
	int n;

	if (doc->key)
		n = snprintf(buf, size, "\"%s\": %s at offset %zu", doc->key,
			     why, doc->at);
	else
		n = snprintf(buf, size, "%s at offset %zu", why, doc->at);
	return n >= 0 && (size_t)n < size ? n : -ENOSPC;
}

/* --- walking the tokens */

static const struct json_tok *tok_of(const struct json_doc *doc, int t)
{
	return t >= 0 && (unsigned int)t < doc->ntok ? &doc->tok[t] : NULL;
}

/**
 * json_type() - the type of a token
 * @doc:	parsed document
 * @t:		token index
 *
 * Return: an enum json_type, or -EINVAL if @t is not a token of @doc.
 */
int json_type(const struct json_doc *doc, int t)
{
	const struct json_tok *tk = tok_of(doc, t);

	return tk ? tk->type : -EINVAL;
}

/**
 * json_count() - members of an object or elements of an array
 * @doc:	parsed document
 * @t:		token index
 *
 * Return: the count; 0 for any other value or a bad index.
 */
unsigned int json_count(const struct json_doc *doc, int t)
{
	const struct json_tok *tk = tok_of(doc, t);

	return tk ? tk->count : 0;
}

/**
 * json_first() - the first element of an array, or first key of an object
 * @doc:	parsed document
 * @t:		the array or object
 *
 * An object's key k has its value at k + 1.
 *
 * Return: a token index, -ENOENT if @t is empty or not a container.
 */
int json_first(const struct json_doc *doc, int t)
{
	const struct json_tok *tk = tok_of(doc, t);

	if (!tk || tk->type < JSON_ARRAY || !tk->count)
		return -ENOENT;
	return t + 1;
}

/**
 * json_next() - the element (array) or key (object) after @t
 * @doc:	parsed document
 * @parent:	the array or object
 * @t:		one of its elements, or keys
 *
 * Return: a token index, -ENOENT after the last one.
 */
int json_next(const struct json_doc *doc, int parent, int t)
{
	const struct json_tok *p = tok_of(doc, parent), *tk = tok_of(doc, t);
	uint32_t n;

	if (!p || !tk || p->type < JSON_ARRAY || t <= parent)
		return -ENOENT;
	if (p->type == JSON_OBJECT) {
		tk = tok_of(doc, t + 1);
		if (!tk)
			return -ENOENT;
	}
	n = tk->next;
	return n < p->next ? (int)n : -ENOENT;
}

/**
 * json_get() - the value of a key of an object
 * @doc:	parsed document
 * @obj:	the object
 * @key:	the key, compared with each key's decoded bytes
 *
 * Return: the value's token index; -ENOENT if the key is absent, or
 * -EINVAL if @obj is not an object.
 */
int json_get(const struct json_doc *doc, int obj, const char *key)
{
	uint32_t h = HASH_INIT;
	const char *c;
	int k;

	if (json_type(doc, obj) != JSON_OBJECT)
		return -EINVAL;
	for (c = key; *c; c++)
		h = hash_byte(h, (unsigned char)*c);
	for (k = json_first(doc, obj); k >= 0; k = json_next(doc, obj, k))
		if (doc->tok[k].hash == h && str_is(doc, &doc->tok[k], key))
			return k + 1;
	return -ENOENT;
}

/* --- typed getters */

static int bad(struct json_doc *doc, int t, const char *why, int err)
{
	const struct json_tok *tk = tok_of(doc, t);

	doc->why = why;
	doc->at = 0;
	if (tk)
		doc->at = tk->type == JSON_STRING ? tk->start - 1 : tk->start;
	doc->key = NULL;
	return err;
}

/**
 * json_str() - a string value, decoded, into a buffer
 * @doc:	parsed document; gets the reason on failure
 * @t:		the string's token
 * @buf:	where to put it, NUL-terminated ("" on failure)
 * @size:	size of @buf
 *
 * Return: its length; -EINVAL if @t is not a string or holds a NUL
 * (\u0000), -ERANGE if it does not fit.
 */
int json_str(struct json_doc *doc, int t, char *buf, size_t size)
{
	struct chars c;
	size_t n = 0;
	int x, err = 0;

	if (json_type(doc, t) != JSON_STRING)
		err = bad(doc, t, "expected a string", -EINVAL);
	else if (!size)
		err = bad(doc, t, "string too long", -ERANGE);
	if (err)
		goto out;
	chars_init(&c, doc, &doc->tok[t]);
	while ((x = chars_next(&c)) >= 0) {
		if (!x) {
			err = bad(doc, t, "string contains NUL", -EINVAL);
			goto out;
		}
		if (n + 1 >= size || n >= INT_MAX) {
			err = bad(doc, t, "string too long", -ERANGE);
			goto out;
		}
		buf[n++] = (char)x;
	}
	buf[n] = '\0';
	return (int)n;
out:
	if (size)
		buf[0] = '\0';
	return err;
}

/**
 * json_int() - an integer value, range-checked
 * @doc:	parsed document; gets the reason on failure
 * @t:		the number's token
 * @min:	smallest value accepted
 * @max:	largest value accepted
 * @val:	result
 *
 * Return: 0; -EINVAL if @t is not a number written as an integer (no
 * fraction, no exponent: 80.0 and 8e1 are refused, as Go refuses them
 * for an int), -ERANGE if it is outside @min..@max.
 */
int json_int(struct json_doc *doc, int t, long long min, long long max,
	     long long *val)
{
	const unsigned long long big = (unsigned long long)LLONG_MAX;
	unsigned long long v = 0, limit;
	const struct json_tok *tk = tok_of(doc, t);
	const char *s;
	size_t i;
	long long r;

	if (!tk || tk->type != JSON_NUMBER)
		return bad(doc, t, "expected an integer", -EINVAL);
	s = doc->text + tk->start;
	for (i = 0; i < tk->len; i++)
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			return bad(doc, t, "expected an integer", -EINVAL);
	i = s[0] == '-';
	limit = i ? big + 1 : big;
	for (; i < tk->len; i++) {
		if (v > (limit - (unsigned long long)(s[i] - '0')) / 10)
			return bad(doc, t, "integer out of range", -ERANGE);
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	if (s[0] != '-')
		r = (long long)v;
	else
		r = v > big ? LLONG_MIN : -(long long)v;
	if (r < min || r > max)
		return bad(doc, t, "integer out of range", -ERANGE);
	*val = r;
	return 0;
}

/**
 * json_bool() - a true or false value
 * @doc:	parsed document; gets the reason on failure
 * @t:		the token
 * @val:	1 or 0
 *
 * Return: 0, or -EINVAL if @t is neither true nor false.
 */
int json_bool(struct json_doc *doc, int t, int *val)
{
	int type = json_type(doc, t);

	if (type != JSON_TRUE && type != JSON_FALSE)
		return bad(doc, t, "expected true or false", -EINVAL);
	*val = type == JSON_TRUE;
	return 0;
}

static const char *const expected[] = {
	[JSON_NULL] = "expected null",
	[JSON_FALSE] = "expected true or false",
	[JSON_TRUE] = "expected true or false",
	[JSON_NUMBER] = "expected a number",
	[JSON_STRING] = "expected a string",
	[JSON_ARRAY] = "expected an array",
	[JSON_OBJECT] = "expected an object",
};

/* @err from a getter of @key's value: the error names the key. */
static int keyed(struct json_doc *doc, const char *key, int err)
{
	if (err < 0)
		doc->key = key;
	return err;
}

/* The value of @key in @obj; absent or null is -ENOENT. */
static int lookup(struct json_doc *doc, int obj, const char *key)
{
	int t;

	if (json_type(doc, obj) != JSON_OBJECT)
		t = bad(doc, obj, "expected an object", -EINVAL);
	else if ((t = json_get(doc, obj, key)) < 0 ||
		 doc->tok[t].type == JSON_NULL)
		t = bad(doc, obj, "missing", -ENOENT);
	return keyed(doc, key, t);
}

/**
 * json_get_as() - the value of a key, which must have a given type
 * @doc:	parsed document; gets the reason and the key on failure
 * @obj:	the object
 * @key:	the key
 * @type:	the type wanted; JSON_TRUE or JSON_FALSE means either
 *
 * Return: the value's token index; -ENOENT if the key is absent or null,
 * -EINVAL if the value has another type or @obj is not an object.
 */
int json_get_as(struct json_doc *doc, int obj, const char *key,
		enum json_type type)
{
	int t = lookup(doc, obj, key), have;

	if (t < 0)
		return t;
	if ((unsigned int)type > JSON_OBJECT)
		return keyed(doc, key, bad(doc, t, "no such type", -EINVAL));
	have = doc->tok[t].type;
	if (have == JSON_TRUE)
		have = JSON_FALSE;
	if (type == JSON_TRUE)
		type = JSON_FALSE;
	if (have != (int)type)
		return keyed(doc, key, bad(doc, t, expected[type], -EINVAL));
	return t;
}

/**
 * json_get_str() - json_get() and json_str() of a key
 * @doc:	parsed document; gets the reason and the key on failure
 * @obj:	the object
 * @key:	the key
 * @buf:	where to put the string, NUL-terminated
 * @size:	size of @buf
 *
 * Return: the string's length; -ENOENT if absent or null, else as
 * json_str().
 */
int json_get_str(struct json_doc *doc, int obj, const char *key, char *buf,
		 size_t size)
{
	int t = lookup(doc, obj, key);

	if (t < 0) {
		if (size)
			buf[0] = '\0';
		return t;
	}
	return keyed(doc, key, json_str(doc, t, buf, size));
}

/**
 * json_get_int() - json_get() and json_int() of a key
 * @doc:	parsed document; gets the reason and the key on failure
 * @obj:	the object
 * @key:	the key
 * @min:	smallest value accepted
 * @max:	largest value accepted
 * @val:	result, untouched on failure
 *
 * Return: 0; -ENOENT if absent or null, else as json_int().
 */
int json_get_int(struct json_doc *doc, int obj, const char *key,
		 long long min, long long max, long long *val)
{
	int t = lookup(doc, obj, key);

	if (t < 0)
		return t;
	return keyed(doc, key, json_int(doc, t, min, max, val));
}

/**
 * json_get_bool() - json_get() and json_bool() of a key
 * @doc:	parsed document; gets the reason and the key on failure
 * @obj:	the object
 * @key:	the key
 * @val:	result, untouched on failure
 *
 * Return: 0; -ENOENT if absent or null, else as json_bool().
 */
int json_get_bool(struct json_doc *doc, int obj, const char *key, int *val)
{
	int t = lookup(doc, obj, key);

	if (t < 0)
		return t;
	return keyed(doc, key, json_bool(doc, t, val));
}

/* --- the writer */

/**
 * json_writer_init() - start a document in a buffer
 * @w:		writer state
 * @buf:	the buffer
 * @size:	its size, including room for a NUL
 */
void json_writer_init(struct json_writer *w, char *buf, size_t size)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->size = size;
	if (size)
		buf[0] = '\0';
	else
		w->err = -ENOSPC;
}

/* The first error sticks, and what was written is dropped. */
static void wfail(struct json_writer *w, int err)
{
	if (!w->err)
		w->err = err;
	w->len = 0;
	if (w->size)
		w->buf[0] = '\0';
}

static void put(struct json_writer *w, const char *s, size_t n)
{
	if (w->err)
		return;
	if (n >= w->size - w->len) {
		wfail(w, -ENOSPC);
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static uint32_t top_bit(const struct json_writer *w)
{
	return 1u << (w->depth - 1);
}

/* Before a key (@is_key) or a value: the comma, or -1 on misuse. */
static int begin_item(struct json_writer *w, int is_key)
{
	uint32_t bit;

	if (w->err)
		return -1;
	if (!w->depth) {
		if (w->done || is_key)
			goto misuse;
		return 0;
	}
	bit = top_bit(w);
	if (w->object & bit) {
		if (is_key == w->key)
			goto misuse; /* two keys, or a value without one */
		if (!is_key) {
			w->key = 0;
			return 0;
		}
	} else if (is_key) {
		goto misuse;
	}
	if (w->used & bit)
		put(w, ",", 1);
	w->used |= bit;
	return w->err ? -1 : 0;
misuse:
	wfail(w, -EINVAL);
	return -1;
}

static void end_item(struct json_writer *w)
{
	if (!w->depth)
		w->done = 1;
}

/* Byte @c of a string: escaped if it is a quote, a backslash or a
 * control character (RFC 8259, section 7), else as it is.
 */
static void put_esc(struct json_writer *w, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
	const char *e = c ? memchr(short_val, c, sizeof(short_val) - 1) : NULL;

	if (c == '"' || c == '\\') {
		u[1] = (char)c;
		put(w, u, 2);
	} else if (e) {
		u[1] = short_esc[e - short_val];
		put(w, u, 2);
	} else if (c < 0x20) {
		put(w, u, 6);
	} else {
		put(w, (const char *)&c, 1);
	}
}

/* A byte a string may hold as it is. */
static int plain(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\';
}

/* @s, @n bytes of UTF-8, as a quoted string. */
static void put_string(struct json_writer *w, const char *s, size_t n)
{
	size_t i, run;

	for (i = 0; i < n; i += run) {
		run = utf8_len((const unsigned char *)s + i, n - i);
		if (!run) {
			wfail(w, -EILSEQ);
			return;
		}
	}
	put(w, "\"", 1);
	for (i = 0; i < n; i++) {
		for (run = 0; i + run < n && plain((unsigned char)s[i + run]);
		     run++)
			;
		put(w, s + i, run);
		i += run;
		if (i < n)
			put_esc(w, (unsigned char)s[i]);
	}
	put(w, "\"", 1);
}

/**
 * json_writer_end() - finish the document
 * @w:		writer state
 *
 * Return: its length (@w->buf holds it, NUL-terminated); the first
 * error of the writer: -ENOSPC if it did not fit, -EILSEQ if a string
 * was not UTF-8, -EINVAL if the calls did not make one complete value
 * (@w->buf is then "").
 */
int json_writer_end(struct json_writer *w)
{
	if (!w->err && (!w->done || w->len > INT_MAX))
		wfail(w, -EINVAL);
	return w->err ? w->err : (int)w->len;
}

static void open_item(struct json_writer *w, char c, int object)
{
	uint32_t bit;

	if (begin_item(w, 0))
		return;
	if (w->depth == JSON_MAX_DEPTH) {
		wfail(w, -EINVAL);
		return;
	}
	put(w, &c, 1);
	bit = 1u << w->depth++;
	w->used &= ~bit;
	if (object)
		w->object |= bit;
	else
		w->object &= ~bit;
}

static void close_item(struct json_writer *w, char c, int object)
{
	if (w->err)
		return;
	if (!w->depth || !(w->object & top_bit(w)) != !object || w->key) {
		wfail(w, -EINVAL);
		return;
	}
	put(w, &c, 1);
	w->depth--;
	end_item(w);
}

/**
 * json_obj_begin() - open an object (after its key, in an object)
 * @w:		writer state
 */
void json_obj_begin(struct json_writer *w)
{
	open_item(w, '{', 1);
}

/**
 * json_obj_end() - close the innermost container, an object
 * @w:		writer state
 */
void json_obj_end(struct json_writer *w)
{
	close_item(w, '}', 1);
}

/**
 * json_arr_begin() - open an array (after its key, in an object)
 * @w:		writer state
 */
void json_arr_begin(struct json_writer *w)
{
	open_item(w, '[', 0);
}

/**
 * json_arr_end() - close the innermost container, an array
 * @w:		writer state
 */
void json_arr_end(struct json_writer *w)
{
	close_item(w, ']', 0);
}

/**
 * json_put_key() - the key of the next member of the innermost object
 * @w:		writer state
 * @key:	the key, UTF-8
 */
void json_put_key(struct json_writer *w, const char *key)
{
	if (begin_item(w, 1))
		return;
	put_string(w, key, strlen(key));
	put(w, ":", 1);
	w->key = 1;
}

/**
 * json_put_strn() - a string value of @len bytes (a NUL becomes \u0000)
 * @w:		writer state
 * @s:		the bytes, UTF-8
 * @len:	how many
 */
void json_put_strn(struct json_writer *w, const char *s, size_t len)
{
	if (begin_item(w, 0))
		return;
	put_string(w, s, len);
	end_item(w);
}

/**
 * json_put_str() - a string value
 * @w:		writer state
 * @s:		the string, UTF-8
 */
void json_put_str(struct json_writer *w, const char *s)
{
	json_put_strn(w, s, strlen(s));
}

/**
 * json_put_int() - an integer value
 * @w:		writer state
 * @v:		the value
 */
void json_put_int(struct json_writer *w, long long v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%lld", v);

	if (begin_item(w, 0))
		return;
	put(w, buf, (size_t)n);
	end_item(w);
}

static void put_word(struct json_writer *w, const char *s)
{
	if (begin_item(w, 0))
		return;
	put(w, s, strlen(s));
	end_item(w);
}

/**
 * json_put_bool() - true or false
 * @w:		writer state
 * @v:		non-zero for true
 */
void json_put_bool(struct json_writer *w, int v)
{
	put_word(w, v ? "true" : "false");
}

/**
 * json_put_null() - null
 * @w:		writer state
 */
void json_put_null(struct json_writer *w)
{
	put_word(w, "null");
}

/**
 * json_put_kstr() - a member whose value is a string
 * @w:		writer state
 * @key:	the key
 * @s:		the value
 */
void json_put_kstr(struct json_writer *w, const char *key, const char *s)
{
	json_put_key(w, key);
	json_put_str(w, s);
}

/**
 * json_put_kint() - a member whose value is an integer
 * @w:		writer state
 * @key:	the key
 * @v:		the value
 */
void json_put_kint(struct json_writer *w, const char *key, long long v)
{
	json_put_key(w, key);
	json_put_int(w, v);
}

/* A string token, decoded and escaped again, as a key or a value. */
static void put_tok_string(struct json_writer *w, const struct json_doc *doc,
			   const struct json_tok *t)
{
	struct chars c;
	int x;

	put(w, "\"", 1);
	if (!t->esc) {
		/* no quote, backslash or control character: as it is */
		put(w, doc->text + t->start, t->len);
	} else {
		chars_init(&c, doc, t);
		while ((x = chars_next(&c)) >= 0)
			put_esc(w, (unsigned char)x);
	}
	put(w, "\"", 1);
}

/* Token @t (not its members): a key, a scalar or an opening bracket. */
static void put_tok(struct json_writer *w, const struct json_doc *doc,
		    const struct json_tok *t)
{
	int key = w->depth && (w->object & top_bit(w)) && !w->key;

	if (t->type == JSON_OBJECT || t->type == JSON_ARRAY) {
		open_item(w, t->type == JSON_OBJECT ? '{' : '[',
			  t->type == JSON_OBJECT);
		return;
	}
	if (key && t->type != JSON_STRING) {
		wfail(w, -EINVAL);
		return;
	}
	if (begin_item(w, key))
		return;
	if (t->type == JSON_STRING)
		put_tok_string(w, doc, t);
	else
		put(w, doc->text + t->start, t->len); /* checked number */
	if (key) {
		put(w, ":", 1);
		w->key = 1;
	} else {
		end_item(w);
	}
}

static void close_any(struct json_writer *w)
{
	if (w->depth && (w->object & top_bit(w)))
		json_obj_end(w);
	else
		json_arr_end(w);
}

/**
 * json_put_value() - a value of a parsed document, with all it holds
 * @w:		writer state
 * @doc:	parsed document
 * @t:		the value's token (e.g. "prevResult", to pass it on)
 *
 * Strings are decoded and escaped again, numbers copied as written:
 * what json_parse() makes of the output is the same tree.
 */
void json_put_value(struct json_writer *w, const struct json_doc *doc, int t)
{
	const struct json_tok *tk = tok_of(doc, t);
	uint32_t end[JSON_MAX_DEPTH], i;
	unsigned int n = 0;

	if (!tk) {
		wfail(w, -EINVAL);
		return;
	}
	for (i = (uint32_t)t; i < tk->next && !w->err; i++) {
		for (; n && end[n - 1] == i; n--)
			close_any(w);
		put_tok(w, doc, &doc->tok[i]);
		if (doc->tok[i].type >= JSON_ARRAY) {
			if (n == JSON_MAX_DEPTH) {
				wfail(w, -EINVAL);
				return;
			}
			end[n++] = doc->tok[i].next;
		}
	}
	while (n--)
		close_any(w);
}

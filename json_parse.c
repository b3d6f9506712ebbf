// SPDX-License-Identifier: GPL-2.0-or-later
/* json_parse.c - json_parse(): one JSON document (RFC 8259) checked and
 * cut into tokens by a loop with an explicit stack; see json.h.
 */
#include <errno.h>
#include <string.h>

#include "json_int.h"

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
			k = json_esc_len(s + at, n - at, &why);
			t->esc = 1;
		} else {
			k = json_utf8_len((const unsigned char *)s + at,
					  n - at);
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
		    json_same_str(doc, &doc->tok[k], &doc->tok[key]))
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
	p->doc->tok[i].hash = json_str_hash(p->doc, &p->doc->tok[i]);
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

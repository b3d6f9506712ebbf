// SPDX-License-Identifier: GPL-2.0-or-later
/* json_write.c - the JSON writer: compact output into the caller's
 * buffer, commas, colons and escapes its own job; see json.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "json_int.h"

_Static_assert(JSON_MAX_DEPTH <= 32, "the writer keeps a bit per depth");

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
	char e = json_esc_letter(c);

	if (c == '"' || c == '\\') {
		u[1] = (char)c;
		put(w, u, 2);
	} else if (e) {
		u[1] = e;
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
		run = json_utf8_len((const unsigned char *)s + i, n - i);
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
	struct json_chars c;
	int x;

	put(w, "\"", 1);
	if (!t->esc) {
		/* no quote, backslash or control character: as it is */
		put(w, doc->text + t->start, t->len);
	} else {
		json_chars_init(&c, doc, t);
		while ((x = json_chars_next(&c)) >= 0)
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
	const struct json_tok *tk = json_tok_of(doc, t);
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

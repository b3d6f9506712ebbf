/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ref_json.h - a reference reading of JSON for fuzz_json.c, written
 * apart from json_parse.c and differently (recursive descent, strings
 * decoded into an arena, UTF-8 decoded to code points and range-checked,
 * numbers by a state machine, duplicate keys by memcmp of the decoded
 * keys), so the two can be compared: same verdict, same error offset,
 * same tokens.
 *
 * The rules it shares with json_parse.c are json.h's: JSON_MAX_DEPTH,
 * one token per value and key, errors at the first byte of what is
 * wrong (a bad number or literal: its first byte; a bad escape: its
 * backslash; a bad UTF-8 sequence: its first byte; a duplicate key: its
 * opening quote), a full token array before anything is read of the
 * value.
 */
#ifndef NSRUN_FUZZ_REF_JSON_H
#define NSRUN_FUZZ_REF_JSON_H

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct rj_tok {
	int type;
	int esc;
	size_t start, len; /* as struct json_tok */
	size_t off, dlen;  /* strings: decoded bytes in the arena */
	unsigned int count, next;
};

struct rj {
	const unsigned char *s;
	size_t n, pos;
	struct rj_tok *tok;
	unsigned int ntok, max;
	unsigned char *arena;
	size_t used;
	unsigned int *keys; /* keys of the open objects, innermost last */
	unsigned int nkeys;
	int err;
	size_t at;
};

static inline int rj_fail(struct rj *r, size_t at, int err)
{
	r->err = err;
	r->at = at;
	return -1;
}

static inline void rj_ws(struct rj *r)
{
	while (r->pos < r->n && strchr(" \t\r\n", r->s[r->pos]) &&
	       r->s[r->pos])
		r->pos++;
}

static inline int rj_add(struct rj *r, int type, size_t start)
{
	struct rj_tok *t;

	if (r->ntok == r->max)
		return rj_fail(r, start, -E2BIG);
	t = &r->tok[r->ntok];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->start = start;
	t->next = ++r->ntok;
	return (int)r->ntok - 1;
}

static inline void rj_emit(struct rj *r, unsigned long cp)
{
	unsigned char *o = r->arena + r->used;
	int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4, i;

	for (i = n - 1; i > 0; i--) {
		o[i] = (unsigned char)(0x80 + cp % 64);
		cp /= 64;
	}
	o[0] = (unsigned char)(n == 1 ? cp : (0xf00u >> n & 0xff) + cp);
	r->used += (size_t)n;
}

/* 4 hex digits at @at, or -1. */
static inline long rj_hex4(const struct rj *r, size_t at)
{
	static const char digits[] = "0123456789abcdef0123456789ABCDEF";
	const char *d;
	long v = 0;
	size_t i;

	if (at + 4 > r->n)
		return -1;
	for (i = at; i < at + 4; i++) {
		d = r->s[i] ? strchr(digits, r->s[i]) : NULL;
		if (!d)
			return -1;
		v = v * 16 + (d - digits) % 16;
	}
	return v;
}

static inline int rj_escape(struct rj *r)
{
	size_t at = r->pos;
	const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t", *p;
	long hi, lo;

	if (at + 1 >= r->n)
		return rj_fail(r, at, -EINVAL);
	p = r->s[at + 1] ? strchr(from, r->s[at + 1]) : NULL;
	if (p) {
		r->arena[r->used++] = (unsigned char)to[p - from];
		r->pos += 2;
		return 0;
	}
	if (r->s[at + 1] != 'u' || (hi = rj_hex4(r, at + 2)) < 0)
		return rj_fail(r, at, -EINVAL);
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return rj_fail(r, at, -EINVAL);
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (at + 12 > r->n || r->s[at + 6] != '\\' ||
		    r->s[at + 7] != 'u')
			return rj_fail(r, at, -EINVAL);
		lo = rj_hex4(r, at + 8);
		if (lo < 0xdc00 || lo > 0xdfff)
			return rj_fail(r, at, -EINVAL);
		rj_emit(r, 0x10000 + (unsigned long)(hi - 0xd800) * 1024 +
				   (unsigned long)(lo - 0xdc00));
		r->pos += 12;
		return 0;
	}
	rj_emit(r, (unsigned long)hi);
	r->pos += 6;
	return 0;
}

/* Decodes the sequence at @s (@n bytes there) to a code point: its
 * length, or 0 if it is not the shortest form of a scalar value.
 */
static inline size_t rj_utf8(const unsigned char *s, size_t n)
{
	static const unsigned long least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len, i;
	unsigned long cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc0 || s[0] >= 0xf8)
		return 0;
	len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (len > n)
		return 0;
	cp = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < least[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* The string whose quote is at r->pos, into token @i. */
static inline int rj_string(struct rj *r, int i)
{
	struct rj_tok *t = &r->tok[i];
	size_t k;

	t->start = ++r->pos;
	t->off = r->used;
	for (;;) {
		if (r->pos >= r->n)
			return rj_fail(r, r->n, -EINVAL);
		if (r->s[r->pos] == '"')
			break;
		if (r->s[r->pos] < 0x20)
			return rj_fail(r, r->pos, -EINVAL);
		if (r->s[r->pos] == '\\') {
			t->esc = 1;
			if (rj_escape(r))
				return -1;
			continue;
		}
		k = rj_utf8(r->s + r->pos, r->n - r->pos);
		if (!k)
			return rj_fail(r, r->pos, -EINVAL);
		memcpy(r->arena + r->used, r->s + r->pos, k);
		r->used += k;
		r->pos += k;
	}
	t->len = r->pos - t->start;
	t->dlen = r->used - t->off;
	r->pos++;
	return 0;
}

/* The number grammar as a state machine: state @st, byte @c. */
static inline int rj_number_step(int st, int c)
{
	int dig = c >= '0' && c <= '9', exp = c == 'e' || c == 'E';

	switch (st) {
	case 0: /* start */
		if (c == '-')
			return 1;
		/* fall through */
	case 1: /* after the sign */
		return c == '0' ? 2 : dig ? 3 : -1;
	case 3: /* integer digits */
		if (dig)
			return 3;
		/* fall through */
	case 2: /* a leading zero */
		return c == '.' ? 4 : exp ? 6 : -1;
	case 4: /* after the point */
		return dig ? 5 : -1;
	case 5: /* fraction digits */
		return dig ? 5 : exp ? 6 : -1;
	case 6: /* after the e */
		if (c == '+' || c == '-')
			return 7;
		/* fall through */
	case 7: /* after the exponent's sign */
	case 8: /* exponent digits */
		return dig ? 8 : -1;
	}
	return -1;
}

/* States 2, 3, 5 and 8 accept. */
static inline int rj_number_ok(const unsigned char *s, size_t n)
{
	int st = 0;
	size_t i;

	for (i = 0; i < n && st >= 0; i++)
		st = rj_number_step(st, s[i]);
	return st == 2 || st == 3 || st == 5 || st == 8;
}

static inline int rj_word(struct rj *r, int i)
{
	struct rj_tok *t = &r->tok[i];
	const char *set = t->type == JSON_NUMBER ? "0123456789+-.eE"
						 : "abcdefghijklmnopqrstuvwxyz";
	const unsigned char *w = r->s + r->pos;
	size_t n = 0;

	while (r->pos + n < r->n && w[n] && strchr(set, w[n]))
		n++;
	if (t->type == JSON_NUMBER) {
		if (!rj_number_ok(w, n))
			return rj_fail(r, r->pos, -EINVAL);
	} else if (n == 4 && !memcmp(w, "null", 4)) {
		t->type = JSON_NULL;
	} else if (n == 4 && !memcmp(w, "true", 4)) {
		t->type = JSON_TRUE;
	} else if (n == 5 && !memcmp(w, "false", 5)) {
		t->type = JSON_FALSE;
	} else {
		return rj_fail(r, r->pos, -EINVAL);
	}
	t->len = n;
	r->pos += n;
	return 0;
}

static inline int rj_value(struct rj *r, unsigned int depth);

/* The key of @key (token) differs from those of its object so far. */
static inline int rj_new_key(struct rj *r, unsigned int first, int key)
{
	const struct rj_tok *k = &r->tok[key], *o;
	unsigned int i;

	for (i = first; i < r->nkeys; i++) {
		o = &r->tok[r->keys[i]];
		if (o->dlen == k->dlen &&
		    !memcmp(r->arena + o->off, r->arena + k->off, k->dlen))
			return 0;
	}
	r->keys[r->nkeys++] = (unsigned int)key;
	return 1;
}

static inline int rj_member(struct rj *r, unsigned int depth,
			    unsigned int first)
{
	int k;

	rj_ws(r);
	if (r->pos >= r->n || r->s[r->pos] != '"')
		return rj_fail(r, r->pos, -EINVAL);
	k = rj_add(r, JSON_STRING, r->pos);
	if (k < 0 || rj_string(r, k))
		return -1;
	if (!rj_new_key(r, first, k))
		return rj_fail(r, r->tok[k].start - 1, -EINVAL);
	rj_ws(r);
	if (r->pos >= r->n || r->s[r->pos] != ':')
		return rj_fail(r, r->pos, -EINVAL);
	r->pos++;
	return rj_value(r, depth + 1);
}

/* An array or object at r->pos, token @i; @close is its end. */
static inline int rj_container(struct rj *r, int i, unsigned int depth)
{
	unsigned char close = r->tok[i].type == JSON_OBJECT ? '}' : ']';
	unsigned int first = r->nkeys;

	r->pos++;
	rj_ws(r);
	if (r->pos < r->n && r->s[r->pos] == close) {
		r->pos++;
	} else {
		for (;;) {
			if (close == '}' ? rj_member(r, depth, first)
					 : rj_value(r, depth + 1))
				return -1;
			r->tok[i].count++;
			rj_ws(r);
			if (r->pos >= r->n)
				return rj_fail(r, r->n, -EINVAL);
			if (r->s[r->pos] == close)
				break;
			if (r->s[r->pos] != ',')
				return rj_fail(r, r->pos, -EINVAL);
			r->pos++;
		}
		r->pos++;
	}
	r->nkeys = first;
	r->tok[i].next = r->ntok;
	r->tok[i].len = r->pos - r->tok[i].start;
	return 0;
}

/* A value inside @depth containers. */
static inline int rj_value(struct rj *r, unsigned int depth)
{
	int c, i, type;

	rj_ws(r);
	if (r->pos >= r->n)
		return rj_fail(r, r->n, -EINVAL);
	c = r->s[r->pos];
	if (c == '[' || c == '{') {
		if (depth >= JSON_MAX_DEPTH)
			return rj_fail(r, r->pos, -E2BIG);
		type = c == '[' ? JSON_ARRAY : JSON_OBJECT;
	} else if (c == '"') {
		type = JSON_STRING;
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		type = JSON_NUMBER;
	} else if (c >= 'a' && c <= 'z') {
		type = JSON_NULL;
	} else {
		return rj_fail(r, r->pos, -EINVAL);
	}
	i = rj_add(r, type, r->pos);
	if (i < 0)
		return -1;
	if (type == JSON_ARRAY || type == JSON_OBJECT)
		return rj_container(r, i, depth);
	if (type == JSON_STRING)
		return rj_string(r, i);
	return rj_word(r, i);
}

/* Parses @s: 0, -EINVAL or -E2BIG, and r->at. Free with rj_free(). */
static inline int rj_parse(struct rj *r, const void *s, size_t n,
			   unsigned int max)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->n = n;
	r->max = max;
	r->tok = calloc(max ? max : 1, sizeof(*r->tok));
	r->keys = calloc(max ? max : 1, sizeof(*r->keys));
	r->arena = malloc(n ? n : 1);
	if (!r->tok || !r->keys || !r->arena)
		abort();
	if (n > JSON_MAX_LEN)
		rj_fail(r, JSON_MAX_LEN, -E2BIG);
	else if (!rj_value(r, 0) && (rj_ws(r), r->pos < r->n))
		rj_fail(r, r->pos, -EINVAL);
	return r->err;
}

static inline void rj_free(struct rj *r)
{
	free(r->tok);
	free(r->keys);
	free(r->arena);
}

#endif /* NSRUN_FUZZ_REF_JSON_H */

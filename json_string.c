// SPDX-License-Identifier: GPL-2.0-or-later
/* json_string.c - JSON strings (RFC 8259, section 7) for the reader and
 * the writer: UTF-8 and escapes checked, strings decoded, keys hashed.
 */
#include <string.h>

#include "json_int.h"

/* --- UTF-8 (RFC 3629, section 4) */

/**
 * json_utf8_len() - length of the UTF-8 sequence at @s
 * @s:		the bytes
 * @avail:	how many there are, > 0
 *
 * Return: the length of the well-formed sequence there; 0 if it is
 * ill-formed or cut short.
 */
size_t json_utf8_len(const unsigned char *s, size_t avail)
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

/**
 * json_esc_len() - length of the escape at @s
 * @s:		a backslash
 * @n:		bytes there
 * @why:	the reason, if invalid
 *
 * Return: 2, 6, or 12 for a surrogate pair; 0 if invalid.
 */
size_t json_esc_len(const char *s, size_t n, const char **why)
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

/* The one-letter escapes that stand for another byte (RFC 8259, 7). */
static const char short_esc[] = "bfnrt";
static const char short_val[] = "\b\f\n\r\t";

/**
 * json_esc_letter() - the one-letter escape of a byte
 * @c:		the byte
 *
 * Return: the letter (b f n r t) that stands for @c, or 0 if none.
 */
char json_esc_letter(unsigned char c)
{
	const char *e = c ? memchr(short_val, c, sizeof(short_val) - 1) : NULL;

	return e ? short_esc[e - short_val] : 0;
}

/* --- decoding */

/**
 * json_chars_init() - start decoding a validated string token
 * @c:		decoder state
 * @doc:	parsed document
 * @t:		the string token
 */
void json_chars_init(struct json_chars *c, const struct json_doc *doc,
		     const struct json_tok *t)
{
	c->s = doc->text + t->start;
	c->end = c->s + t->len;
	c->n = c->i = 0;
}

/**
 * json_chars_next() - the next byte of the decoded string
 * @c:		decoder state
 *
 * Return: the byte, -1 at the end of the string.
 */
int json_chars_next(struct json_chars *c)
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

/* --- comparing keys */

/* FNV-1a, 32 bits (draft-eastlake-fnv): cheap, and spreads short keys. */
#define HASH_INIT 2166136261u

static uint32_t hash_byte(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}

/**
 * json_hash() - the hash of a key asked for
 * @s:		the key, a C string
 *
 * Return: what json_str_hash() gives for a key token that decodes to @s.
 */
uint32_t json_hash(const char *s)
{
	uint32_t h = HASH_INIT;

	for (; *s; s++)
		h = hash_byte(h, (unsigned char)*s);
	return h;
}

/**
 * json_str_hash() - the hash of a validated string token's decoded bytes
 * @doc:	parsed document
 * @t:		the string token
 *
 * Return: the hash, FNV-1a of 32 bits.
 */
uint32_t json_str_hash(const struct json_doc *doc, const struct json_tok *t)
{
	uint32_t h = HASH_INIT;
	struct json_chars c;
	int x;

	json_chars_init(&c, doc, t);
	while ((x = json_chars_next(&c)) >= 0)
		h = hash_byte(h, (unsigned char)x);
	return h;
}

/**
 * json_same_str() - two validated string tokens decode to the same bytes
 * @doc:	parsed document
 * @a:		one string token
 * @b:		another
 *
 * Return: 1 if they do, else 0.
 */
int json_same_str(const struct json_doc *doc, const struct json_tok *a,
		  const struct json_tok *b)
{
	struct json_chars ca, cb;
	int x;

	if (!a->esc && !b->esc)
		return a->len == b->len &&
		       !memcmp(doc->text + a->start, doc->text + b->start,
			       a->len);
	json_chars_init(&ca, doc, a);
	json_chars_init(&cb, doc, b);
	do {
		x = json_chars_next(&ca);
		if (x != json_chars_next(&cb))
			return 0;
	} while (x >= 0);
	return 1;
}

/**
 * json_str_is() - a validated string token decodes to a C string
 * @doc:	parsed document
 * @t:		the string token
 * @s:		the C string
 *
 * Return: 1 if it does, else 0.
 */
int json_str_is(const struct json_doc *doc, const struct json_tok *t,
		const char *s)
{
	struct json_chars c;
	int x;

	json_chars_init(&c, doc, t);
	while ((x = json_chars_next(&c)) >= 0)
		if (!*s || x != (unsigned char)*s++)
			return 0;
	return !*s;
}

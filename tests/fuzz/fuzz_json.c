// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_json.c - json_parse(), its getters and the writer, against the
 * reference reading in ref_json.h.
 *
 * The whole input is the document (a raw NUL must be refused, so it is
 * not cut there); the same bytes are also one string for the writer,
 * and a sequence of writer calls.
 *
 * Invariants:
 * - json_parse() and the reference agree: the same verdict (0, -EINVAL,
 *   -E2BIG), the same error offset and, on success, the same tokens
 *   (type, offsets, lengths, counts, subtree ends, escape flag); a
 *   refusal has a reason and leaves no token in use;
 * - with one token fewer than it needs, a document is refused with
 *   -E2BIG where the reference says;
 * - json_str() gives the reference's decoded bytes, refuses a NUL in
 *   them and a buffer one byte short; json_int() agrees with strtoll();
 *   json_get() finds every key (without a NUL) at its own value;
 *   json_first() and json_next() walk exactly a container's children;
 * - written again with json_put_value(), a document is no longer than
 *   it was, parses (by both readers) to the same tree, and writes again
 *   to the same bytes; into a smaller buffer the writer says -ENOSPC
 *   and leaves "", never a truncated document, and never writes past
 *   the buffer;
 * - the input as a string is written if and only if it is UTF-8 (by
 *   the reference's decoder) and then reads back as the same bytes;
 * - the input as writer calls succeeds if and only if the calls make
 *   one JSON value (the model in model_json.h says), and the output
 *   then parses with one token per key and value.
 */
#include <errno.h>
#include <limits.h>

#include "fuzz.h"
#include "json.h"
#include "model_json.h"
#include "ref_json.h"

#define FUZZ_TOKENS 512

static void same_tokens(const struct json_doc *doc, const struct rj *r)
{
	const struct json_tok *t;
	const struct rj_tok *x;
	unsigned int i;

	FUZZ_ASSERT(doc->ntok == r->ntok, "%u tokens, reference %u", doc->ntok,
		    r->ntok);
	for (i = 0; i < r->ntok; i++) {
		t = &doc->tok[i];
		x = &r->tok[i];
		FUZZ_ASSERT(t->type == x->type && t->start == x->start &&
				    t->len == x->len && t->count == x->count &&
				    t->next == x->next && t->esc == x->esc,
			    "token %u: type %d at %u+%u, %u in it, next %u, "
			    "esc %d; reference %d at %zu+%zu, %u, %u, %d",
			    i, t->type, t->start, t->len, t->count, t->next,
			    t->esc, x->type, x->start, x->len, x->count,
			    x->next, x->esc);
	}
}

/* Two reference trees hold the same values. */
static void same_tree(const struct rj *a, const struct rj *b)
{
	const struct rj_tok *x, *y;
	unsigned int i;

	FUZZ_ASSERT(a->ntok == b->ntok, "%u tokens became %u", a->ntok,
		    b->ntok);
	for (i = 0; i < a->ntok; i++) {
		x = &a->tok[i];
		y = &b->tok[i];
		FUZZ_ASSERT(x->type == y->type && x->count == y->count &&
				    x->next == y->next,
			    "token %u changed shape", i);
		if (x->type == JSON_STRING)
			FUZZ_ASSERT(x->dlen == y->dlen &&
					    !memcmp(a->arena + x->off,
						    b->arena + y->off, x->dlen),
				    "string token %u changed", i);
		if (x->type == JSON_NUMBER)
			FUZZ_ASSERT(x->len == y->len &&
					    !memcmp(a->s + x->start,
						    b->s + y->start, x->len),
				    "number token %u changed", i);
	}
}

static void check_strings(struct json_doc *doc, const struct rj *r)
{
	const struct rj_tok *x;
	unsigned int i;
	char *buf;
	int n;

	for (i = 0; i < r->ntok; i++) {
		x = &r->tok[i];
		if (x->type != JSON_STRING)
			continue;
		buf = malloc(x->dlen + 1);
		if (!buf)
			abort();
		n = json_str(doc, (int)i, buf, x->dlen + 1);
		if (memchr(r->arena + x->off, 0, x->dlen)) {
			FUZZ_ASSERT(n == -EINVAL && !buf[0],
				    "string %u with NUL: %d", i, n);
		} else {
			FUZZ_ASSERT(n == (int)x->dlen && !buf[n] &&
					    !memcmp(buf, r->arena + x->off,
						    x->dlen),
				    "string %u decoded to %d bytes, not %zu", i,
				    n, x->dlen);
			n = json_str(doc, (int)i, buf, x->dlen);
			FUZZ_ASSERT(n == -ERANGE && (!x->dlen || !buf[0]),
				    "string %u in a byte too few: %d", i, n);
		}
		free(buf);
	}
}

/* json_int() of number @i against strtoll(). */
static void check_int(struct json_doc *doc, const struct rj *r,
		      unsigned int i)
{
	const struct rj_tok *x = &r->tok[i];
	char raw[64];
	long long v = 0, ref;
	int err, want;

	if (memchr(r->s + x->start, '.', x->len) ||
	    memchr(r->s + x->start, 'e', x->len) ||
	    memchr(r->s + x->start, 'E', x->len)) {
		err = json_int(doc, (int)i, LLONG_MIN, LLONG_MAX, &v);
		FUZZ_ASSERT(err == -EINVAL, "number %u: not an integer: %d", i,
			    err);
		return;
	}
	if (x->len >= sizeof(raw)) {
		err = json_int(doc, (int)i, LLONG_MIN, LLONG_MAX, &v);
		FUZZ_ASSERT(err == -ERANGE, "number %u of %zu digits: %d", i,
			    x->len, err);
		return;
	}
	memcpy(raw, r->s + x->start, x->len);
	raw[x->len] = '\0';
	errno = 0;
	ref = strtoll(raw, NULL, 10);
	want = errno == ERANGE ? -ERANGE : 0;
	err = json_int(doc, (int)i, LLONG_MIN, LLONG_MAX, &v);
	FUZZ_ASSERT(err == want && (err || v == ref),
		    "%s: %d %lld, strtoll says %d %lld", raw, err, v, want,
		    ref);
	if (!want && (ref < 0 || ref > 65535))
		want = -ERANGE;
	err = json_int(doc, (int)i, 0, 65535, &v);
	FUZZ_ASSERT(err == want, "%s in 0..65535: %d", raw, err);
}

/* Walks container @c: its children, and its keys found by json_get(). */
static void check_walk(struct json_doc *doc, const struct rj *r, int c)
{
	const struct rj_tok *k;
	unsigned int n = 0;
	int e, last = -1;
	char *key;

	for (e = json_first(doc, c); e >= 0; e = json_next(doc, c, e)) {
		FUZZ_ASSERT(e > c && (unsigned int)e < r->tok[c].next &&
				    (last < 0 || e > last),
			    "child %d of %d out of place", e, c);
		last = e;
		n++;
		if (r->tok[c].type != JSON_OBJECT)
			continue;
		k = &r->tok[e];
		if (memchr(r->arena + k->off, 0, k->dlen))
			continue;
		key = malloc(k->dlen + 1);
		if (!key)
			abort();
		memcpy(key, r->arena + k->off, k->dlen);
		key[k->dlen] = '\0';
		FUZZ_ASSERT(json_get(doc, c, key) == e + 1,
			    "key \"%s\" of %d not found at %d", key, c, e + 1);
		free(key);
	}
	FUZZ_ASSERT(n == r->tok[c].count, "walked %u of %u children of %d", n,
		    r->tok[c].count, c);
	if (last >= 0) {
		if (r->tok[c].type == JSON_OBJECT)
			last++;
		FUZZ_ASSERT(r->tok[last].next == r->tok[c].next,
			    "children of %d end early", c);
	}
}

static void check_getters(struct json_doc *doc, const struct rj *r)
{
	unsigned int i;

	check_strings(doc, r);
	for (i = 0; i < r->ntok; i++) {
		if (r->tok[i].type == JSON_NUMBER)
			check_int(doc, r, i);
		else if (r->tok[i].type >= JSON_ARRAY)
			check_walk(doc, r, (int)i);
	}
}

/* @doc written into exactly @size bytes: all of it, or -ENOSPC and "". */
static void check_small(const struct json_doc *doc, const char *out, int n,
			size_t size)
{
	struct json_writer w;
	char *buf = malloc(size ? size : 1);
	int m;

	if (!buf)
		abort();
	json_writer_init(&w, buf, size);
	json_put_value(&w, doc, 0);
	m = json_writer_end(&w);
	if (size > (size_t)n)
		FUZZ_ASSERT(m == n && !memcmp(buf, out, (size_t)n + 1),
			    "%d bytes in %zu: %d", n, size, m);
	else
		FUZZ_ASSERT(m == -ENOSPC && (!size || !buf[0]),
			    "%d bytes in %zu: %d, \"%.*s\"", n, size, m,
			    (int)size, buf);
	free(buf);
}

static void roundtrip(const struct json_doc *doc, const struct rj *r,
		      size_t size)
{
	struct json_tok *tok = calloc(FUZZ_TOKENS, sizeof(*tok));
	char *out = malloc(size + 1), *again = malloc(size + 1);
	struct json_writer w;
	struct json_doc doc2;
	struct rj r2;
	int n, m, err;

	if (!tok || !out || !again)
		abort();
	json_writer_init(&w, out, size + 1);
	json_put_value(&w, doc, 0);
	n = json_writer_end(&w);
	FUZZ_ASSERT(n >= 0 && (size_t)n <= size,
		    "%zu bytes written again: %d", size, n);
	err = json_parse(&doc2, out, (size_t)n, tok, FUZZ_TOKENS);
	FUZZ_ASSERT(!err, "written again, refused: %s at %zu: %s", doc2.why,
		    doc2.at, out);
	err = rj_parse(&r2, out, (size_t)n, FUZZ_TOKENS);
	FUZZ_ASSERT(!err, "written again, the reference refuses it: %s", out);
	same_tokens(&doc2, &r2);
	same_tree(r, &r2);
	json_writer_init(&w, again, size + 1);
	json_put_value(&w, &doc2, 0);
	m = json_writer_end(&w);
	FUZZ_ASSERT(m == n && !memcmp(out, again, (size_t)n),
		    "not stable: %d then %d bytes", n, m);
	check_small(doc, out, n, (size * 31 + 7) % ((size_t)n + 2));
	rj_free(&r2);
	free(again);
	free(out);
	free(tok);
}

/* One token too few: refused with -E2BIG where the reference says. */
static void check_limit(const char *s, size_t size, unsigned int ntok)
{
	struct json_tok *tok = calloc(ntok, sizeof(*tok));
	struct json_doc doc;
	struct rj r;
	int err, ref;

	if (!tok && ntok > 1)
		abort();
	err = json_parse(&doc, s, size, tok, ntok - 1);
	ref = rj_parse(&r, s, size, ntok - 1);
	FUZZ_ASSERT(err == -E2BIG && ref == -E2BIG && doc.at == r.at &&
			    !doc.ntok,
		    "%u tokens in %u: %d at %zu, reference %d at %zu", ntok,
		    ntok - 1, err, doc.at, ref, r.at);
	rj_free(&r);
	free(tok);
}

static void check_document(const char *s, size_t size)
{
	struct json_tok *tok = calloc(FUZZ_TOKENS, sizeof(*tok));
	struct json_doc doc;
	struct rj r;
	int err, ref;

	if (!tok)
		abort();
	err = json_parse(&doc, s, size, tok, FUZZ_TOKENS);
	ref = rj_parse(&r, s, size, FUZZ_TOKENS);
	FUZZ_ASSERT(err == ref && (!err || doc.at == r.at),
		    "json_parse %d at %zu (%s), reference %d at %zu", err,
		    doc.at, doc.why ? doc.why : "", ref, r.at);
	if (err) {
		FUZZ_ASSERT(doc.why && *doc.why && !doc.ntok && doc.at <= size,
			    "refusal without a reason or with tokens");
	} else {
		same_tokens(&doc, &r);
		check_getters(&doc, &r);
		roundtrip(&doc, &r, size);
		check_limit(s, size, doc.ntok);
	}
	rj_free(&r);
	free(tok);
}

/* The input as one string value. */
static void write_string(const char *s, size_t size)
{
	size_t cap = 6 * size + 3, i, k = 1;
	char *out = malloc(cap);
	struct json_writer w;
	struct rj r;
	int n;

	if (!out)
		abort();
	for (i = 0; i < size && k; i += k)
		k = rj_utf8((const unsigned char *)s + i, size - i);
	json_writer_init(&w, out, cap);
	json_put_strn(&w, s, size);
	n = json_writer_end(&w);
	if (!k) {
		FUZZ_ASSERT(n == -EILSEQ && !out[0], "not UTF-8, written: %d",
			    n);
	} else {
		FUZZ_ASSERT(n > 0 && !rj_parse(&r, out, (size_t)n, 1) &&
				    r.tok[0].type == JSON_STRING &&
				    r.tok[0].dlen == size &&
				    !memcmp(r.arena, s, size),
			    "%zu bytes of UTF-8 do not read back: %d", size, n);
		rj_free(&r);
	}
	free(out);
}

/* The input as a sequence of writer calls, one per byte. */
static void write_calls(const uint8_t *data, size_t size)
{
	size_t i, ops = size < 1024 ? size : 1024, cap = 40 * ops + 2;
	struct model m = { .ok = 1 };
	struct json_writer w;
	unsigned int keys = 0;
	char *out = malloc(cap);
	struct json_tok *tok;
	struct json_doc doc;
	int n, err;

	if (!out)
		abort();
	json_writer_init(&w, out, cap);
	for (i = 0; i < ops; i++)
		call(&w, &m, data[i], &keys);
	n = json_writer_end(&w);
	FUZZ_ASSERT((n >= 0) == (m.ok && m.done),
		    "writer says %d, the model %s", n,
		    m.ok && m.done ? "valid" : "invalid");
	if (n >= 0) {
		tok = calloc(m.tokens, sizeof(*tok));
		if (!tok)
			abort();
		err = json_parse(&doc, out, (size_t)n, tok, m.tokens);
		FUZZ_ASSERT(!err && doc.ntok == m.tokens,
			    "written by calls, read: %d (%s at %zu), %u tokens "
			    "of %u: %s",
			    err, doc.why ? doc.why : "", doc.at, doc.ntok,
			    m.tokens, out);
		free(tok);
	} else {
		FUZZ_ASSERT(!out[0], "a failed writer left \"%s\"", out);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: a read past @size is an ASan report. */
	char *copy = malloc(size ? size : 1);

	if (!copy)
		abort();
	memcpy(copy, data, size);
	check_document(copy, size);
	write_string(copy, size);
	write_calls(data, size);
	free(copy);
	return 0;
}

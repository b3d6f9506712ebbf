/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json.h - a small strict JSON reader and writer for the CNI plugin's
 * network configuration (stdin) and its results and errors (stdout).
 *
 * Pure code: the reader works on the caller's text and token array, the
 * writer on the caller's buffer; nothing is allocated, nothing printed.
 *
 * Reader: RFC 8259 exactly. One token per value and per object key, in
 * document order; an object's tokens are key, value, key, value... The
 * parser is a loop with an explicit stack of JSON_MAX_DEPTH containers,
 * so no input makes it recurse. Rejected: anything but the four
 * whitespace bytes between tokens, a byte order mark, trailing bytes
 * after the value, invalid UTF-8 (overlong forms, encoded surrogates,
 * above U+10FFFF), raw control characters in strings, unknown or
 * truncated escapes, a \u surrogate that is not half of a pair, numbers
 * outside the grammar (leading zeros, "1.", ".5", "+1"), and duplicate
 * keys in any object: RFC 8259 leaves their meaning open, so two readers
 * of one document could disagree on what it says. Unknown keys are not
 * an error: they are skipped by whoever does not look for them.
 *
 * Getters are strict on the keys they are asked for: the wrong type,
 * a number that is not an integer or out of range, a string that does
 * not fit or holds a NUL are errors. A key whose value is null counts
 * as absent, as in the Go encoding/json that runtimes use.
 *
 * Every error leaves a static reason and a byte offset in the document
 * (and the key, for getters): json_errmsg() makes a CNI error "msg".
 *
 * Writer: compact output into a bounded buffer; commas and colons are
 * the writer's job; strings are escaped (", \, control characters) and
 * must be valid UTF-8, which passes through. The first error sticks
 * (-ENOSPC when the buffer is too small, -EINVAL for misuse such as a
 * value without a key in an object, -EILSEQ for invalid UTF-8), later
 * calls do nothing, and the buffer is emptied: a document is never
 * silently cut short. json_writer_end() returns it.
 */
#ifndef NSRUN_JSON_H
#define NSRUN_JSON_H

#include <stddef.h>
#include <stdint.h>

/* Containers nested deeper than this are refused (the writer too). */
#define JSON_MAX_DEPTH 32
/* Longest document read, in bytes. */
#define JSON_MAX_LEN (1u << 20)

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/**
 * struct json_tok - one value or object key of a parsed document
 * @type:	enum json_type
 * @esc:	a string with at least one escape (decoding changes it)
 * @start:	offset of the value; for a string, of its first byte after
 *		the opening quote
 * @len:	length of the value's text; for a string, between the quotes
 *		(escapes not decoded); for a container, up to and with its
 *		closing bracket
 * @next:	index of the first token after this value and everything in
 *		it
 * @count:	members of an object, elements of an array, else 0
 * @hash:	of an object key, its decoded bytes hashed (FNV-1a), so that
 *		keys are compared by their text only when the hashes match;
 *		else 0
 */
struct json_tok {
	uint8_t type;
	uint8_t esc;
	uint32_t start;
	uint32_t len;
	uint32_t next;
	uint32_t count;
	uint32_t hash;
};

/**
 * struct json_doc - a parsed document and the last error about it
 * @text:	the document, not NUL-terminated, owned by the caller
 * @len:	its length
 * @tok:	the caller's token array; the root value is @tok[0]
 * @ntok:	tokens in use
 * @max:	size of @tok
 * @why:	last error: what is wrong, a static text; NULL if none
 * @at:		last error: offset in @text where it is
 * @key:	last error of a json_get_*(): the key asked for, else NULL
 */
struct json_doc {
	const char *text;
	size_t len;
	struct json_tok *tok;
	unsigned int ntok;
	unsigned int max;
	const char *why;
	size_t at;
	const char *key;
};

int json_parse(struct json_doc *doc, const char *text, size_t len,
	       struct json_tok *tok, unsigned int max);
int json_errmsg(const struct json_doc *doc, char *buf, size_t size);

int json_type(const struct json_doc *doc, int t);
unsigned int json_count(const struct json_doc *doc, int t);
int json_first(const struct json_doc *doc, int t);
int json_next(const struct json_doc *doc, int parent, int t);
int json_get(const struct json_doc *doc, int obj, const char *key);

int json_str(struct json_doc *doc, int t, char *buf, size_t size);
int json_int(struct json_doc *doc, int t, long long min, long long max,
	     long long *val);
int json_bool(struct json_doc *doc, int t, int *val);

int json_get_as(struct json_doc *doc, int obj, const char *key,
		enum json_type type);
int json_get_str(struct json_doc *doc, int obj, const char *key, char *buf,
		 size_t size);
int json_get_int(struct json_doc *doc, int obj, const char *key,
		 long long min, long long max, long long *val);
int json_get_bool(struct json_doc *doc, int obj, const char *key, int *val);

/**
 * struct json_writer - state of a document being written
 * @buf:	the caller's buffer, always NUL-terminated when @size > 0
 * @size:	its size
 * @len:	bytes written, without the NUL
 * @err:	first error, 0 if none
 * @depth:	containers open
 * @object:	bit d set: the container at depth d + 1 is an object
 * @used:	bit d set: that container has a member already
 * @key:	a key was written, its value comes next
 * @done:	the top-level value is complete
 */
struct json_writer {
	char *buf;
	size_t size;
	size_t len;
	int err;
	unsigned int depth;
	uint32_t object;
	uint32_t used;
	int key;
	int done;
};

void json_writer_init(struct json_writer *w, char *buf, size_t size);
int json_writer_end(struct json_writer *w);
void json_obj_begin(struct json_writer *w);
void json_obj_end(struct json_writer *w);
void json_arr_begin(struct json_writer *w);
void json_arr_end(struct json_writer *w);
void json_put_key(struct json_writer *w, const char *key);
void json_put_str(struct json_writer *w, const char *s);
void json_put_strn(struct json_writer *w, const char *s, size_t len);
void json_put_int(struct json_writer *w, long long v);
void json_put_bool(struct json_writer *w, int v);
void json_put_null(struct json_writer *w);
void json_put_kstr(struct json_writer *w, const char *key, const char *s);
void json_put_kint(struct json_writer *w, const char *key, long long v);
void json_put_value(struct json_writer *w, const struct json_doc *doc, int t);

#endif /* NSRUN_JSON_H */

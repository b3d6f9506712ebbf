// SPDX-License-Identifier: GPL-2.0-or-later
/* json_get.c - reading a parsed document: walking its tokens, the typed
 * getters that check what they read, and the error message; see json.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "json_int.h"

/* --- walking the tokens */

/**
 * json_type() - the type of a token
 * @doc:	parsed document
 * @t:		token index
 *
 * Return: an enum json_type, or -EINVAL if @t is not a token of @doc.
 */
int json_type(const struct json_doc *doc, int t)
{
	const struct json_tok *tk = json_tok_of(doc, t);

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
	const struct json_tok *tk = json_tok_of(doc, t);

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
	const struct json_tok *tk = json_tok_of(doc, t);

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
	const struct json_tok *p = json_tok_of(doc, parent);
	const struct json_tok *tk = json_tok_of(doc, t);
	uint32_t n;

	if (!p || !tk || p->type < JSON_ARRAY || t <= parent)
		return -ENOENT;
	if (p->type == JSON_OBJECT) {
		tk = json_tok_of(doc, t + 1);
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
	uint32_t h;
	int k;

	if (json_type(doc, obj) != JSON_OBJECT)
		return -EINVAL;
	h = json_hash(key);
	for (k = json_first(doc, obj); k >= 0; k = json_next(doc, obj, k))
		if (doc->tok[k].hash == h &&
		    json_str_is(doc, &doc->tok[k], key))
			return k + 1;
	return -ENOENT;
}

/* --- typed getters */

static int bad(struct json_doc *doc, int t, const char *why, int err)
{
	const struct json_tok *tk = json_tok_of(doc, t);

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
	struct json_chars c;
	size_t n = 0;
	int x, err = 0;

	if (json_type(doc, t) != JSON_STRING)
		err = bad(doc, t, "expected a string", -EINVAL);
	else if (!size)
		err = bad(doc, t, "string too long", -ERANGE);
	if (err)
		goto out;
	json_chars_init(&c, doc, &doc->tok[t]);
	while ((x = json_chars_next(&c)) >= 0) {
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
	const struct json_tok *tk = json_tok_of(doc, t);
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

/* --- the error */

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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json_int.h - what the json_*.c files share and nobody else uses: the
 * string helpers of json_string.c and a checked token lookup.
 */
#ifndef NSRUN_JSON_INT_H
#define NSRUN_JSON_INT_H

#include "json.h"

/* Decodes a validated string token byte by byte, without a buffer. */
struct json_chars {
	const char *s;
	const char *end;
	unsigned char u[4];
	unsigned int n, i;
};

size_t json_utf8_len(const unsigned char *s, size_t avail);
size_t json_esc_len(const char *s, size_t n, const char **why);
char json_esc_letter(unsigned char c);
void json_chars_init(struct json_chars *c, const struct json_doc *doc,
		     const struct json_tok *t);
int json_chars_next(struct json_chars *c);
uint32_t json_hash(const char *s);
uint32_t json_str_hash(const struct json_doc *doc, const struct json_tok *t);
int json_same_str(const struct json_doc *doc, const struct json_tok *a,
		  const struct json_tok *b);
int json_str_is(const struct json_doc *doc, const struct json_tok *t,
		const char *s);

/* Token @t of @doc, NULL if there is none. */
static inline const struct json_tok *json_tok_of(const struct json_doc *doc,
						 int t)
{
	return t >= 0 && (unsigned int)t < doc->ntok ? &doc->tok[t] : NULL;
}

#endif /* NSRUN_JSON_INT_H */

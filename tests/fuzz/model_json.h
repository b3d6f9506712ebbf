/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_json.h - for fuzz_json.c: writer calls made from input bytes,
 * and a model of the stack of containers that says whether the calls
 * make one JSON value, so the writer's verdict can be checked.
 */
#ifndef NSRUN_FUZZ_MODEL_JSON_H
#define NSRUN_FUZZ_MODEL_JSON_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

/* What the writer must accept: a stack of containers, a key pending. */
struct model {
	unsigned int depth;
	char kind[JSON_MAX_DEPTH];
	int key, done, ok;
	unsigned int tokens;
};

static int model_value(struct model *m)
{
	if (!m->depth)
		m->ok &= !m->done;
	else if (m->kind[m->depth - 1] == 'o')
		m->ok &= m->key;
	m->key = 0;
	m->tokens++;
	return m->ok;
}

static void model_open(struct model *m, char kind)
{
	if (model_value(m) && m->depth < JSON_MAX_DEPTH)
		m->kind[m->depth++] = kind;
	else
		m->ok = 0;
}

static void model_close(struct model *m, char kind)
{
	if (m->ok && m->depth && m->kind[m->depth - 1] == kind && !m->key) {
		if (!--m->depth)
			m->done = 1;
	} else {
		m->ok = 0;
	}
}

static void model_scalar(struct model *m)
{
	if (model_value(m) && !m->depth)
		m->done = 1;
}

static const char *const strings[] = {
	"", "a\"b", "\\", "\n\x01\x1f", "caf\xc3\xa9", "\xf0\x9f\x98\x80",
	"/\t\b\f\r", "\x7f",
};

/* One writer call, and what the model makes of it. */
static void call(struct json_writer *w, struct model *m, uint8_t b,
		 unsigned int *keys)
{
	char key[16];

	switch (b % 8) {
	case 0:
		json_obj_begin(w);
		model_open(m, 'o');
		break;
	case 1:
		json_obj_end(w);
		model_close(m, 'o');
		break;
	case 2:
		json_arr_begin(w);
		model_open(m, 'a');
		break;
	case 3:
		json_arr_end(w);
		model_close(m, 'a');
		break;
	case 4:
		/* unique keys: the reader refuses duplicates */
		snprintf(key, sizeof(key), "k%u", (*keys)++);
		json_put_key(w, key);
		if (m->ok && m->depth && m->kind[m->depth - 1] == 'o' &&
		    !m->key)
			m->key = 1;
		else
			m->ok = 0;
		m->tokens++;
		break;
	case 5:
		json_put_str(w, strings[b / 8 % 8]);
		model_scalar(m);
		break;
	case 6:
		json_put_int(w, b < 64 ? LLONG_MIN + b : (long long)b * -99991);
		model_scalar(m);
		break;
	default:
		if (b / 8 % 3 == 0)
			json_put_null(w);
		else
			json_put_bool(w, b / 8 % 3 == 1);
		model_scalar(m);
	}
}

#endif /* NSRUN_FUZZ_MODEL_JSON_H */

// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_netspec.c - parse_net() against an independent reading of
 * "none | bridge | macvlan:PARENT[,mode=M] | ipvlan:PARENT[,mode=M]".
 *
 * Invariants: the parser and the reference below agree on what is valid
 * and on the result; an accepted macvlan or ipvlan has a parent that is
 * NUL-terminated inside IFNAMSIZ and that parse_ifname() accepts, and a
 * mode of its kind; printing a spec in full and parsing it again gives
 * the same spec; a rejection always says why and leaves the spec zeroed.
 */
#include <net/if.h>

#include <linux/if_link.h>

#include "fuzz.h"
#include "netspec.h"
#include "parse.h"

static const char *const macvlan_names[] = { "bridge", "private", "vepa",
					     "passthru", NULL };
static const uint32_t macvlan_values[] = { MACVLAN_MODE_BRIDGE,
	MACVLAN_MODE_PRIVATE, MACVLAN_MODE_VEPA, MACVLAN_MODE_PASSTHRU };
static const char *const ipvlan_names[] = { "l2", "l3", "l3s", NULL };
static const uint32_t ipvlan_values[] = { IPVLAN_MODE_L2, IPVLAN_MODE_L3,
	IPVLAN_MODE_L3S };

/* dev_valid_name() plus the blanks parse_ifname() refuses. */
static int ref_ifname(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 15 || (len == 1 && s[0] == '.') ||
	    (len == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == 0x7f || c == 0xa0 || c == '/' || c == ':')
			return 0;
	}
	return 1;
}

/* "mode=NAME" with NAME one of @names: its value in *mode. */
static int ref_mode(const char *s, const char *const *names,
		    const uint32_t *values, uint32_t *mode)
{
	int i;

	if (strncmp(s, "mode=", 5))
		return 0;
	for (i = 0; names[i]; i++) {
		if (!strcmp(s + 5, names[i])) {
			*mode = values[i];
			return 1;
		}
	}
	return 0;
}

static int ref_net(const char *s, struct net_spec *spec)
{
	const char *const *names = macvlan_names;
	const uint32_t *values = macvlan_values;
	const char *rest, *comma;

	memset(spec, 0, sizeof(*spec));
	if (!strcmp(s, "bridge"))
		return 1;
	if (!strcmp(s, "none")) {
		spec->kind = NETSPEC_NONE;
		return 1;
	}
	if (!strncmp(s, "macvlan:", 8)) {
		spec->kind = NETSPEC_MACVLAN;
		rest = s + 8;
	} else if (!strncmp(s, "ipvlan:", 7)) {
		spec->kind = NETSPEC_IPVLAN;
		rest = s + 7;
		names = ipvlan_names;
		values = ipvlan_values;
	} else {
		return 0;
	}
	comma = strchr(rest, ',');
	if (!ref_ifname(rest, comma ? (size_t)(comma - rest) : strlen(rest)))
		return 0;
	memcpy(spec->parent, rest,
	       comma ? (size_t)(comma - rest) : strlen(rest));
	spec->mode = values[0];
	return !comma || ref_mode(comma + 1, names, values, &spec->mode);
}

static int same(const struct net_spec *a, const struct net_spec *b)
{
	return a->kind == b->kind && a->mode == b->mode &&
	       !strcmp(a->parent, b->parent);
}

static void check_spec(const char *s, const struct net_spec *spec)
{
	struct net_spec again;
	const char *why = NULL;
	char text[64];
	int stacked = spec->kind == NETSPEC_MACVLAN ||
		      spec->kind == NETSPEC_IPVLAN;

	FUZZ_ASSERT(memchr(spec->parent, '\0', IFNAMSIZ), "\"%s\": parent "
		    "not terminated", s);
	FUZZ_ASSERT(stacked == !!spec->parent[0], "\"%s\": kind %s, parent "
		    "\"%s\"", s, net_kind_name(spec), spec->parent);
	FUZZ_ASSERT(!stacked || !parse_ifname(spec->parent, &why),
		    "\"%s\": parent \"%s\" is not an interface name", s,
		    spec->parent);
	FUZZ_ASSERT(stacked == !!*net_mode_name(spec), "\"%s\": mode %u of "
		    "%s has no name", s, spec->mode, net_kind_name(spec));
	if (stacked)
		snprintf(text, sizeof(text), "%s:%s,mode=%s",
			 net_kind_name(spec), spec->parent,
			 net_mode_name(spec));
	else
		snprintf(text, sizeof(text), "%s", net_kind_name(spec));
	FUZZ_ASSERT(!parse_net(text, &again, &why) && same(spec, &again),
		    "\"%s\" printed as \"%s\" does not read back (%s)", s, text,
		    why ? why : "different spec");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct net_spec zero;
	char *s = fuzz_str(data, size);
	struct net_spec spec, ref;
	const char *why = NULL;
	int ok = !parse_net(s, &spec, &why);
	int ref_ok = ref_net(s, &ref);

	FUZZ_ASSERT(ok == ref_ok, "\"%s\": parse_net %s, reference %s", s,
		    ok ? "accepts" : "rejects", ref_ok ? "accepts" : "rejects");
	if (ok) {
		FUZZ_ASSERT(same(&spec, &ref), "\"%s\": specs differ", s);
		check_spec(s, &spec);
	} else {
		FUZZ_ASSERT(why && *why, "\"%s\": rejected without a reason",
			    s);
		FUZZ_ASSERT(!memcmp(&spec, &zero, sizeof(spec)),
			    "\"%s\": rejected but the spec is not zeroed", s);
	}
	free(s);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cni.h - nsrun as a CNI plugin: the front end (environment, network
 * configuration, result) that runs when CNI_COMMAND is set.
 */
#ifndef NSRUN_CNI_H
#define NSRUN_CNI_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>

#include "cni_attach.h"
#include "json.h"
#include "parse.h"

/**
 * struct cni_conf - what nsrun reads of a network configuration
 * @version:	cniVersion, one of the supported versions
 * @ver:	the same as a number, major * 10000 + minor * 100 + patch
 * @name:	the network's name
 * @bridge:	bridge, default nsrun0
 * @subnet:	subnet: "subnet", else the host-local ipam's, else
 *		10.88.0.0/16
 * @prefix:	its prefix length
 * @subnet_given: the configuration gave a subnet
 * @mtu:	"mtu", 0 for the bridge's
 * @ports:	runtimeConfig.portMappings
 * @nports:	entries in @ports
 * @prev:	token of prevResult, -1 when none
 * @valid:	token of cni.dev/valid-attachments, -1 when none
 */
struct cni_conf {
	char version[8];
	int ver;
	char name[NAME_MAX_LEN + 1];
	char bridge[IFNAMSIZ];
	struct in_addr subnet;
	int prefix;
	int subnet_given;
	unsigned int mtu;
	struct port_map ports[CNI_MAX_PORTS];
	size_t nports;
	int prev;
	int valid;
};

int cni_version_number(const char *version);
void cni_conf_read(struct json_doc *doc, struct cni_conf *c);
int cni_main(void);

#endif /* NSRUN_CNI_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cni_err.h - the CNI plugin's errors: the spec's JSON error object on
 * stdout, exit 1, with the code of what went wrong.
 *
 * Ground floor of the CNI plugin: cni.c and cni_attach.c use it, it uses
 * only log.c and the JSON writer.
 */
#ifndef NSRUN_CNI_ERR_H
#define NSRUN_CNI_ERR_H

/* Well-known error codes (CNI SPEC.md, "Error"), and nsrun's own (100+). */
#define CNI_ERR_VERSION		1	/* incompatible CNI version */
#define CNI_ERR_FIELD		2	/* unsupported field in config */
#define CNI_ERR_NO_CONTAINER	3	/* container unknown or gone */
#define CNI_ERR_ENV		4	/* invalid necessary environment */
#define CNI_ERR_IO		5	/* I/O failure */
#define CNI_ERR_DECODE		6	/* failed to decode content */
#define CNI_ERR_CONFIG		7	/* invalid network config */
#define CNI_ERR_TRY_AGAIN	11	/* try again later */
#define CNI_ERR_UNAVAILABLE	50	/* STATUS: cannot serve ADDs */
#define CNI_ERR_CHECK		100	/* CHECK: something is gone */
#define CNI_ERR_CONFLICT	101	/* host port published already */
#define CNI_ERR_INTERNAL	999	/* anything else the host refused */

void cni_err_init(void);
void cni_err_version(const char *version);
int cni_err_code(int code);
void cni_fail(int code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

#endif /* NSRUN_CNI_ERR_H */

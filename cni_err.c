// SPDX-License-Identifier: GPL-2.0-or-later
/* cni_err.c - the CNI plugin's errors: every fatal error, also those of
 * the launch code the plugin reuses (bridge, lock, address), becomes the
 * spec's error object on stdout and exit status 1:
 *
 *	{"cniVersion":"1.1.0","code":7,"msg":"..."}
 *
 * The message goes to stderr too, which runtimes log.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cni_err.h"
#include "json.h"
#include "log.h"

/* The spec version errors are written in until the config says which. */
#define CNI_DEFAULT_VERSION "1.1.0"

static const char *err_version = CNI_DEFAULT_VERSION;
static int err_code = CNI_ERR_INTERNAL;

/* Writes the error object; stdout is the runtime's pipe, nothing else is
 * on it.
 */
static void __attribute__((noreturn)) write_error(const char *msg)
{
	char buf[2048];
	struct json_writer w;
	int len;

	json_writer_init(&w, buf, sizeof(buf));
	json_obj_begin(&w);
	json_put_kstr(&w, "cniVersion", err_version);
	json_put_kint(&w, "code", err_code);
	json_put_kstr(&w, "msg", msg);
	json_obj_end(&w);
	len = json_writer_end(&w);
	if (len < 0) {
		/* Invalid UTF-8 in a name the kernel gave back: no text. */
		json_writer_init(&w, buf, sizeof(buf));
		json_obj_begin(&w);
		json_put_kstr(&w, "cniVersion", err_version);
		json_put_kint(&w, "code", err_code);
		json_put_kstr(&w, "msg", "error (message not valid UTF-8)");
		json_obj_end(&w);
		len = json_writer_end(&w);
	}
	if (len > 0) {
		fflush(stdout);
		if (write(STDOUT_FILENO, buf, (size_t)len) < 0 ||
		    write(STDOUT_FILENO, "\n", 1) < 0)
			_exit(1);
	}
	_exit(1);
}

/**
 * cni_err_init() - from now on, fatal errors are CNI error objects
 */
void cni_err_init(void)
{
	log_fatal_hook(write_error);
}

/**
 * cni_err_version() - the version errors are written in
 * @version:	a supported version, from the network configuration; the
 *		string must live until exit
 */
void cni_err_version(const char *version)
{
	err_version = version;
}

/**
 * cni_err_code() - the code of the next fatal error
 * @code:	a CNI_ERR_* code
 *
 * Set around a step whose failure has a well-known code (the lock: try
 * again later); CNI_ERR_INTERNAL otherwise.
 *
 * Return: the code it replaces, to set it back.
 */
int cni_err_code(int code)
{
	int old = err_code;

	err_code = code;
	return old;
}

/**
 * cni_fail() - write the error object with @code and exit 1
 * @code:	a CNI_ERR_* code
 * @fmt:	printf format of the message
 */
void cni_fail(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_code = code;
	die("%s", msg);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* replay.c - a main() for the fuzz harnesses without libFuzzer: runs
 * LLVMFuzzerTestOneInput() once on each file given, or on each file of
 * each directory given (in name order), so any compiler can replay the
 * corpus.
 *
 *   fuzz_publish_replay tests/fuzz/corpus/publish [FILE]...
 *
 * Prints "ok - fuzz replay TARGET (N inputs)". An input that breaks an
 * invariant aborts; the handler below (or the sanitizer's death
 * callback) first prints "not ok - fuzz replay TARGET: FILE", so the
 * failing input is named.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static const char *target = "?";
static char current[PATH_MAX];

/* Async-signal-safe: write() only. */
static void say(const char *s)
{
	ssize_t r = write(1, s, strlen(s));

	(void)r;
}

static void report(void)
{
	say("not ok - fuzz replay ");
	say(target);
	say(": ");
	say(current);
	say("\n");
}

static void on_signal(int sig)
{
	report();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int run_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	ssize_t n = 0, got;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		printf("not ok - fuzz replay %s: %s: %s\n", target, path,
		       strerror(errno));
		return -1;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf)
		abort();
	while (n < st.st_size &&
	       (got = read(fd, buf + n, (size_t)(st.st_size - n))) > 0)
		n += got;
	close(fd);
	snprintf(current, sizeof(current), "%s", path);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

static int only_files(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Runs every file of @dir; returns the number run, or -1. */
static int run_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent **names;
	struct stat st;
	int i, n, done = 0, bad = 0;

	n = scandir(dir, &names, only_files, alphasort);
	if (n < 0) {
		printf("not ok - fuzz replay %s: %s: %s\n", target, dir,
		       strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!stat(path, &st) && S_ISREG(st.st_mode)) {
			if (run_file(path))
				bad = 1;
			else
				done++;
		}
		free(names[i]);
	}
	free(names);
	return bad ? -1 : done;
}

/* "build/fuzz/replay/fuzz_publish" -> "publish" */
static const char *target_name(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	if (!strncmp(base, "fuzz_", 5))
		base += 5;
	return base;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i, n, total = 0, bad = 0;

	target = target_name(argv[0]);
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	signal(SIGABRT, on_signal);
	/* A sanitizer reports faults itself, then calls report(). */
	if (__sanitizer_set_death_callback) {
		__sanitizer_set_death_callback(report);
	} else {
		signal(SIGSEGV, on_signal);
		signal(SIGBUS, on_signal);
		signal(SIGFPE, on_signal);
		signal(SIGILL, on_signal);
	}
	for (i = 1; i < argc; i++) {
		if (!stat(argv[i], &st) && S_ISDIR(st.st_mode)) {
			n = run_dir(argv[i]);
		} else {
			n = run_file(argv[i]);
			n = n ? -1 : 1;
		}
		if (n < 0)
			bad = 1;
		else
			total += n;
	}
	if (bad)
		return 1;
	if (!total) {
		printf("not ok - fuzz replay %s: no inputs\n", target);
		return 1;
	}
	printf("ok - fuzz replay %s (%d inputs)\n", target, total);
	return 0;
}

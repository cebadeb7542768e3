// SPDX-License-Identifier: MIT
/*
 * igt_core.c - subtest control flow, results, logging and option parsing of
 * the IGT stand-in harness.  Behaviour (output lines, exit codes, fixture
 * semantics, --list-subtests/--run-subtest/--dynamic-subtest) follows
 * igt-gpu-tools' lib/igt_core.c; the code is our own.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "igt_core.h"

jmp_buf igt_subtest_jmpbuf;
jmp_buf igt_dynamic_jmpbuf;
bool __igt_plain_output;
enum igt_log_level igt_log_level = IGT_LOG_INFO;

enum { CONT = 0, SKIP, FAIL };

static const char *command_str;
static bool test_with_subtests;
static bool in_fixture;
static const char *in_subtest;
static const char *in_dynamic_subtest;
static int skip_subtests_henceforth;
static int dynamic_tests_executed = -1;
static bool dynamic_failed_one;
static bool skipped_one, succeeded_one, failed_one;
static int igt_exitcode = IGT_EXIT_SUCCESS;
static struct timespec subtest_time, dynamic_subtest_time;

static bool list_subtests;
static bool describe_subtests;
static char *run_single_subtest;
static bool run_single_subtest_found;
static char *run_single_dynamic_subtest;

static bool test_child;
static pid_t test_children[64];
static int num_test_children;

#define MAX_EXIT_HANDLERS 10
static igt_exit_handler_t exit_handler_fn[MAX_EXIT_HANDLERS];
static int exit_handler_count;
static bool in_atexit_handler;
static bool igt_exit_called;

/* descriptions: the pending one plus those of the enclosing groups */
#define MAX_DESC_DEPTH 16
static char current_description[4096];
static char *group_descriptions[MAX_DESC_DEPTH];
static int num_group_descriptions;

/* ring of the last log lines, dumped to stderr when a (sub)test fails */
#define LOG_RING 256
static char *log_ring[LOG_RING];
static unsigned int log_start, log_end;

__attribute__((format(printf, 2, 3)))
static void internal_assert(bool cond, const char *format, ...)
{
	va_list ap;

	if (cond)
		return;
	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
	fprintf(stderr, "please refer to lib/igt_core documentation\n");
	abort();
}

const char *igt_test_name(void)
{
	return command_str;
}

const char *igt_subtest_name(void)
{
	return in_subtest;
}

const char *igt_dynamic_subtest_name(void)
{
	return in_dynamic_subtest;
}

bool igt_only_list_subtests(void)
{
	return list_subtests;
}

bool igt_can_fail(void)
{
	return !test_with_subtests || in_fixture || in_subtest;
}

/* ---- time --------------------------------------------------------------- */

int igt_gettime(struct timespec *ts)
{
	memset(ts, 0, sizeof(*ts));
	if (clock_gettime(CLOCK_MONOTONIC, ts))
		return -errno;
	return 0;
}

double igt_time_elapsed(struct timespec *then, struct timespec *now)
{
	if (!(then->tv_sec || then->tv_nsec) || !(now->tv_sec || now->tv_nsec))
		return -1.0;
	return (now->tv_sec - then->tv_sec) + (now->tv_nsec - then->tv_nsec) * 1e-9;
}

uint64_t igt_nsec_elapsed(struct timespec *start)
{
	struct timespec now;

	igt_gettime(&now);
	if (!start->tv_sec && !start->tv_nsec) {
		*start = now;
		return 0;
	}
	return (uint64_t)NSEC_PER_SEC * (now.tv_sec - start->tv_sec) +
	       (now.tv_nsec - start->tv_nsec);
}

void igt_kmsg(const char *format, ...)
{
	va_list ap;
	FILE *f = fopen("/dev/kmsg", "w");

	if (!f)
		return;
	va_start(ap, format);
	vfprintf(f, format, ap);
	va_end(ap);
	fclose(f);
}

/* ---- logging ------------------------------------------------------------ */

static const char * const log_level_str[] = {
	[IGT_LOG_DEBUG] = "DEBUG",
	[IGT_LOG_INFO] = "INFO",
	[IGT_LOG_WARN] = "WARNING",
	[IGT_LOG_CRITICAL] = "CRITICAL",
	[IGT_LOG_NONE] = "NONE",
};

static void log_ring_append(char *line)
{
	free(log_ring[log_end % LOG_RING]);
	log_ring[log_end % LOG_RING] = line;
	log_end++;
	if (log_end - log_start > LOG_RING)
		log_start = log_end - LOG_RING;
}

static void log_ring_reset(void)
{
	log_start = log_end;
}

static void log_ring_dump(void)
{
	unsigned int i;

	if (in_subtest && !in_dynamic_subtest && dynamic_tests_executed >= 0) {
		/* the failing dynamic subtest already dumped its log */
		log_ring_reset();
		return;
	}
	if (in_dynamic_subtest)
		fprintf(stderr, "Dynamic subtest %s failed.\n", in_dynamic_subtest);
	else if (in_subtest)
		fprintf(stderr, "Subtest %s failed.\n", in_subtest);
	else
		fprintf(stderr, "Test %s failed.\n", command_str);

	if (log_start == log_end) {
		fprintf(stderr, "No log.\n");
		return;
	}
	fprintf(stderr, "**** DEBUG ****\n");
	for (i = log_start; i != log_end; i++)
		fprintf(stderr, "%s", log_ring[i % LOG_RING]);
	fprintf(stderr, "****  END  ****\n");
	log_ring_reset();
}

void igt_vlog(const char *domain, enum igt_log_level level, const char *format,
	      va_list args)
{
	static bool continuation;
	char *line, *formatted;
	bool was_continuation = continuation;
	FILE *file;

	if (list_subtests && level <= IGT_LOG_WARN)
		return;
	if (level > IGT_LOG_CRITICAL)
		return;
	if (vasprintf(&line, format, args) < 0)
		return;

	if (was_continuation)
		formatted = strdup(line);
	else if (asprintf(&formatted, "(%s:%d) %s%s%s: %s", command_str ?: "igt",
			  getpid(), domain ?: "", domain ? "-" : "",
			  log_level_str[level], line) < 0)
		formatted = NULL;
	continuation = line[0] && line[strlen(line) - 1] != '\n';
	if (!formatted) {
		free(line);
		return;
	}
	log_ring_append(formatted);

	if (igt_log_level > level) {
		free(line);
		return;
	}
	if (level >= IGT_LOG_WARN) {
		fflush(stdout);
		file = stderr;
	} else {
		file = stdout;
	}
	fputs(level == IGT_LOG_INFO ? line : formatted, file);
	fflush(file);
	free(line);
}

void igt_log(const char *domain, enum igt_log_level level, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	igt_vlog(domain, level, format, args);
	va_end(args);
}

/* ---- result lines ------------------------------------------------------- */

static void result_message(bool dynamic, const char *name, const char *result,
			   double elapsed)
{
	printf("%s%s %s: %s (%.3fs)%s\n", __igt_plain_output ? "" : "\x1b[1m",
	       dynamic ? "Dynamic subtest" : "Subtest", name, result, elapsed,
	       __igt_plain_output ? "" : "\x1b[0m");
	fflush(stdout);
}

static void starting_message(bool dynamic, const char *name)
{
	igt_info("Starting %s: %s\n", dynamic ? "dynamic subtest" : "subtest", name);
}

/* ---- patterns ----------------------------------------------------------- */

/*
 * IGT matches --run-subtest with INN's uwildmat: a comma separated list of
 * shell globs, a leading '!' negates one; the last pattern that matches decides.
 */
static bool uwildmat(const char *text, const char *patterns)
{
	char *copy = strdup(patterns), *save, *pat;
	bool match = false;

	if (!copy)
		return false;
	for (pat = strtok_r(copy, ",", &save); pat; pat = strtok_r(NULL, ",", &save)) {
		bool neg = pat[0] == '!';

		if (fnmatch(neg ? pat + 1 : pat, text, 0) == 0)
			match = !neg;
	}
	free(copy);
	return match;
}

static bool valid_name_for_subtest(const char *name)
{
	const char *p;

	for (p = name; *p; p++)
		if (*p != '_' && *p != '-' && !(*p >= 'a' && *p <= 'z') &&
		    !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9'))
			return false;
	return p != name;
}

/* ---- fixtures and subtests ---------------------------------------------- */

bool __igt_fixture(void)
{
	internal_assert(!in_fixture, "nesting multiple igt_fixtures is invalid\n");
	internal_assert(!in_subtest, "nesting igt_fixture in igt_subtest is invalid\n");
	internal_assert(test_with_subtests, "igt_fixture in igt_simple_main is invalid\n");

	if (igt_only_list_subtests() || skip_subtests_henceforth)
		return false;
	in_fixture = true;
	return true;
}

void __igt_fixture_complete(void)
{
	assert(in_fixture);
	in_fixture = false;
}

void __igt_fixture_end(void)
{
	assert(in_fixture);
	in_fixture = false;
	siglongjmp(igt_subtest_jmpbuf, 1);
}

static void print_description(const char *name, const char *file, int line)
{
	bool has_doc = false;
	int i;

	printf("SUB %s %s:%d:\n", name, file, line);
	for (i = 0; i < num_group_descriptions; i++) {
		printf("  %s\n\n", group_descriptions[i]);
		has_doc = true;
	}
	if (current_description[0]) {
		printf("  %s\n\n", current_description);
		has_doc = true;
	}
	if (!has_doc)
		printf("  NO DOCUMENTATION!\n\n");
}

bool __igt_run_subtest(const char *subtest_name, const char *file, const int line)
{
	internal_assert(!igt_can_fail(),
			"igt_subtest can be nested only in igt_main or igt_subtest_group\n");

	if (!valid_name_for_subtest(subtest_name)) {
		igt_critical("Invalid subtest name \"%s\".\n", subtest_name);
		exit(IGT_EXIT_INVALID);
	}

	if (run_single_subtest) {
		if (!uwildmat(subtest_name, run_single_subtest)) {
			current_description[0] = '\0';
			return false;
		}
		run_single_subtest_found = true;
	}

	if (describe_subtests) {
		print_description(subtest_name, file, line);
		current_description[0] = '\0';
		return false;
	}
	current_description[0] = '\0';
	if (list_subtests) {
		printf("%s\n", subtest_name);
		return false;
	}

	if (skip_subtests_henceforth) {
		result_message(false, subtest_name,
			       skip_subtests_henceforth == SKIP ? "SKIP" : "FAIL", 0.0);
		return false;
	}

	igt_kmsg(KMSG_INFO "%s: starting subtest %s\n", command_str, subtest_name);
	starting_message(false, subtest_name);
	log_ring_reset();
	igt_gettime(&subtest_time);
	in_subtest = subtest_name;
	return true;
}

bool __igt_enter_dynamic_container(void)
{
	dynamic_tests_executed = 0;
	dynamic_failed_one = false;
	return true;
}

bool __igt_run_dynamic_subtest(const char *dynamic_subtest_name)
{
	internal_assert(in_subtest && dynamic_tests_executed >= 0,
			"igt_dynamic is allowed only inside igt_subtest_with_dynamic\n");
	internal_assert(!in_dynamic_subtest,
			"igt_dynamic is not allowed to be nested in another igt_dynamic\n");

	if (!valid_name_for_subtest(dynamic_subtest_name)) {
		igt_critical("Invalid dynamic subtest name \"%s\".\n", dynamic_subtest_name);
		exit(IGT_EXIT_INVALID);
	}
	if (run_single_dynamic_subtest &&
	    !uwildmat(dynamic_subtest_name, run_single_dynamic_subtest))
		return false;

	igt_kmsg(KMSG_INFO "%s: starting dynamic subtest %s\n", command_str,
		 dynamic_subtest_name);
	starting_message(true, dynamic_subtest_name);
	log_ring_reset();
	dynamic_tests_executed++;
	igt_gettime(&dynamic_subtest_time);
	in_dynamic_subtest = dynamic_subtest_name;
	return true;
}

void __igt_subtest_group_save(int *save, int *desc)
{
	internal_assert(test_with_subtests,
			"igt_subtest_group is not allowed in igt_simple_main\n");
	if (current_description[0] && num_group_descriptions < MAX_DESC_DEPTH) {
		group_descriptions[num_group_descriptions++] = strdup(current_description);
		current_description[0] = '\0';
		*desc = true;
	}
	*save = skip_subtests_henceforth;
}

void __igt_subtest_group_restore(int save, int desc)
{
	if (desc)
		free(group_descriptions[--num_group_descriptions]);
	skip_subtests_henceforth = save;
}

void igt_describe_f(const char *fmt, ...)
{
	va_list args;

	internal_assert(!in_subtest || dynamic_tests_executed < 0,
			"documenting dynamic subsubtests is impossible, document the subtest instead.\n");
	if (!describe_subtests)
		return;
	va_start(args, fmt);
	vsnprintf(current_description, sizeof(current_description), fmt, args);
	va_end(args);
}

static void kill_children(int sig)
{
	int i;

	for (i = 0; i < num_test_children; i++)
		if (test_children[i] > 0)
			kill(test_children[i], sig);
}

__noreturn static void exit_subtest(const char *result)
{
	bool dynamic = in_dynamic_subtest;
	const char **name = dynamic ? &in_dynamic_subtest : &in_subtest;
	struct timespec now;
	int i;

	igt_gettime(&now);
	result_message(dynamic, *name, result,
		       igt_time_elapsed(dynamic ? &dynamic_subtest_time : &subtest_time, &now));
	igt_kmsg(KMSG_INFO "%s: finished subtest %s, %s\n", command_str, *name, result);

	/* a subtest that bailed out may have left children behind */
	for (i = 0; i < num_test_children; i++) {
		if (test_children[i] > 0) {
			kill(test_children[i], SIGKILL);
			waitpid(test_children[i], NULL, 0);
		}
	}
	num_test_children = 0;

	if (!dynamic)
		dynamic_tests_executed = -1;
	else
		log_ring_reset();
	*name = NULL;
	siglongjmp(dynamic ? igt_dynamic_jmpbuf : igt_subtest_jmpbuf, 1);
}

void igt_skip(const char *f, ...)
{
	va_list args;

	skipped_one = true;
	internal_assert(!test_child, "skips are not allowed in forks\n");

	if (!igt_only_list_subtests()) {
		va_start(args, f);
		vprintf(f, args);
		va_end(args);
		fflush(stdout);
	}

	if (in_subtest) {
		/* skipped dynamic subtests do not count for the container */
		if (in_dynamic_subtest)
			dynamic_tests_executed--;
		exit_subtest("SKIP");
	} else if (test_with_subtests) {
		skip_subtests_henceforth = SKIP;
		internal_assert(in_fixture,
				"skipping is allowed only in fixtures, subtests or igt_simple_main\n");
		__igt_fixture_end();
	} else {
		igt_exitcode = IGT_EXIT_SKIP;
		igt_exit();
	}
}

void __igt_skip_check(const char *file, const int line, const char *func,
		      const char *check, const char *f, ...)
{
	int err = errno;
	char errstr[128] = "";
	char *buf = NULL;
	va_list args;

	if (err)
		snprintf(errstr, sizeof(errstr), "Last errno: %i, %s\n", err, strerror(err));
	if (f) {
		va_start(args, f);
		if (vasprintf(&buf, f, args) < 0)
			buf = NULL;
		va_end(args);
	}
	igt_skip("Test requirement not met in function %s, file %s:%i:\n"
		 "Test requirement: %s\n%s%s",
		 func, file, line, check, buf ?: "", errstr);
}

void igt_success(void)
{
	if (in_subtest && !in_dynamic_subtest && dynamic_tests_executed >= 0) {
		/* leaving a dynamic container: its result is that of its parts */
		if (dynamic_failed_one)
			igt_fail(IGT_EXIT_FAILURE);
		if (dynamic_tests_executed == 0)
			igt_skip("No dynamic tests executed.\n");
	}
	if (!in_dynamic_subtest)
		succeeded_one = true;
	if (in_subtest)
		exit_subtest("SUCCESS");
}

void igt_fail(int exitcode)
{
	assert(exitcode != IGT_EXIT_SUCCESS && exitcode != IGT_EXIT_SKIP);

	if (in_atexit_handler)
		_exit(IGT_EXIT_FAILURE);

	if (in_dynamic_subtest) {
		dynamic_failed_one = true;
	} else {
		internal_assert(dynamic_tests_executed < 0 || dynamic_failed_one,
				"a dynamic subtest container must not fail explicitly\n");
		if (!failed_one)
			igt_exitcode = exitcode;
		failed_one = true;
	}

	log_ring_dump();

	if (test_child)
		exit(exitcode);

	if (in_subtest) {
		exit_subtest("FAIL");
	} else {
		internal_assert(igt_can_fail(),
				"failing test is only allowed in fixtures, subtests and igt_simple_main\n");
		if (in_fixture) {
			skip_subtests_henceforth = FAIL;
			__igt_fixture_end();
		}
		igt_exit();
	}
}

void __igt_fail_assert(const char *domain, const char *file, const int line,
		       const char *func, const char *assertion, const char *f, ...)
{
	int err = errno;
	va_list args;

	igt_log(domain, IGT_LOG_CRITICAL, "Test assertion failure function %s, file %s:%i:\n",
		func, file, line);
	igt_log(domain, IGT_LOG_CRITICAL, "Failed assertion: %s\n", assertion);
	if (err)
		igt_log(domain, IGT_LOG_CRITICAL, "Last errno: %i, %s\n", err, strerror(err));
	if (f) {
		va_start(args, f);
		igt_vlog(domain, IGT_LOG_CRITICAL, f, args);
		va_end(args);
	}
	igt_fail(IGT_EXIT_FAILURE);
}

/* ---- exit handlers and crashes ------------------------------------------ */

static void call_exit_handlers(int sig)
{
	int i;

	in_atexit_handler = true;
	for (i = exit_handler_count - 1; i >= 0; i--)
		exit_handler_fn[i](sig);
	exit_handler_count = 0;
	in_atexit_handler = false;
}

static void igt_atexit_handler(void)
{
	call_exit_handlers(0);
}

void igt_install_exit_handler(igt_exit_handler_t fn)
{
	static bool registered;
	int i;

	for (i = 0; i < exit_handler_count; i++)
		if (exit_handler_fn[i] == fn)
			return;
	assert(exit_handler_count < MAX_EXIT_HANDLERS);
	exit_handler_fn[exit_handler_count++] = fn;
	if (!registered) {
		atexit(igt_atexit_handler);
		registered = true;
	}
}

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

static void fatal_sig_handler(int sig)
{
	struct timespec now;
	char buf[512];
	int n;

	n = snprintf(buf, sizeof(buf), "Received signal %s.\n", strsignal(sig));
	if (n > 0)
		(void)!write(STDERR_FILENO, buf, n);

	if (in_subtest && !test_child) {
		igt_gettime(&now);
		fflush(stdout);
		if (in_dynamic_subtest) {
			n = snprintf(buf, sizeof(buf), "Dynamic subtest %s: CRASH (%.3fs)\n",
				     in_dynamic_subtest,
				     igt_time_elapsed(&dynamic_subtest_time, &now));
			if (n > 0)
				(void)!write(STDOUT_FILENO, buf, n);
		}
		n = snprintf(buf, sizeof(buf), "Subtest %s: CRASH (%.3fs)\n", in_subtest,
			     igt_time_elapsed(&subtest_time, &now));
		if (n > 0)
			(void)!write(STDOUT_FILENO, buf, n);
	}
	if (!test_child)
		kill_children(SIGKILL);
	call_exit_handlers(sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_crash_handlers(void)
{
	size_t i;

	for (i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		signal(crash_signals[i], fatal_sig_handler);
}

/* ---- forked children ---------------------------------------------------- */

bool __igt_fork(void)
{
	pid_t pid;

	internal_assert(!test_with_subtests || in_subtest,
			"forking is only allowed in subtests or igt_simple_main\n");
	internal_assert(!test_child, "forking is not allowed from already forked children\n");
	assert(num_test_children < (int)(sizeof(test_children) / sizeof(test_children[0])));

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		igt_assert(pid >= 0);
	if (pid == 0) {
		test_child = true;
		exit_handler_count = 0;
		num_test_children = 0;
		return true;
	}
	test_children[num_test_children++] = pid;
	return false;
}

int __igt_waitchildren(void)
{
	int err = 0, count = 0;

	while (count < num_test_children) {
		int status = -1, c;
		pid_t pid = wait(&status);

		if (pid == -1) {
			if (errno == EINTR)
				continue;
			return IGT_EXIT_FAILURE;
		}
		for (c = 0; c < num_test_children; c++)
			if (pid == test_children[c])
				break;
		if (c == num_test_children)
			continue;
		if (!err && status) {
			if (WIFEXITED(status)) {
				printf("child %i failed with exit status %i\n", c,
				       WEXITSTATUS(status));
				err = WEXITSTATUS(status);
			} else if (WIFSIGNALED(status)) {
				printf("child %i died with signal %i, %s\n", c,
				       WTERMSIG(status), strsignal(WTERMSIG(status)));
				err = 128 + WTERMSIG(status);
			} else {
				err = 256;
			}
			kill_children(SIGKILL);
		}
		count++;
	}
	num_test_children = 0;
	return err;
}

void igt_waitchildren(void)
{
	int err = __igt_waitchildren();

	if (err)
		igt_fail(err);
}

/* ---- start and end ------------------------------------------------------ */

enum {
	OPT_LIST_SUBTESTS = 500,
	OPT_RUN_SUBTEST,
	OPT_RUN_DYNAMIC_SUBTEST,
	OPT_DESCRIPTION,
	OPT_DESCRIBE_SUBTESTS,
	OPT_DEBUG,
	OPT_DEVICE,
	OPT_VERSION,
	OPT_HELP = 'h',
};

/* device filters given with --device or IGT_DEVICE, read by drmtest.c */
char *__igt_device_filters;

static void print_usage(const char *help_str, bool on_stderr)
{
	FILE *f = on_stderr ? stderr : stdout;

	fprintf(f, "Usage: %s [OPTIONS]\n", command_str);
	fprintf(f, "  --list-subtests\n"
		   "  --run-subtest <pattern>\n"
		   "  --dynamic-subtest <pattern>\n"
		   "  --debug[=log-domain]\n"
		   "  --help-description\n"
		   "  --describe\n"
		   "  --device filters\n"
		   "  --version\n"
		   "  --help|-h\n");
	if (help_str)
		fprintf(f, "%s\n", help_str);
}

static void print_test_description(void)
{
	if (&__igt_test_description && __igt_test_description)
		printf("%s\n", __igt_test_description);
}

static void print_version(void)
{
	struct utsname uts;

	if (igt_only_list_subtests())
		return;
	uname(&uts);
	igt_info("IGT-Version: drm-p2p-igt-compat (%s) (%s: %s %s)\n", uts.machine,
		 uts.sysname, uts.release, uts.machine);
}

static int common_init(int *argc, char **argv, const char *extra_short_opts,
		       const struct option *extra_long_opts, const char *help_str,
		       igt_opt_handler_t extra_opt_handler, void *handler_data)
{
	static const struct option std_long_opts[] = {
		{ "list-subtests", no_argument, NULL, OPT_LIST_SUBTESTS },
		{ "run-subtest", required_argument, NULL, OPT_RUN_SUBTEST },
		{ "dynamic-subtest", required_argument, NULL, OPT_RUN_DYNAMIC_SUBTEST },
		{ "help-description", no_argument, NULL, OPT_DESCRIPTION },
		{ "describe", optional_argument, NULL, OPT_DESCRIBE_SUBTESTS },
		{ "debug", optional_argument, NULL, OPT_DEBUG },
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, OPT_HELP },
		{ 0, 0, 0, 0 }
	};
	size_t n_extra = 0, n_std = sizeof(std_long_opts) / sizeof(std_long_opts[0]);
	struct option *opts;
	char *short_opts;
	const char *env;
	int c, i, ret = 0;

	command_str = program_invocation_short_name;

	if (!isatty(STDOUT_FILENO) || getenv("IGT_PLAIN_OUTPUT"))
		__igt_plain_output = true;
	errno = 0;
	env = getenv("IGT_LOG_LEVEL");
	if (env) {
		if (!strcmp(env, "debug"))
			igt_log_level = IGT_LOG_DEBUG;
		else if (!strcmp(env, "info"))
			igt_log_level = IGT_LOG_INFO;
		else if (!strcmp(env, "warn"))
			igt_log_level = IGT_LOG_WARN;
		else if (!strcmp(env, "none"))
			igt_log_level = IGT_LOG_NONE;
	}
	env = getenv("IGT_DEVICE");
	if (env)
		__igt_device_filters = strdup(env);

	while (extra_long_opts && extra_long_opts[n_extra].name)
		n_extra++;
	opts = calloc(n_extra + n_std, sizeof(*opts));
	assert(opts);
	if (n_extra)
		memcpy(opts, extra_long_opts, n_extra * sizeof(*opts));
	memcpy(opts + n_extra, std_long_opts, sizeof(std_long_opts));
	if (asprintf(&short_opts, "%sh", extra_short_opts ?: "") < 0)
		abort();

	while ((c = getopt_long(*argc, argv, short_opts, opts, &i)) != -1) {
		switch (c) {
		case OPT_LIST_SUBTESTS:
			if (!run_single_subtest)
				list_subtests = true;
			break;
		case OPT_RUN_SUBTEST:
			if (!igt_only_list_subtests())
				run_single_subtest = strdup(optarg);
			break;
		case OPT_RUN_DYNAMIC_SUBTEST:
			if (!igt_only_list_subtests())
				run_single_dynamic_subtest = strdup(optarg);
			break;
		case OPT_DESCRIBE_SUBTESTS:
			if (optarg)
				run_single_subtest = strdup(optarg);
			list_subtests = true;
			describe_subtests = true;
			print_test_description();
			break;
		case OPT_DEBUG:
			igt_log_level = IGT_LOG_DEBUG;
			break;
		case OPT_DEVICE:
			free(__igt_device_filters);
			__igt_device_filters = strdup(optarg);
			break;
		case OPT_DESCRIPTION:
			print_test_description();
			ret = -1;
			goto out;
		case OPT_VERSION:
			printf("IGT-Version: drm-p2p-igt-compat\n");
			ret = -1;
			goto out;
		case OPT_HELP:
			print_usage(help_str, false);
			ret = -1;
			goto out;
		case '?':
			print_usage(help_str, true);
			ret = -2;
			goto out;
		default:
			ret = extra_opt_handler ? extra_opt_handler(c, i, handler_data) : -2;
			if (ret)
				goto out;
		}
	}
out:
	free(short_opts);
	free(opts);

	/* a test without subtests has nothing to list or select */
	if (!test_with_subtests) {
		if (run_single_subtest) {
			igt_warn("Unknown subtest: %s\n", run_single_subtest);
			exit(IGT_EXIT_INVALID);
		}
		if (list_subtests)
			exit(IGT_EXIT_INVALID);
	}
	if (ret < 0)
		exit(ret == -1 ? 0 : IGT_EXIT_INVALID);

	if (!igt_only_list_subtests()) {
		igt_kmsg(KMSG_INFO "%s: executing\n", command_str);
		print_version();
	}
	install_crash_handlers();
	if (!test_with_subtests)
		igt_gettime(&subtest_time);

	for (i = 0; optind + i < *argc; i++)
		argv[i + 1] = argv[optind + i];
	*argc = *argc - optind + 1;
	return ret;
}

int igt_subtest_init_parse_opts(int *argc, char **argv, const char *extra_short_opts,
				const struct option *extra_long_opts, const char *help_str,
				igt_opt_handler_t extra_opt_handler, void *handler_data)
{
	test_with_subtests = true;
	return common_init(argc, argv, extra_short_opts, extra_long_opts, help_str,
			   extra_opt_handler, handler_data);
}

void igt_simple_init_parse_opts(int *argc, char **argv, const char *extra_short_opts,
				const struct option *extra_long_opts, const char *help_str,
				igt_opt_handler_t extra_opt_handler, void *handler_data)
{
	common_init(argc, argv, extra_short_opts, extra_long_opts, help_str,
		    extra_opt_handler, handler_data);
}

void igt_exit(void)
{
	int i;

	igt_exit_called = true;

	if (run_single_subtest && !run_single_subtest_found) {
		igt_critical("Unknown subtest: %s\n", run_single_subtest);
		exit(IGT_EXIT_INVALID);
	}
	if (igt_only_list_subtests())
		exit(IGT_EXIT_SUCCESS);

	/* ending a test with subtests without any result is a bug of the test */
	internal_assert(!test_with_subtests || skipped_one || succeeded_one || failed_one,
			"igt_exit() without any subtest result\n");

	if (test_with_subtests && !failed_one)
		igt_exitcode = succeeded_one ? IGT_EXIT_SUCCESS : IGT_EXIT_SKIP;

	if (command_str)
		igt_kmsg(KMSG_INFO "%s: exiting, ret=%d\n", command_str, igt_exitcode);
	igt_debug("Exiting with status code %d\n", igt_exitcode);

	kill_children(SIGKILL);
	for (i = 0; i < num_test_children; i++)
		waitpid(test_children[i], NULL, 0);
	num_test_children = 0;

	if (!test_with_subtests) {
		struct timespec now;
		const char *result;

		igt_gettime(&now);
		result = igt_exitcode == IGT_EXIT_SUCCESS ? "SUCCESS" :
			 igt_exitcode == IGT_EXIT_SKIP ? "SKIP" : "FAIL";
		printf("%s (%.3fs)\n", result, igt_time_elapsed(&subtest_time, &now));
	}
	fflush(stdout);
	exit(igt_exitcode);
}

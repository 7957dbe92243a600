/* replay.c - run one libFuzzer target (tests/fuzz/fuzz_<name>.c) as a
 * cmocka test over its seed corpus and its regressions, without clang:
 * `make test` links it with each target into build/test/unit/fuzz/test_fuzz_<name>
 * (sanitized, like the unit tests), so every input that once crashed a
 * parser or broke its contract is replayed on every test run.
 *
 * Inputs: every file of tests/fuzz/corpus/<name>/ (or corpus/fuzz_<name>/)
 * and tests/fuzz/regress/<name>/, relative to the top of the tree (the test
 * runner's working folder). The target aborts on a breach, which fails the
 * binary. FUZZ_NAME is defined on the command line.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#ifndef FUZZ_NAME
#error "build with -DFUZZ_NAME=\"<name>\""
#endif

#define REPLAY_MAX_FILES 4096
#define REPLAY_MAX_BYTES (4L * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

struct input {
	char path[512];
};

static struct input inputs[REPLAY_MAX_FILES];
static size_t ninputs;

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct input *)a)->path, ((const struct input *)b)->path);
}

static void collect(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL && ninputs < REPLAY_MAX_FILES) {
		struct stat st;
		struct input *in = &inputs[ninputs];

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(in->path, sizeof(in->path), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(in->path))
			continue;
		if (stat(in->path, &st) == 0 && S_ISREG(st.st_mode))
			ninputs++;
	}
	closedir(d);
}

static void replay_one(void **state)
{
	const struct input *in = *state;
	FILE *f = fopen(in->path, "rb");
	uint8_t *data;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0 && n <= REPLAY_MAX_BYTES);
	rewind(f);
	data = malloc((size_t)n + 1); /* +1: never malloc(0) */
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	/* the target aborts on a crash or a broken contract */
	assert_int_equal(LLVMFuzzerTestOneInput(data, (size_t)n), 0);
	free(data);
}

int main(int argc, char **argv)
{
	struct CMUnitTest *tests;
	int r;

	collect("tests/fuzz/corpus/" FUZZ_NAME);
	collect("tests/fuzz/corpus/fuzz_" FUZZ_NAME);
	collect("tests/fuzz/regress/" FUZZ_NAME);
	if (ninputs == 0) {
		fprintf(stderr, "replay %s: no inputs (run from the top of the tree)\n", FUZZ_NAME);
		return 1;
	}
	qsort(inputs, ninputs, sizeof(inputs[0]), by_path);
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	tests = calloc(ninputs, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < ninputs; i++) {
		tests[i].name = inputs[i].path;
		tests[i].test_func = replay_one;
		tests[i].initial_state = &inputs[i];
	}
	r = _cmocka_run_group_tests("fuzz_" FUZZ_NAME, tests, ninputs, NULL, NULL);
	free(tests);
	return r;
}

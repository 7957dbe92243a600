/* fuzz_normalize.c - libFuzzer target for handlers/normalize (and the
 * syllable rules under it).
 *
 * Any bytes go in, NUL-terminated as the gateway hands them over. Beyond
 * not crashing or reading out of bounds, the output must keep the
 * contract, and the process aborts on a breach: valid UTF-8, single spaces
 * between words and none at either end, no larger than NORMALIZE_GROWTH
 * times the (capped) input, and the same on a second run (a pure function).
 *
 * Build and run (clang, from the top of the tree):
 *   mkdir -p build/fuzz && clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -std=c11 -D_GNU_SOURCE tests/fuzz/fuzz_normalize.c handlers/vi/normalize.c \
 *     handlers/vi/syllable.c handlers/vi/textfold.c common/buf.c common/gw_err.c \
 *     -lutf8proc -o build/fuzz/fuzz_normalize
 *   mkdir -p build/fuzz/corpus-normalize
 *   build/fuzz/fuzz_normalize -max_total_time=60 build/fuzz/corpus-normalize \
 *     tests/fuzz/corpus/normalize
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "handlers/vi/normalize.h"
#include "handlers/vi/textfold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out, again;
	char *text = malloc(size + 1);
	size_t in = size > NORMALIZE_INPUT_MAX ? NORMALIZE_INPUT_MAX : size;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	buf_init(&out, NORMALIZE_GROWTH * NORMALIZE_INPUT_MAX);
	buf_init(&again, NORMALIZE_GROWTH * NORMALIZE_INPUT_MAX);
	check(normalize_text(&out, text, strlen(text)) == 0);
	check(out.len <= NORMALIZE_GROWTH * in + 1);
	check(textfold_utf8_valid(out.data, out.len));
	check(out.len == 0 || (out.data[0] != ' ' && out.data[out.len - 1] != ' '));
	check(strstr(out.data, "  ") == NULL);
	check(normalize_text(&again, text, strlen(text)) == 0);
	check(again.len == out.len && memcmp(again.data, out.data, out.len) == 0);
	(void)normalize_is_english(out.data);
	buf_release(&out);
	buf_release(&again);
	free(text);
	return 0;
}

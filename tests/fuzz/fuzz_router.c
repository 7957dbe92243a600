/* fuzz_router.c - libFuzzer target for the handler path of one message:
 * normalise, route (exact, glued, fuzzy command words; intent cues),
 * programme search, policy answer and the reply composer, on a database
 * built like `gatewayctl init` + `import programs` does.
 *
 * Each input is one message from one sender, handled in a transaction that
 * is rolled back, so every run sees the same database. Beyond not crashing,
 * the contract is checked and the process aborts on a breach: the route's
 * arguments lie inside the normalised text, an intent is always set, there
 * is always a reply (never silence), and every reply fits sms.max_parts.
 *
 * Build and run (clang, from the top of the tree; needs the data/ files):
 *   make build/fuzz/fuzz_router              # clang, like every make fuzz target
 *   mkdir -p build/fuzz/corpus-router
 *   build/fuzz/fuzz_router -max_total_time=60 build/fuzz/corpus-router \
 *     tests/fuzz/corpus/router
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/store.h"
#include "config/settings.h"
#include "gateway/content/content.h"
#include "handlers/core/reply.h"
#include "handlers/handler.h"
#include "handlers/understand/lexicon.h"
#include "handlers/understand/router.h"
#include "handlers/vi/normalize.h"
#include "handlers/vi/textfold.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer calls us with no context: the database opened once lives here. */
static struct {
	struct db *db;
	struct gw_settings cfg;
} fz;

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/gw-fuzz-router-XXXXXX", path[512], err[512];
	const char *src = getenv("GW_SRCDIR") ? getenv("GW_SRCDIR") : ".";
	struct content_counts c;

	(void)argc;
	(void)argv;
	log_setup("fuzz_router", LOG_LVL_ERROR, 0, 0);
	check(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/gw.db", dir);
	check(store_open(&fz.db, path, 1000) == 0);
	snprintf(path, sizeof(path), "%s/data/lexicon.json", src);
	check(lexicon_import(fz.db, path, err, sizeof(err)) == 0);
	snprintf(path, sizeof(path), "%s/data/programs.json", src);
	check(content_import_programs(fz.db, path, "fuzz", &c, err, sizeof(err)) == 0);
	settings_defaults(&fz.cfg);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct handler_env env = { fz.db, &fz.cfg };
	struct handler_msg msg;
	struct handler_result res;
	struct buf norm;
	struct route rt;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	buf_init(&norm, NORMALIZE_GROWTH * NORMALIZE_INPUT_MAX);
	check(normalize_text(&norm, text, strlen(text)) == 0);
	check(router_route(fz.db, norm.data, &rt) == 0);
	check(rt.args_off <= norm.len && *rt.intent);

	msg.phone = "+84900000001";
	msg.text = text;
	msg.at = 1767225600;
	msg.channel = HANDLER_CHANNEL_SMS;
	handler_result_init(&res);
	check(db_begin(fz.db) == 0);
	if (textfold_utf8_valid(text, strlen(text))) { /* the pipeline validates before this */
		check(handler_process(&env, &msg, &res) == 0);
		check(res.nout >= 1 && *res.intent);
		for (size_t i = 0; i < res.nout; i++) {
			int parts = 0, ucs2 = 0;

			check(reply_measure(res.out[i].text, &parts, &ucs2) == 0);
			check(parts <= fz.cfg.sms.max_parts);
		}
	}
	db_rollback(fz.db);
	handler_result_release(&res);
	buf_release(&norm);
	free(text);
	return 0;
}

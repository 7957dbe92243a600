/* test_accuracy.c - the 150 labelled household messages through the real
 * handler path (normalise, route, classify, search, compose) on a fresh
 * database built the way `gatewayctl init` + `import` build it.
 *
 * Reports intent accuracy, programme-code accuracy (rows whose expected
 * value is a programme code; job ids belong to the jobs feature and are
 * reported apart, not counted), and the confusion between intents. Fails
 * below ACC_INTENT_MIN / ACC_CODE_MIN, or when any reply exceeds
 * sms.max_parts. ACCURACY_VERBOSE=1 prints every miss with the cues that
 * fired. Run from the top of the tree (or set GW_SRCDIR).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "config/settings.h"
#include "handlers/core/reply.h"
#include "handlers/handler.h"
#include "handlers/understand/intent.h"
#include "handlers/understand/progsearch.h"
#include "handlers/vi/normalize.h"

#define ACC_INTENT_MIN 0.90
#define ACC_CODE_MIN 0.85
#define ACC_MAX_ROWS 400
#define ACC_LINE_MAX 2048

static const char *const intents[] = {
	"policy", "eligibility", "job_list", "job_apply", "appointment", "help", "stop", "start",
	"unknown",
};
#define ACC_NINTENTS (sizeof(intents) / sizeof(intents[0]))

struct row {
	char text[ACC_LINE_MAX + 300];
	char intent[32];
	char expected[256];
};

static int intent_index(const char *name)
{
	for (size_t i = 0; i < ACC_NINTENTS; i++)
		if (!strcmp(intents[i], name))
			return (int)i;
	return (int)ACC_NINTENTS - 1;
}

static size_t load_rows(struct row *rows, size_t max)
{
	char path[1024], line[ACC_LINE_MAX + 300];
	FILE *f;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/tests/fixtures/messages-dev.tsv", fixture_srcdir());
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f)); /* header */
	while (n < max && fgets(line, sizeof(line), f)) {
		char *t1, *t2;

		line[strcspn(line, "\r\n")] = '\0';
		if (!(t1 = strchr(line, '\t')) || !(t2 = strchr(t1 + 1, '\t')))
			continue;
		*t1 = *t2 = '\0';
		snprintf(rows[n].text, sizeof(rows[n].text), "%s", line);
		snprintf(rows[n].intent, sizeof(rows[n].intent), "%s", t1 + 1);
		snprintf(rows[n].expected, sizeof(rows[n].expected), "%s", t2 + 1);
		n++;
	}
	fclose(f);
	return n;
}

static int is_program(struct db *db, const char *code)
{
	sqlite3_stmt *st;
	int r;

	assert_int_equal(db_prepare(db, "SELECT 1 FROM programs WHERE code = ?", &st), 0);
	db_bind_text(st, 1, code);
	r = db_step(st);
	sqlite3_reset(st);
	return r == DB_ROW;
}

/* 1 when every alternative of expected ("A|B") is a programme code. */
static int expects_program(struct db *db, const char *expected)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", expected);
	if (!strcmp(buf, "-") || !*buf)
		return 0;
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save))
		if (!is_program(db, tok))
			return 0;
	return 1;
}

static int code_matches(const char *expected, const char *got)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", expected);
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save))
		if (!strcmp(tok, got))
			return 1;
	return 0;
}

static void explain(struct db *db, const char *text)
{
	struct buf norm, why;
	struct intent_features f = { .command_intent = NULL };
	struct progsearch_hit hit;

	buf_init(&norm, 4 * NORMALIZE_INPUT_MAX);
	buf_init(&why, 8192);
	normalize_text(&norm, text, strlen(text));
	f.english = normalize_is_english(norm.data);
	if (progsearch_find(db, norm.data, NULL, &hit) == 0) {
		f.names_program = hit.named;
		f.program_strong = hit.covered >= PROGSEARCH_STRONG;
	}
	intent_explain(db, norm.data, &f, &why);
	progsearch_explain(db, norm.data, NULL, &why);
	assert_int_equal(buf_adds(&why, " eligibility scope:\n"), 0);
	progsearch_explain(db, norm.data, "eligibility", &why);
	printf("      norm: %s\n%s", norm.data, why.data);
	buf_release(&norm);
	buf_release(&why);
}

static void test_fixture_accuracy(void **state)
{
	struct row *rows = calloc(ACC_MAX_ROWS, sizeof(*rows));
	struct fixture fx;
	struct gw_settings cfg;
	struct handler_env env;
	struct db *db = NULL;
	int confusion[ACC_NINTENTS][ACC_NINTENTS];
	int intent_ok = 0, code_rows = 0, code_ok = 0, job_rows = 0, job_ok = 0, over = 0;
	int verbose = getenv("ACCURACY_VERBOSE") != NULL;
	size_t n;

	(void)state;
	assert_non_null(rows);
	memset(confusion, 0, sizeof(confusion));
	db = fixture_open(&fx, "gw-acc", 1000, FIXTURE_LEXICON | FIXTURE_PROGRAMS | FIXTURE_JOBS);
	settings_defaults(&cfg);
	env.db = db;
	env.cfg = &cfg;
	n = load_rows(rows, ACC_MAX_ROWS);
	assert_true(n >= 150);

	for (size_t i = 0; i < n; i++) {
		struct handler_msg msg;
		struct handler_result res;
		char phone[32];
		int want = intent_index(rows[i].intent), got, prog;

		snprintf(phone, sizeof(phone), "+849%08zu", i);
		msg.phone = phone;
		msg.text = rows[i].text;
		msg.at = 1767225600; /* 2026-01-01 */
		msg.channel = HANDLER_CHANNEL_SMS;
		handler_result_init(&res);
		assert_int_equal(db_begin(db), 0);
		if ((got = handler_process(&env, &msg, &res)) != 0)
			fail_msg("handler_process failed (%d) on '%s'", got, rows[i].text);
		assert_int_equal(db_commit(db), 0);
		assert_true(res.nout >= 1); /* never silence */
		for (size_t k = 0; k < res.nout; k++) {
			int parts = 0, ucs2 = 0;

			assert_int_equal(reply_measure(res.out[k].text, &parts, &ucs2), 0);
			if (parts > cfg.sms.max_parts) {
				over++;
				printf("  OVER BUDGET (%d parts): %s\n", parts, res.out[k].text);
			}
		}
		got = intent_index(res.intent);
		confusion[want][got]++;
		intent_ok += want == got;
		prog = expects_program(db, rows[i].expected);
		if (prog) {
			code_rows++;
			code_ok += code_matches(rows[i].expected, res.ref);
		} else if (!strncmp(rows[i].expected, "JOB-", 4)) {
			job_rows++;
			job_ok += code_matches(rows[i].expected, res.ref);
		}
		if (verbose && (want != got || (prog && !code_matches(rows[i].expected, res.ref)))) {
			printf("  MISS %-11s -> %-11s code %-16s -> %-16s | %s\n", rows[i].intent,
			       res.intent, prog ? rows[i].expected : "", res.ref, rows[i].text);
			explain(db, rows[i].text);
		}
		if (verbose > 0 && getenv("ACCURACY_REPLIES"))
			printf("  REPLY [%s] %s\n", res.intent, res.nout ? res.out[0].text : "");
		handler_result_release(&res);
	}

	printf("intent accuracy: %d/%zu = %.1f%%\n", intent_ok, n, 100.0 * intent_ok / (double)n);
	printf("program-code accuracy: %d/%d = %.1f%%\n", code_ok, code_rows,
	       code_rows ? 100.0 * code_ok / code_rows : 0.0);
	printf("job ids (jobs feature, not counted): %d/%d\n", job_ok, job_rows);
	printf("replies over sms.max_parts (%d): %d\n", cfg.sms.max_parts, over);
	printf("confusion (rows: expected, columns: got)\n%-12s", "");
	for (size_t j = 0; j < ACC_NINTENTS; j++)
		printf(" %5.5s", intents[j]);
	printf("\n");
	for (size_t i = 0; i < ACC_NINTENTS; i++) {
		printf("%-12s", intents[i]);
		for (size_t j = 0; j < ACC_NINTENTS; j++)
			printf(" %5d", confusion[i][j]);
		printf("\n");
	}
	fixture_close(&fx, db);
	free(rows);
	assert_int_equal(over, 0);
	assert_true(intent_ok >= ACC_INTENT_MIN * (double)n);
	assert_true(code_ok >= ACC_CODE_MIN * (double)code_rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_accuracy),
	};

	log_setup("test_accuracy", LOG_LVL_ERROR, 0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

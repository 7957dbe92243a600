/* attention.c - see attention.h. */
#include "handlers/features/attention.h"

#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/features/jobs_filter.h"
#include "handlers/vi/textfold.h"

#define ATTENTION_TEXT_MAX 4096
#define QUESTION_WORDS 4

/* Folded, as " word word ": a sick or injured person, a hospital, a death. */
static const char *const health_cues[] = {
	" om nang ", " benh nang ", " om rat nang ", " nam vien ", " nhap vien ", " cap cuu ",
	" tai nan ", " nguy kich ", " hap hoi ", " bat tinh ", " dot quy ", " chay mau ",
	" ung thu ", " mo gap ", " qua doi ", " vua mat ", " kho tho ", " suy than ",
	NULL,
};

static int words_in(const char *squashed)
{
	int n = 0;

	for (const char *p = squashed; *p; p++)
		n += p[0] == ' ' && p[1] && p[1] != ' ';
	return n;
}

enum attention_reason attention_reason(const char *text, const char *intent, const char *status)
{
	enum attention_reason why = ATTENTION_NONE;
	struct buf folded, words;

	buf_init(&folded, ATTENTION_TEXT_MAX * 2);
	buf_init(&words, ATTENTION_TEXT_MAX * 2 + 2);
	text = text ? text : "";
	if (strlen(text) <= ATTENTION_TEXT_MAX && textfold_ascii(&folded, text, strlen(text)) == 0 &&
	    jobs_filter_squash(folded.data, &words) == 0)
		for (size_t i = 0; health_cues[i] && why == ATTENTION_NONE; i++)
			if (strstr(words.data, health_cues[i]))
				why = ATTENTION_HEALTH;
	if (why == ATTENTION_NONE && status && strcmp(status, "failed") == 0)
		why = ATTENTION_FAILED;
	if (why == ATTENTION_NONE && intent && (!strcmp(intent, "unknown") || !strcmp(intent, "noise")) &&
	    (words_in(words.data) >= QUESTION_WORDS || strchr(text, '?')))
		why = ATTENTION_HELP_TEXT;
	buf_release(&folded);
	buf_release(&words);
	return why;
}

static const char *arg_text(sqlite3_value *v)
{
	const unsigned char *s = sqlite3_value_text(v);

	return s ? (const char *)s : "";
}

static void fn_attention(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sqlite3_result_int(ctx, (int)attention_reason(arg_text(argv[0]), arg_text(argv[1]),
							arg_text(argv[2])));
}

int attention_register(struct db *db)
{
	if (sqlite3_create_function(db_handle(db), "gw_attention", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				    NULL, fn_attention, NULL, NULL) != SQLITE_OK)
		return GW_ERR_DB;
	return 0;
}

#include "handlers/features/poverty.h"

#include <string.h>

#include "common/gw_err.h"

int poverty_standard_for(struct db *db, int area, const char *day, struct poverty_standard *out)
{
	struct poverty_standard s;
	sqlite3_stmt *st;
	int r;

	memset(&s, 0, sizeof(s));
	if ((r = db_row(db, "SELECT valid_from, income_line, msl_line, min_deprivations,"
			    " name_vi, name_en,"
			    " (SELECT count(*) FROM poverty_indicators i WHERE i.valid_from = p.valid_from)"
			    " FROM poverty_standards p WHERE area = ? AND valid_from <= ?"
			    " ORDER BY valid_from DESC LIMIT 1",
			DB_ARGS(DB_TEXT(area == POVERTY_URBAN ? "urban" : "rural"), DB_TEXT(day)),
			&st)) < 0)
		goto out;
	gw_strlcpy(s.valid_from, db_col_text(st, 0), sizeof(s.valid_from));
	s.area = area;
	s.income_line = sqlite3_column_int64(st, 1);
	s.msl_line = sqlite3_column_int64(st, 2);
	s.min_deprivations = sqlite3_column_int(st, 3);
	/* names longer than the field are cut, never refused */
	memcpy(s.name_vi, db_col_text(st, 4), strnlen(db_col_text(st, 4), sizeof(s.name_vi) - 1));
	memcpy(s.name_en, db_col_text(st, 5), strnlen(db_col_text(st, 5), sizeof(s.name_en) - 1));
	s.indicators = sqlite3_column_int(st, 6);
	if (s.indicators > POVERTY_MAX_INDICATORS)
		s.indicators = POVERTY_MAX_INDICATORS;
	sqlite3_reset(st);
	*out = s;
	r = 0;
out:
	return r;
}

int poverty_in_force(struct db *db, const char *day, char *out)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT max(valid_from) FROM poverty_standards WHERE valid_from <= ?",
			DB_ARGS(DB_TEXT(day)), &st)) < 0)
		goto out;
	r = *db_col_text(st, 0) ? gw_strlcpy(out, db_col_text(st, 0), 11) : GW_ERR_NOTFOUND;
	sqlite3_reset(st);
out:
	return r;
}

enum poverty_class poverty_classify(const struct poverty_standard *s, long long income_pp,
				    int deprivations)
{
	if (income_pp <= s->income_line)
		return deprivations >= s->min_deprivations ? POVERTY_POOR : POVERTY_NEAR_POOR;
	if (s->msl_line > 0 && income_pp <= s->msl_line)
		return POVERTY_AVERAGE;
	return POVERTY_ABOVE;
}

const char *poverty_class_key(enum poverty_class c)
{
	switch (c) {
	case POVERTY_POOR: return "poor";
	case POVERTY_NEAR_POOR: return "near_poor";
	case POVERTY_AVERAGE: return "average";
	default: return "above";
	}
}

int poverty_indicator_count(struct db *db, const char *valid_from, int *out)
{
	sqlite3_stmt *st;
	int r, n;

	if ((r = db_row(db, "SELECT count(*) FROM poverty_indicators WHERE valid_from = ?",
			DB_ARGS(DB_TEXT(valid_from)), &st)) < 0)
		goto out;
	n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	*out = n > POVERTY_MAX_INDICATORS ? POVERTY_MAX_INDICATORS : n;
	r = 0;
out:
	return r;
}

int poverty_question(struct db *db, const char *valid_from, int i, const char *lang,
		     struct buf *out)
{
	sqlite3_stmt *st;
	const char *q;
	int r;

	if ((r = db_row(db, "SELECT question_vi, question_en FROM poverty_indicators"
			    " WHERE valid_from = ? ORDER BY position LIMIT 1 OFFSET ?",
			DB_ARGS(DB_TEXT(valid_from), DB_INT(i)), &st)) < 0)
		goto out;
	q = strcmp(lang, "en") == 0 && *db_col_text(st, 1) ? db_col_text(st, 1) : db_col_text(st, 0);
	r = buf_adds(out, q);
	sqlite3_reset(st);
out:
	return r;
}

/* 1 when phrase[0..n) occurs in norm as whole words. */
static int has_phrase(const char *norm, const char *phrase, size_t n)
{
	size_t len = strlen(norm);
	int found = 0;

	for (size_t i = 0; n > 0 && i + n <= len && !found; i++)
		found = memcmp(norm + i, phrase, n) == 0 && (i == 0 || norm[i - 1] == ' ') &&
			(norm[i + n] == '\0' || norm[i + n] == ' ');
	return found;
}

int poverty_cues(struct db *db, const char *valid_from, const char *norm, unsigned *yes)
{
	sqlite3_stmt *st;
	unsigned found = 0;
	int r, i = 0;

	if ((r = db_rows(db, "SELECT cues FROM poverty_indicators WHERE valid_from = ?"
			     " ORDER BY position LIMIT 16", DB_ARGS(DB_TEXT(valid_from)), &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		const char *c = db_col_text(st, 0);

		while (*c) {
			size_t n = strcspn(c, "|");

			if (has_phrase(norm, c, n))
				found |= 1u << i;
			c += n + (c[n] == '|');
		}
		i++;
	}
	if (r < 0)
		goto out;
	*yes = found;
out:
	return r;
}

int poverty_benefits(struct db *db, enum poverty_class c, int max, struct buf *out)
{
	sqlite3_stmt *st;
	int r, n = 0;

	if ((r = db_rows(db, "SELECT b.program_code FROM poverty_benefits b"
			     " JOIN programs p ON p.code = b.program_code"
			     " WHERE b.category = ? ORDER BY b.position, b.program_code",
			 DB_ARGS(DB_TEXT(poverty_class_key(c))), &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW && n < max &&
	       (r = buf_addf(out, "%sCS %s", n ? ", " : "", db_col_text(st, 0))) == 0)
		n++;
	sqlite3_reset(st);
out:
	return r < 0 ? r : 0;
}

int poverty_money(long long vnd, struct buf *out)
{
	char digits[24], grouped[32];
	size_t n, k = 0;
	int r;

	if (vnd < 0)
		vnd = 0;
	n = 0;
	do {
		digits[n++] = (char)('0' + vnd % 10);
		vnd /= 10;
	} while (vnd > 0 && n < sizeof(digits));
	/* digits are reversed; write them back with a dot every three */
	for (size_t i = n; i > 0; i--) {
		grouped[k++] = digits[i - 1];
		if (i > 1 && (i - 1) % 3 == 0)
			grouped[k++] = '.';
	}
	grouped[k] = '\0';
	r = buf_addf(out, "%sd", grouped);
	return r;
}

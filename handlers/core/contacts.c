#include "handlers/core/contacts.h"

#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"

int contacts_normalize_phone(const char *in, char *out, size_t outsz)
{
	char digits[24];
	size_t n = 0;
	int plus = 0;

	for (const char *p = in; *p; p++) {
		if (*p == '+' && n == 0 && !plus)
			plus = 1;
		else if (*p >= '0' && *p <= '9') {
			if (n + 1 >= sizeof(digits))
				return GW_ERR_INVAL;
			digits[n++] = *p;
		} else if (*p != ' ' && *p != '.' && *p != '-')
			return GW_ERR_INVAL;
	}
	digits[n] = '\0';
	if (n < 3)
		return GW_ERR_INVAL;
	if (!plus && digits[0] == '0' && n >= 9) /* national format: 0 + 9 digits */
		return snprintf(out, outsz, "+84%s", digits + 1) < (int)outsz ? 0 : GW_ERR_TOOBIG;
	if (!plus && n >= 10 && strncmp(digits, "84", 2) == 0)
		return snprintf(out, outsz, "+%s", digits) < (int)outsz ? 0 : GW_ERR_TOOBIG;
	return snprintf(out, outsz, "%s%s", plus ? "+" : "", digits) < (int)outsz ? 0 : GW_ERR_TOOBIG;
}

int contacts_touch(struct db *db, const char *phone, time_t now, struct contact *out)
{
	struct contact c;
	sqlite3_stmt *st;
	int r;

	if ((r = db_run(db, "INSERT INTO contacts (phone, created_at, last_seen) VALUES (?1, ?2, ?2)"
			    " ON CONFLICT (phone) DO UPDATE SET last_seen = ?2",
			DB_ARGS(DB_TEXT(phone), DB_INT(now)))) < 0 ||
	    (r = db_row(db, "SELECT lang, unaccented, opted_out FROM contacts WHERE phone = ?",
			DB_ARGS(DB_TEXT(phone)), &st)) < 0)
		return r;
	memset(&c, 0, sizeof(c));
	if (gw_strlcpy(c.lang, db_col_text(st, 0), sizeof(c.lang)) < 0)
		memcpy(c.lang, "vi", 3);
	c.unaccented = sqlite3_column_int(st, 1);
	c.opted_out = sqlite3_column_int(st, 2);
	sqlite3_reset(st);
	*out = c;
	return 0;
}

int contacts_set_opt_out(struct db *db, const char *phone, int opted_out, time_t now)
{
	return db_run(db, "INSERT INTO contacts (phone, opted_out, opted_out_at, created_at,"
			  " last_seen) VALUES (?1, ?2, CASE WHEN ?2 THEN ?3 END, ?3, ?3)"
			  " ON CONFLICT (phone) DO UPDATE SET opted_out = ?2,"
			  " opted_out_at = CASE WHEN ?2 THEN ?3 END",
		      DB_ARGS(DB_TEXT(phone), DB_INT(opted_out ? 1 : 0), DB_INT(now)));
}

int contacts_set_unaccented(struct db *db, const char *phone, int unaccented)
{
	return db_run(db, "UPDATE contacts SET unaccented = ? WHERE phone = ?",
		      DB_ARGS(DB_INT(unaccented ? 1 : 0), DB_TEXT(phone)));
}

int contacts_set_lang(struct db *db, const char *phone, const char *lang)
{
	if (strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0)
		return GW_ERR_INVAL;
	return db_run(db, "UPDATE contacts SET lang = ? WHERE phone = ?",
		      DB_ARGS(DB_TEXT(lang), DB_TEXT(phone)));
}

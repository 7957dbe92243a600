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

	if ((r = db_prepare(db, "INSERT INTO contacts (phone, created_at, last_seen) VALUES (?1, ?2, ?2)"
				" ON CONFLICT (phone) DO UPDATE SET last_seen = ?2", &st)) < 0)
		return r;
	db_bind_text(st, 1, phone);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if ((r = db_step(st)) < 0)
		return r;
	if ((r = db_prepare(db, "SELECT lang, unaccented, opted_out FROM contacts WHERE phone = ?",
			    &st)) < 0)
		return r;
	db_bind_text(st, 1, phone);
	if ((r = db_step(st)) != DB_ROW)
		return r < 0 ? r : GW_ERR_NOTFOUND;
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
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "INSERT INTO contacts (phone, opted_out, opted_out_at, created_at,"
				" last_seen) VALUES (?1, ?2, CASE WHEN ?2 THEN ?3 END, ?3, ?3)"
				" ON CONFLICT (phone) DO UPDATE SET opted_out = ?2,"
				" opted_out_at = CASE WHEN ?2 THEN ?3 END", &st)) < 0)
		return r;
	db_bind_text(st, 1, phone);
	sqlite3_bind_int(st, 2, opted_out ? 1 : 0);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	r = db_step(st);
	return r < 0 ? r : 0;
}

int contacts_set_unaccented(struct db *db, const char *phone, int unaccented)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_prepare(db, "UPDATE contacts SET unaccented = ? WHERE phone = ?", &st)) < 0)
		return r;
	sqlite3_bind_int(st, 1, unaccented ? 1 : 0);
	db_bind_text(st, 2, phone);
	r = db_step(st);
	return r < 0 ? r : 0;
}

int contacts_set_lang(struct db *db, const char *phone, const char *lang)
{
	sqlite3_stmt *st;
	int r;

	if (strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0)
		return GW_ERR_INVAL;
	if ((r = db_prepare(db, "UPDATE contacts SET lang = ? WHERE phone = ?", &st)) < 0)
		return r;
	db_bind_text(st, 1, lang);
	db_bind_text(st, 2, phone);
	r = db_step(st);
	return r < 0 ? r : 0;
}

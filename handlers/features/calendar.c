#include "handlers/features/calendar.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/gw_err.h"

/* ---- pure date and time helpers ---- */

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
 * calendar without any table or locale. */
int64_t calendar_dayno(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void calendar_date(int64_t dayno, int *year, int *month, int *day)
{
	int64_t z = dayno + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);

	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = m;
	*year = (int)(yoe + era * 400 + (m <= 2));
}

int calendar_weekday(int64_t dayno)
{
	int64_t w = (dayno + 4) % 7; /* 1970-01-01 was a Thursday */

	return (int)(w < 0 ? w + 7 : w);
}

void calendar_day_str(int64_t dayno, char *out)
{
	int y, m, d;

	calendar_date(dayno, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;
	/* by hand: the fixed width is then evident to the compiler too */
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

/* Exactly n digits at s; their value. */
static int digits(const char *s, int n, int *out)
{
	int v = 0, r = 0;

	for (int i = 0; i < n && r == 0; i++) {
		if (!isdigit((unsigned char)s[i]))
			r = GW_ERR_INVAL;
		v = v * 10 + (s[i] - '0');
	}
	if (r == 0)
		*out = v;
	return r;
}

int calendar_parse_day(const char *s, int64_t *dayno)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) < 0 ||
	    digits(s + 5, 2, &m) < 0 || digits(s + 8, 2, &d) < 0 || y < 1970 ||
	    !datetime_vi_valid_date(y, m, d))
		return GW_ERR_INVAL;
	*dayno = calendar_dayno(y, m, d);
	return 0;
}

int calendar_parse_hhmm(const char *s, int *minutes)
{
	size_t n = strlen(s);
	int h = 0, m = 0, r = GW_ERR_INVAL;

	/* "7:30" is accepted too: administrators type it that way */
	if (n == 4 && s[1] == ':')
		r = digits(s, 1, &h) == 0 && digits(s + 2, 2, &m) == 0 ? 0 : GW_ERR_INVAL;
	else if (n == 5 && s[2] == ':')
		r = digits(s, 2, &h) == 0 && digits(s + 3, 2, &m) == 0 ? 0 : GW_ERR_INVAL;
	if (r == 0 && (m > 59 || h > 24 || (h == 24 && m != 0)))
		r = GW_ERR_INVAL;
	if (r == 0)
		*minutes = h * 60 + m;
	return r;
}

void calendar_hhmm(int minutes, char *out)
{
	if (minutes < 0 || minutes > 24 * 60)
		minutes = 0;
	snprintf(out, CALENDAR_HHMM_LEN, "%02d:%02d", minutes / 60, minutes % 60);
}

void calendar_local(time_t t, int utc_offset_min, struct datetime_vi_now *out)
{
	int64_t secs = (int64_t)t + (int64_t)utc_offset_min * 60;
	int64_t dayno = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	int64_t sod = secs - dayno * 86400;

	calendar_date(dayno, &out->year, &out->month, &out->day);
	out->hour = (int)(sod / 3600);
	out->minute = (int)(sod % 3600 / 60);
}

void calendar_local_day(time_t t, int utc_offset_min, int64_t *dayno, int *minute)
{
	struct datetime_vi_now n;

	calendar_local(t, utc_offset_min, &n);
	*dayno = calendar_dayno(n.year, n.month, n.day);
	*minute = n.hour * 60 + n.minute;
}

int calendar_parse_weekday(const char *s, int *weekday)
{
	static const char *const en[] = { "sunday", "monday", "tuesday", "wednesday", "thursday",
					  "friday", "saturday" };
	char w[16];
	size_t n = strlen(s), k = 0;
	int wd = -1;

	if (n == 0 || n >= sizeof(w))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ')
			w[k++] = (char)tolower((unsigned char)s[i]);
	w[k] = '\0';
	if (k == 1 && w[0] >= '0' && w[0] <= '6')
		wd = w[0] - '0';
	/* "mon" or "monday": an English name or its first three letters */
	for (int i = 0; i < 7 && wd < 0; i++)
		if ((k == 3 && strncmp(w, en[i], 3) == 0) || strcmp(w, en[i]) == 0)
			wd = i;
	if (strcmp(w, "cn") == 0 || strcmp(w, "chunhat") == 0)
		wd = 0;
	/* Vietnamese "thu 2" (Monday) .. "thu 7" (Saturday), "t2" .. "t7" */
	if ((k == 2 && w[0] == 't' && w[1] >= '2' && w[1] <= '7') ||
	    (k == 4 && strncmp(w, "thu", 3) == 0 && w[3] >= '2' && w[3] <= '7'))
		wd = w[k - 1] - '1';
out:
	if (wd >= 0)
		*weekday = wd;
	return wd >= 0 ? 0 : GW_ERR_INVAL;
}

const char *calendar_weekday_short(int weekday, int english)
{
	static const char *const vi[] = { "CN", "T2", "T3", "T4", "T5", "T6", "T7" };
	static const char *const en[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

	if (weekday < 0 || weekday > 6)
		return "?";
	return english ? en[weekday] : vi[weekday];
}

static int period_cmp(const void *a, const void *b)
{
	const struct calendar_period *x = a, *y = b;

	return (x->opens > y->opens) - (x->opens < y->opens);
}

/* One "HH:MM-HH:MM" of length n at s. */
static int parse_period(const char *s, size_t n, struct calendar_period *out)
{
	char a[8], b[8];
	const char *dash;
	size_t la, lb;
	int r = GW_ERR_INVAL;

	while (n && s[0] == ' ') {
		s++;
		n--;
	}
	while (n && s[n - 1] == ' ')
		n--;
	if (!(dash = memchr(s, '-', n)))
		goto out;
	la = (size_t)(dash - s);
	lb = n - la - 1;
	if (la == 0 || lb == 0 || la >= sizeof(a) || lb >= sizeof(b))
		goto out;
	memcpy(a, s, la);
	a[la] = '\0';
	memcpy(b, dash + 1, lb);
	b[lb] = '\0';
	if (calendar_parse_hhmm(a, &out->opens) == 0 && calendar_parse_hhmm(b, &out->closes) == 0 &&
	    out->opens < out->closes)
		r = 0;
out:
	return r;
}

int calendar_parse_periods(const char *spec, struct calendar_period *out, size_t max, size_t *n)
{
	struct calendar_period p[CALENDAR_MAX_PERIODS];
	const char *s = spec;
	size_t k = 0;
	int r = 0;

	while (*s == ' ')
		s++;
	if (strcasecmp(s, "closed") == 0)
		s += strlen(s);
	while (*s && r == 0) {
		size_t len = strcspn(s, ",");

		if (k == CALENDAR_MAX_PERIODS || k == max || parse_period(s, len, &p[k]) < 0)
			r = GW_ERR_INVAL;
		k++;
		s += len;
		if (*s == ',')
			s++;
	}
	if (r < 0)
		goto out;
	qsort(p, k, sizeof(p[0]), period_cmp);
	for (size_t i = 1; i < k; i++)
		if (p[i].opens < p[i - 1].closes) /* overlapping periods */
			r = GW_ERR_INVAL;
	if (r < 0)
		goto out;
	memcpy(out, p, k * sizeof(p[0]));
	*n = k;
out:
	return r;
}

int calendar_format_periods(const struct calendar_period *p, size_t n, struct buf *out)
{
	char a[CALENDAR_HHMM_LEN], b[CALENDAR_HHMM_LEN];
	int r = 0;

	if (n == 0)
		return buf_adds(out, "closed");
	for (size_t i = 0; i < n && r == 0; i++) {
		calendar_hhmm(p[i].opens, a);
		calendar_hhmm(p[i].closes, b);
		r = buf_addf(out, "%s%s-%s", i ? ", " : "", a, b);
	}
	return r;
}

/* ---- the day and its slots ---- */

int calendar_hours_get(struct db *db, int weekday, struct calendar_period *out, size_t max,
		       size_t *n)
{
	struct calendar_period p[CALENDAR_MAX_PERIODS];
	sqlite3_stmt *st;
	size_t k = 0;
	int r;

	if ((r = db_rows(db, "SELECT opens, closes FROM office_hours WHERE weekday = ? ORDER BY opens",
			 DB_ARGS(DB_INT(weekday)), &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		/* rows are validated when written; a hand-edited bad one is skipped */
		if (k == CALENDAR_MAX_PERIODS || k == max ||
		    calendar_parse_hhmm(db_col_text(st, 0), &p[k].opens) < 0 ||
		    calendar_parse_hhmm(db_col_text(st, 1), &p[k].closes) < 0 ||
		    p[k].opens >= p[k].closes)
			continue;
		k++;
	}
	if (r < 0)
		goto out;
	memcpy(out, p, k * sizeof(p[0]));
	*n = k;
	r = 0;
out:
	return r;
}

static enum calendar_kind kind_of(const char *s)
{
	enum calendar_kind k = CALENDAR_SPECIAL;

	if (strcmp(s, "holiday") == 0)
		k = CALENDAR_HOLIDAY;
	else if (strcmp(s, "closed") == 0)
		k = CALENDAR_CLOSED;
	return k;
}

int calendar_day_get(struct db *db, int64_t dayno, struct calendar_day *out)
{
	struct calendar_day d;
	sqlite3_stmt *st;
	int r, opens, closes, own_hours = 0;

	memset(&d, 0, sizeof(d));
	d.dayno = dayno;
	d.weekday = calendar_weekday(dayno);
	calendar_day_str(dayno, d.day);
	if ((r = calendar_hours_get(db, d.weekday, d.periods, CALENDAR_MAX_PERIODS,
				    &d.nperiods)) < 0)
		goto out;
	d.kind = d.nperiods ? CALENDAR_OPEN : CALENDAR_NO_HOURS;
	if ((r = db_row(db, "SELECT kind, note, opens, closes FROM calendar_days WHERE day = ?",
			DB_ARGS(DB_TEXT(d.day)), &st)) == 0) {
		d.kind = kind_of(db_col_text(st, 0));
		if (gw_strlcpy(d.note, db_col_text(st, 1), sizeof(d.note)) < 0)
			d.note[0] = '\0';
		own_hours = calendar_parse_hhmm(db_col_text(st, 2), &opens) == 0 &&
			    calendar_parse_hhmm(db_col_text(st, 3), &closes) == 0 && opens < closes;
		sqlite3_reset(st);
	}
	if (r < 0 && r != GW_ERR_NOTFOUND)
		goto out;
	if (d.kind == CALENDAR_SPECIAL && own_hours) {
		d.nperiods = 1;
		d.periods[0].opens = opens;
		d.periods[0].closes = closes;
	}
	/* a special mark on a weekday without hours opens nothing by itself */
	if (d.kind == CALENDAR_SPECIAL && d.nperiods == 0)
		d.kind = CALENDAR_NO_HOURS;
	if (d.kind == CALENDAR_HOLIDAY || d.kind == CALENDAR_CLOSED)
		d.nperiods = 0;
	*out = d;
	r = 0;
out:
	return r;
}

int calendar_is_open(const struct calendar_day *d)
{
	return (d->kind == CALENDAR_OPEN || d->kind == CALENDAR_SPECIAL) && d->nperiods > 0;
}

size_t calendar_slots(const struct calendar_day *d, int slot_minutes, int *starts, size_t max)
{
	size_t n = 0;

	if (!calendar_is_open(d) || slot_minutes <= 0)
		return 0;
	for (size_t i = 0; i < d->nperiods; i++)
		for (int m = d->periods[i].opens; m + slot_minutes <= d->periods[i].closes && n < max;
		     m += slot_minutes)
			starts[n++] = m;
	return n;
}

int calendar_slot_of(const struct calendar_day *d, int slot_minutes, int minute)
{
	if (!calendar_is_open(d) || slot_minutes <= 0)
		return -1;
	for (size_t i = 0; i < d->nperiods; i++) {
		const struct calendar_period *p = &d->periods[i];
		int start;

		if (minute < p->opens || minute >= p->closes)
			continue;
		start = p->opens + (minute - p->opens) / slot_minutes * slot_minutes;
		return start + slot_minutes <= p->closes ? start : -1;
	}
	return -1;
}

/* ---- settings and editing ---- */

int calendar_settings_get(struct db *db, struct calendar_settings *out)
{
	struct calendar_settings s;
	sqlite3_stmt *st;
	int r;

	memset(&s, 0, sizeof(s));
	if ((r = db_row(db, "SELECT slot_minutes, capacity, horizon_days, place,"
			    " coalesce(officer_id, 0) FROM calendar_settings WHERE id = 1", NULL,
			&st)) < 0)
		goto out;
	s.slot_minutes = sqlite3_column_int(st, 0);
	s.capacity = sqlite3_column_int(st, 1);
	s.horizon_days = sqlite3_column_int(st, 2);
	if (gw_strlcpy(s.place, db_col_text(st, 3), sizeof(s.place)) < 0)
		s.place[0] = '\0';
	s.officer_id = sqlite3_column_int64(st, 4);
	sqlite3_reset(st);
	*out = s;
	r = 0;
out:
	return r;
}

int calendar_settings_set(struct db *db, const struct calendar_settings *s)
{
	int r = GW_ERR_INVAL;

	if (s->slot_minutes < 5 || s->slot_minutes > 240 || s->capacity < 1 || s->capacity > 100 ||
	    s->horizon_days < 1 || s->horizon_days > 366 || !*s->place)
		goto out;
	r = db_run(db, "UPDATE calendar_settings SET slot_minutes = ?, capacity = ?,"
		       " horizon_days = ?, place = ?, officer_id = ? WHERE id = 1",
		   DB_ARGS(DB_INT(s->slot_minutes), DB_INT(s->capacity), DB_INT(s->horizon_days),
			   DB_TEXT(s->place), s->officer_id > 0 ? DB_INT(s->officer_id) : DB_NULL));
out:
	return r;
}

int calendar_hours_set(struct db *db, int weekday, const char *spec)
{
	struct calendar_period p[CALENDAR_MAX_PERIODS];
	char a[CALENDAR_HHMM_LEN], b[CALENDAR_HHMM_LEN];
	size_t n = 0;
	int r;

	if (weekday < 0 || weekday > 6 ||
	    (r = calendar_parse_periods(spec, p, CALENDAR_MAX_PERIODS, &n)) < 0) {
		r = GW_ERR_INVAL;
		goto out;
	}
	if ((r = db_run(db, "DELETE FROM office_hours WHERE weekday = ?", DB_ARGS(DB_INT(weekday)))) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		calendar_hhmm(p[i].opens, a);
		calendar_hhmm(p[i].closes, b);
		if ((r = db_run(db, "INSERT INTO office_hours (weekday, opens, closes) VALUES (?, ?, ?)",
				DB_ARGS(DB_INT(weekday), DB_TEXT(a), DB_TEXT(b)))) < 0)
			goto out;
	}
	r = 0;
out:
	return r;
}

int calendar_mark_day(struct db *db, const char *day, const char *kind, const char *note,
		      const char *hours)
{
	struct calendar_period p[1];
	char a[CALENDAR_HHMM_LEN], b[CALENDAR_HHMM_LEN];
	int64_t dayno;
	size_t n = 0;
	int r = GW_ERR_INVAL;

	if (calendar_parse_day(day, &dayno) < 0 ||
	    (strcmp(kind, "holiday") != 0 && strcmp(kind, "closed") != 0 &&
	     strcmp(kind, "special") != 0))
		goto out;
	if (hours && *hours && (strcmp(kind, "special") != 0 ||
				calendar_parse_periods(hours, p, 1, &n) < 0 || n != 1))
		goto out;
	if (n == 1) {
		calendar_hhmm(p[0].opens, a);
		calendar_hhmm(p[0].closes, b);
	}
	/* hours only for a special day that has its own */
	r = db_run(db, "INSERT OR REPLACE INTO calendar_days (day, kind, note, opens, closes)"
		       " VALUES (?, ?, ?, ?, ?)",
		   DB_ARGS(DB_TEXT(day), DB_TEXT(kind), DB_TEXT(note ? note : ""),
			   DB_TEXT(n == 1 ? a : NULL), DB_TEXT(n == 1 ? b : NULL)));
out:
	return r;
}

int calendar_unmark_day(struct db *db, const char *day)
{
	int r;

	if ((r = db_run(db, "DELETE FROM calendar_days WHERE day = ?", DB_ARGS(DB_TEXT(day)))) < 0)
		goto out;
	r = db_changes(db) > 0 ? 0 : GW_ERR_NOTFOUND;
out:
	return r;
}

#include "handlers/features/jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "handlers/features/jobs_board.h"
#include "common/store.h"
#include "handlers/features/jobs_filter.h"
#include "handlers/features/officers.h"
#include "handlers/vi/textfold.h"

#define JOBS_TEXT_MAX (16 * 1024)
#define JOBS_FIELD_MAX 256
#define JOBS_SHORT_TITLE 24      /* characters of a title in a list line */

#define JOB_COLS "id, code, title, province, district, commune, industrial_zone, job_type," \
	" wage_min, wage_max, wage_text, requirements, age_min, age_max, gender, contact," \
	" deadline, folded, officer_id, status, created_at"

/* Copy at most outsz-1 bytes of s, cut at a UTF-8 character boundary. */
static void copy_cut(char *out, size_t outsz, const char *s)
{
	size_t n = strlen(s);

	if (n >= outsz) {
		n = outsz - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

int jobs_ascii(const char *text, struct buf *out)
{
	static const struct {
		const char *from, *to;
	} map[] = {
		{ "\xE2\x80\x93", "-" }, { "\xE2\x80\x94", "-" }, { "\xE2\x80\x98", "'" },
		{ "\xE2\x80\x99", "'" }, { "\xE2\x80\x9C", "\"" }, { "\xE2\x80\x9D", "\"" },
		{ "\xE2\x80\xA6", "..." }, { "\xC2\xA0", " " },
	};
	struct buf plain;
	int r;

	buf_init(&plain, JOBS_TEXT_MAX);
	if ((r = textfold_strip_marks(&plain, text, strlen(text))) < 0)
		goto out;
	for (const char *p = plain.data; *p && r == 0;) {
		size_t i, k = 0;

		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			k = strlen(map[i].from);
			if (strncmp(p, map[i].from, k) == 0)
				break;
		}
		if (i < sizeof(map) / sizeof(map[0])) {
			r = buf_adds(out, map[i].to);
			p += k;
		} else {
			r = buf_addch(out, *p++);
		}
	}
out:
	buf_release(&plain);
	return r;
}

/* 6000000 -> "6", 7500000 -> "7,5", 250000 -> "250k" */
static int add_amount(struct buf *out, int64_t v, int millions)
{
	if (!millions)
		return buf_addf(out, "%lldk", (long long)(v / 1000));
	if (v % 1000000 == 0)
		return buf_addf(out, "%lld", (long long)(v / 1000000));
	return buf_addf(out, "%lld,%lld", (long long)(v / 1000000),
			(long long)((v % 1000000) / 100000));
}

static int wage_label(int64_t lo, int64_t hi, const char *text, struct buf *out)
{
	int64_t top = hi > lo ? hi : lo;
	int m = top >= 1000000, r;

	if (lo > 0 && hi > lo) {
		if ((r = add_amount(out, lo, m)) == 0 && (r = buf_addch(out, '-')) == 0 &&
		    (r = add_amount(out, hi, m)) == 0)
			r = m ? buf_adds(out, "tr") : 0;
		return r;
	}
	if (top > 0) {
		if ((r = add_amount(out, top, m)) == 0)
			r = m ? buf_adds(out, "tr") : 0;
		return r;
	}
	if (*text) { /* no amounts: the first words of the text */
		struct buf a;

		buf_init(&a, JOBS_TEXT_MAX);
		if ((r = jobs_ascii(text, &a)) == 0) {
			size_t n = a.len > 20 ? 20 : a.len;

			while (n < a.len && n > 0 && a.data[n] != ' ')
				n--;
			r = buf_add(out, a.data, n ? n : (a.len > 20 ? 20 : a.len));
		}
		buf_release(&a);
		return r;
	}
	return 0;
}

static int in_list_ci(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcasecmp(w, *list) == 0)
			return 1;
	return 0;
}

/* "Cong nhan may cong nghiep" -> "CN may": common job words abbreviated as
 * people write them, filler dropped, cut at a word near JOBS_SHORT_TITLE. */
/* "Cong nhan may cong nghiep" -> "CN may": common job words abbreviated as
 * people write them, filler dropped, cut at a word near JOBS_SHORT_TITLE
 * (and, when cut, before a dangling "tai ...", "theo ..."). */
static int short_title(const char *title, struct buf *out)
{
	static const struct {
		const char *phrase, *abbr;
	} abbrs[] = {
		{ "thuc tap sinh", "TTS" }, { "cong nhan", "CN" }, { "nhan vien", "NV" },
		{ "lao dong", "LD" }, { "cong nghiep", "" }, { "linh kien", "" }, { "san xuat", "" },
	};
	static const char *const joints[] = { "tai", "o", "cho", "va", "theo", "voi", "cua", "de", "co",
					      "-", NULL };
	char words[32][48];
	size_t start = out->len, joint = 0;
	struct buf a;
	int nw = 0, kept = 0, cut = 0, r;
	const char *p;

	buf_init(&a, JOBS_TEXT_MAX);
	if ((r = jobs_ascii(title, &a)) < 0)
		goto out;
	/* the part before " - " or "(" says what the work is */
	for (char *c = a.data; *c; c++)
		if (*c == '(' || strncmp(c, " - ", 3) == 0 || *c == ':') {
			buf_truncate(&a, (size_t)(c - a.data));
			break;
		}
	for (p = a.data; *p && nw < 32;) {
		size_t n = 0;

		while (*p == ' ')
			p++;
		while (p[n] && p[n] != ' ')
			n++;
		if (n && n < sizeof(words[0])) {
			memcpy(words[nw], p, n);
			words[nw++][n] = '\0';
		}
		p += n;
	}
	for (int i = 0; i < nw && r == 0; i++) {
		const char *w = words[i];
		size_t k;
		int len = 0;

		for (k = 0; k < sizeof(abbrs) / sizeof(abbrs[0]) && !len; k++) {
			const char *q = abbrs[k].phrase;

			for (len = 0; *q && i + len < nw; len++) {
				size_t n = strcspn(q, " ");

				if (strlen(words[i + len]) != n || strncasecmp(words[i + len], q, n) != 0)
					break;
				q += n + (q[n] == ' ');
			}
			if (*q)
				len = 0;
			else
				w = abbrs[k].abbr;
		}
		if (len) {
			i += len - 1;
			if (!*w)
				continue;
		}
		if (kept && out->len - start + 1 + strlen(w) > JOBS_SHORT_TITLE) {
			cut = 1;
			break;
		}
		if (kept >= 2 && in_list_ci(w, joints))
			joint = out->len;
		if ((kept && (r = buf_addch(out, ' ')) < 0) || (r = buf_adds(out, w)) < 0)
			break;
		kept++;
	}
	if (r == 0 && cut && joint)
		buf_truncate(out, joint);
	while (r == 0 && out->len > start && (out->data[out->len - 1] == ',' ||
					      out->data[out->len - 1] == '-' ||
					      out->data[out->len - 1] == ' '))
		buf_truncate(out, out->len - 1);
out:
	buf_release(&a);
	return r;
}

static int place_label(const char *commune, const char *district, const char *zone,
		       const char *province, struct buf *out)
{
	struct buf fz;
	int r;

	if (*commune && !strchr(commune, ','))
		return jobs_filter_place_label(commune, out);
	if (*district)
		return jobs_filter_place_label(district, out);
	buf_init(&fz, JOBS_FIELD_MAX * 4);
	r = textfold_ascii(&fz, zone, strlen(zone));
	if (r == 0 && strncmp(fz.data, "lam viec tai ", 13) == 0)
		r = jobs_filter_place_label(zone, out);
	else if (r == 0 && *commune)
		r = jobs_filter_place_label(commune, out);
	else if (r == 0)
		r = jobs_filter_place_label(province, out);
	buf_release(&fz);
	return r;
}

static char gender_word(const char *g)
{
	if (strcasecmp(g, "nam") == 0 || strcasecmp(g, "m") == 0 || strcasecmp(g, "male") == 0)
		return 'm';
	if (strcasecmp(g, "nu") == 0 || strcasecmp(g, "f") == 0 || strcasecmp(g, "female") == 0 ||
	    strcmp(g, "nữ") == 0)
		return 'f';
	return 0;
}

/* The offer's folded text and its type words, folded: what its types and
 * words are read from. */
static int fold_of(const char *folded, const char *job_type, struct buf *out)
{
	int r;

	if ((r = buf_adds(out, folded)) < 0 || (r = buf_addch(out, ' ')) < 0)
		return r;
	return textfold_ascii(out, job_type, strlen(job_type));
}

/* struct job's words from fold_of()'s text: cut to size, and "qc, kiem
 * tra" as words, not punctuation. */
static void words_of(const char *fold, char *out, size_t outsz)
{
	copy_cut(out, outsz, fold);
	for (char *w = out; *w; w++)
		if (!((*w >= 'a' && *w <= 'z') || (*w >= '0' && *w <= '9')))
			*w = ' ';
}

static int read_job(sqlite3_stmt *st, struct job *out)
{
	struct job *j = calloc(1, sizeof(*j));
	struct buf b, fold;
	int r = GW_ERR_NOMEM;

	buf_init(&b, JOBS_TEXT_MAX);
	buf_init(&fold, JOBS_TEXT_MAX);
	if (!j)
		goto out;
	j->id = sqlite3_column_int64(st, 0);
	copy_cut(j->code, sizeof(j->code), db_col_text(st, 1));
	copy_cut(j->title, sizeof(j->title), db_col_text(st, 2));
	if ((r = jobs_filter_places(db_col_text(st, 3), db_col_text(st, 4), db_col_text(st, 5),
				    db_col_text(st, 6), &b)) < 0)
		goto out;
	copy_cut(j->places, sizeof(j->places), b.data);
	if ((r = fold_of(db_col_text(st, 17), db_col_text(st, 7), &fold)) < 0)
		goto out;
	j->types = jobs_filter_types_of(fold.data);
	words_of(fold.data, j->words, sizeof(j->words));
	j->age_min = sqlite3_column_int(st, 12);
	j->age_max = sqlite3_column_int(st, 13);
	j->gender = gender_word(db_col_text(st, 14));
	if (!j->gender)
		j->gender = jobs_filter_gender_of(db_col_text(st, 11));
	buf_reset(&b);
	if ((r = jobs_ascii(db_col_text(st, 15), &b)) < 0)
		goto out;
	copy_cut(j->contact, sizeof(j->contact), b.data);
	copy_cut(j->deadline, sizeof(j->deadline), db_col_text(st, 16));
	j->officer_id = sqlite3_column_int64(st, 18);
	j->open = strcmp(db_col_text(st, 19), "open") == 0;
	j->created_at = sqlite3_column_int64(st, 20);
	buf_reset(&b);
	if ((r = short_title(db_col_text(st, 2), &b)) < 0 || (r = buf_adds(&b, " - ")) < 0 ||
	    (r = place_label(db_col_text(st, 5), db_col_text(st, 4), db_col_text(st, 6),
			     db_col_text(st, 3), &b)) < 0)
		goto out;
	if (sqlite3_column_int64(st, 8) > 0 || sqlite3_column_int64(st, 9) > 0 ||
	    *db_col_text(st, 10)) {
		if ((r = buf_adds(&b, " - ")) < 0 ||
		    (r = wage_label(sqlite3_column_int64(st, 8), sqlite3_column_int64(st, 9),
				    db_col_text(st, 10), &b)) < 0)
			goto out;
	}
	copy_cut(j->label, sizeof(j->label), b.data);
	*out = *j;
	r = 0;
out:
	free(j);
	buf_release(&b);
	buf_release(&fold);
	return r;
}

int jobs_get(struct db *db, int64_t id, struct job *out)
{
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(db, "SELECT " JOB_COLS " FROM jobs WHERE id = ?", DB_ARGS(DB_INT(id)), &st)) < 0)
		return r;
	r = read_job(st, out);
	sqlite3_reset(st);
	return r;
}

int jobs_words_scan(struct db *db, const char *needles, jobs_words_fn fn, void *arg)
{
	char words[sizeof(((struct job *)0)->words)];
	sqlite3_stmt *st;
	struct buf fold;
	int r;

	buf_init(&fold, JOBS_TEXT_MAX);
	if ((r = db_prepare(db, "SELECT id, folded, job_type FROM jobs WHERE status = 'open'", &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		const char *folded = db_col_text(st, 1), *type = db_col_text(st, 2);
		int near = *type != '\0'; /* folded below: checked whole */

		for (const char *n = needles; *n && !near; n += strlen(n) + 1)
			near = strstr(folded, n) != NULL;
		if (!near)
			continue;
		buf_reset(&fold);
		if ((r = fold_of(folded, type, &fold)) < 0)
			break;
		words_of(fold.data, words, sizeof(words));
		if ((r = fn(sqlite3_column_int64(st, 0), words, arg)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (r == DB_DONE || r > 0)
		r = 0;
out:
	buf_release(&fold);
	return r;
}

int jobs_find(struct db *db, const char *ref, struct job *out)
{
	sqlite3_stmt *st;
	char *end = NULL;
	long long id;
	int r;

	id = strtoll(ref, &end, 10);
	if (*ref && end && !*end)
		return id > 0 ? jobs_get(db, (int64_t)id, out) : GW_ERR_NOTFOUND;
	if ((r = db_row(db, "SELECT id FROM jobs WHERE upper(code) = upper(?)", DB_ARGS(DB_TEXT(ref)),
			&st)) < 0)
		return r;
	id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return jobs_get(db, (int64_t)id, out);
}

void jobs_office_date(const struct gw_settings *cfg, time_t t, char *out)
{
	time_t local = t + (time_t)cfg->office.utc_offset_min * 60;
	struct tm tm;

	gmtime_r(&local, &tm);
	if (strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		out[0] = '\0';
}

int jobs_is_current(const struct job *j, const char *today)
{
	return j->open && (!*j->deadline || strcmp(j->deadline, today) >= 0);
}

int jobs_line(const struct job *j, struct buf *out)
{
	return buf_addf(out, "%lld. %s", (long long)j->id, j->label);
}

int jobs_broadcast_text(const struct job *j, struct buf *out)
{
	int r = buf_addf(out, "Viec moi: %lld. %s.", (long long)j->id, j->label);

	if (r == 0 && *j->deadline)
		r = buf_addf(out, " Han %.2s/%.2s.", j->deadline + 8, j->deadline + 5);
	if (r == 0)
		r = buf_addf(out, " Nhan UT %lld de dang ky. HUY: ngung nhan tin", (long long)j->id);
	return r;
}

/* "7,5" / "7.000.000" -> value; *end after it. Dots or commas followed by
 * exactly three digits group thousands; otherwise they are a decimal mark. */
static int read_amount(const char *p, double *v, const char **end)
{
	double whole = 0, frac = 0, scale = 1;
	const char *q = p;

	if (*q < '0' || *q > '9')
		return 0;
	while (1) {
		while (*q >= '0' && *q <= '9')
			whole = whole * 10 + (*q++ - '0');
		if ((*q == '.' || *q == ',') && q[1] >= '0' && q[1] <= '9' && q[2] >= '0' &&
		    q[2] <= '9' && q[3] >= '0' && q[3] <= '9' && (q[4] < '0' || q[4] > '9')) {
			q++;
			continue;
		}
		break;
	}
	if ((*q == '.' || *q == ',') && q[1] >= '0' && q[1] <= '9') {
		q++;
		while (*q >= '0' && *q <= '9') {
			scale /= 10;
			frac += (*q++ - '0') * scale;
		}
	}
	*v = whole + frac;
	*end = q;
	return 1;
}

static double unit_of(const char *p, const char **end)
{
	while (*p == ' ')
		p++;
	*end = p;
	if (strncmp(p, "trieu", 5) == 0 || strncmp(p, "tr", 2) == 0) {
		*end = p + (strncmp(p, "trieu", 5) == 0 ? 5 : 2);
		return 1e6;
	}
	if (strncmp(p, "nghin", 5) == 0 || strncmp(p, "ngan", 4) == 0 || *p == 'k') {
		*end = p + (*p == 'k' ? 1 : strncmp(p, "nghin", 5) == 0 ? 5 : 4);
		return 1e3;
	}
	return 0;
}

int jobs_parse_wage(const char *text, int64_t *lo, int64_t *hi)
{
	struct buf f;
	const char *p, *q;
	double a = 0, b = 0, ua, ub;
	int64_t low;
	int r = GW_ERR_NOTFOUND, two = 0;

	buf_init(&f, JOBS_TEXT_MAX);
	if (textfold_ascii(&f, text, strlen(text)) < 0)
		goto out;
	for (p = f.data; *p && (*p < '0' || *p > '9'); p++)
		;
	if (!read_amount(p, &a, &q))
		goto out;
	ua = unit_of(q, &q);
	while (*q == ' ')
		q++;
	if (*q == '-' || strncmp(q, "den ", 4) == 0) {
		q += *q == '-' ? 1 : 4;
		while (*q == ' ')
			q++;
		two = read_amount(q, &b, &q);
	}
	ub = two ? unit_of(q, &q) : 0;
	if (!ub)
		ub = ua;
	if (!ua)
		ua = ub;
	if (!ua) /* no unit: small numbers are millions ("6-8"), large ones dong */
		ua = ub = (two ? b : a) < 1000 ? 1e6 : 1;
	low = (int64_t)(a * ua + 0.5);
	if (low <= 0)
		goto out;
	*lo = low;
	*hi = two ? (int64_t)(b * ub + 0.5) : low;
	r = 0;
out:
	buf_release(&f);
	return r;
}

static int valid_ymd(int y, int m, int d)
{
	struct tm tm;
	time_t t;

	if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	return tm.tm_mday == d; /* 31/2 rolls over */
}

int jobs_parse_deadline(const char *text, const struct gw_settings *cfg, time_t now, char *out)
{
	char today[11];
	int y = 0, m = 0, d = 0, n = 0, ty;
	char sep, extra;

	while (*text == ' ')
		text++;
	jobs_office_date(cfg, now, today);
	ty = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 + today[3] - '0';
	if (sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && y >= 1000) {
		/* ISO */
	} else if (sscanf(text, "%2d%c%2d%n", &d, &sep, &m, &n) == 3 &&
		   (sep == '/' || sep == '-' || sep == '.')) {
		int more = 0;

		if (text[n] == sep && sscanf(text + n + 1, "%4d%n", &y, &more) == 1) {
			n += 1 + more;
			if (y < 100)
				y += 2000;
		} else {
			y = 0;
		}
	} else {
		return GW_ERR_INVAL;
	}
	while (text[n] == ' ')
		n++;
	if (sscanf(text + n, "%c", &extra) == 1)
		return GW_ERR_INVAL;
	if (!y) { /* the next such day */
		int tm_ = (today[5] - '0') * 10 + today[6] - '0', td = (today[8] - '0') * 10 + today[9] - '0';

		y = ty + (m < tm_ || (m == tm_ && d < td));
	}
	if (!valid_ymd(y, m, d))
		return GW_ERR_INVAL;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 0;
}

/* Split "commune, district, province". */
static void split_place(const char *place, char parts[3][JOBS_FIELD_MAX])
{
	memset(parts, 0, 3 * JOBS_FIELD_MAX);
	for (int i = 0; i < 3 && place && *place; i++) {
		size_t n = strcspn(place, ",");
		const char *s = place;

		while (n && *s == ' ') {
			s++;
			n--;
		}
		while (n && s[n - 1] == ' ')
			n--;
		if (n >= JOBS_FIELD_MAX)
			n = JOBS_FIELD_MAX - 1;
		memcpy(parts[i], s, n);
		parts[i][n] = '\0';
		place += strcspn(place, ",");
		if (*place)
			place++;
	}
}

int jobs_free_code(struct db *db, const char *prefix, int64_t *next, struct buf *code)
{
	sqlite3_stmt *st;
	int taken = 1, r = 0;

	while (r == 0 && taken) {
		buf_reset(code);
		if ((r = buf_addf(code, "JOB-%s-%03lld", prefix, (long long)*next)) < 0 ||
		    (r = db_row(db, "SELECT count(*) FROM jobs WHERE upper(code) = upper(?)",
				DB_ARGS(DB_TEXT(code->data)), &st)) < 0)
			break;
		taken = sqlite3_column_int(st, 0) > 0;
		sqlite3_reset(st);
		*next += taken;
	}
	return r;
}

int jobs_create(struct db *db, const struct jobs_new *n, const char *actor, time_t now,
		int64_t *id)
{
	char place[3][JOBS_FIELD_MAX];
	struct buf code, folded;
	int64_t next = 0, lo = 0, hi = 0;
	int r = GW_ERR_INVAL;

	buf_init(&code, JOBS_CODE_MAX - 1);
	buf_init(&folded, JOBS_TEXT_MAX);
	if (!n->title || !*n->title)
		goto out;
	split_place(n->place, place);
	if ((r = db_query_int64(db, "SELECT coalesce(max(id), 0) + 1 FROM jobs", &next)) < 0)
		goto out;
	if (n->code && *n->code) {
		struct job *other = malloc(sizeof(*other));

		/* asked first: codes are one in any case (jobs_find), which UNIQUE does not see */
		r = other ? jobs_find(db, n->code, other) : GW_ERR_NOMEM;
		free(other);
		if (r != GW_ERR_NOTFOUND) {
			r = r < 0 ? r : GW_ERR_EXISTS;
			goto out;
		}
		r = buf_adds(&code, n->code);
	}
	else
		r = jobs_free_code(db, n->code_prefix ? n->code_prefix : "SMS", &next, &code);
	if (r < 0)
		goto out;
	if (n->wage && jobs_parse_wage(n->wage, &lo, &hi) < 0)
		lo = hi = 0;
	if ((r = textfold_ascii(&folded, n->title, strlen(n->title))) < 0 ||
	    (r = buf_addch(&folded, ' ')) < 0 ||
	    (r = textfold_ascii(&folded, n->place ? n->place : "", strlen(n->place ? n->place : ""))) < 0)
		goto out;
	if ((r = db_run(db, "INSERT INTO jobs (id, code, title, province, district, commune,"
			    " job_type, wage_min, wage_max, wage_text, requirements, contact, deadline,"
			    " folded, officer_id, created_at, updated_at)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
			    "  ?16, ?16)",
			DB_ARGS(DB_INT(next), DB_TEXT(code.data), DB_TEXT(n->title), DB_TEXT(place[2]),
				DB_TEXT(place[1]), DB_TEXT(place[0]),
				DB_TEXT(n->job_type ? n->job_type : ""),
				lo > 0 ? DB_INT(lo) : DB_NULL, hi > 0 ? DB_INT(hi) : DB_NULL,
				DB_TEXT(n->wage ? n->wage : ""),
				DB_TEXT(n->requirements ? n->requirements : ""),
				DB_TEXT(n->contact ? n->contact : ""),
				DB_TEXT(n->deadline && *n->deadline ? n->deadline : NULL),
				DB_TEXT(folded.data), n->officer_id > 0 ? DB_INT(n->officer_id) : DB_NULL,
				DB_INT(now)))) < 0 ||
	    (r = audit_write(db, now, actor, "job_post", code.data, n->title)) < 0)
		goto out;
	*id = next;
out:
	buf_release(&code);
	buf_release(&folded);
	return r;
}

int jobs_close(struct db *db, int64_t id, const char *actor, time_t now, int *cancelled)
{
	struct job j;
	int n, r;

	if ((r = jobs_get(db, id, &j)) < 0)
		goto out;
	r = GW_ERR_EXISTS;
	if (!j.open)
		goto out;
	if ((r = db_run(db, "UPDATE jobs SET status = 'closed', updated_at = ? WHERE id = ?",
			DB_ARGS(DB_INT(now), DB_INT(id)))) < 0 ||
	    /* an offer nobody can apply for any more is not advertised either */
	    (r = db_run(db, "UPDATE outbox SET status = 'cancelled', error = 'job closed'"
			    " WHERE status = 'queued' AND broadcast_id IN"
			    "  (SELECT id FROM broadcasts WHERE job_id = ?)", DB_ARGS(DB_INT(id)))) < 0)
		goto out;
	n = db_changes(db);
	if ((r = audit_write(db, now, actor, "job_close", j.code, j.title)) == 0)
		*cancelled = n;
out:
	return r;
}

int jobs_current(struct db *db, const char *today, struct job **out, size_t *n)
{
	struct job *v = NULL, *grown;
	size_t len = 0, cap = 0;
	sqlite3_stmt *st;
	int r;

	if ((r = db_rows(db, "SELECT " JOB_COLS " FROM jobs WHERE status = 'open'"
			     " AND (deadline IS NULL OR deadline = '' OR deadline >= ?)"
			     " ORDER BY created_at DESC, id DESC", DB_ARGS(DB_TEXT(today)), &st)) < 0)
		goto out;
	while ((r = db_step(st)) == DB_ROW) {
		if (len == cap) {
			cap = cap ? 2 * cap : 16;
			if (!(grown = realloc(v, cap * sizeof(*v)))) {
				r = GW_ERR_NOMEM;
				break;
			}
			v = grown;
		}
		if ((r = read_job(st, &v[len])) < 0)
			break;
		len++;
	}
	if (r == DB_ROW || r < 0) {
		sqlite3_reset(st);
		r = r < 0 ? r : GW_ERR_DB;
		goto out;
	}
	*out = v;
	*n = len;
	v = NULL;
	r = 0;
out:
	free(v);
	return r;
}

int jobs_match(const struct job *j, const struct jobs_filter *f)
{
	char needle[JOBS_AREA_MAX + 2];

	if (*f->area) {
		snprintf(needle, sizeof(needle), "|%s|", f->area);
		if (!strstr(j->places, needle))
			return 0;
	}
	if ((j->types & f->types) != f->types)
		return 0;
	if (f->age && ((j->age_min && f->age < j->age_min) || (j->age_max && f->age > j->age_max)))
		return 0;
	return !(f->gender && j->gender && f->gender != j->gender);
}

int jobs_find_code_in(struct db *db, const char *norm, struct job *out)
{
	int64_t id = 0;
	int r;

	if ((r = jobs_board_code_in(db, norm, &id)) == 0)
		r = jobs_get(db, id, out);
	return r;
}

int jobs_ref_is_number(const char *norm)
{
	return *norm >= '0' && *norm <= '9';
}

int jobs_find_in(struct db *db, const char *norm, struct job *out)
{
	return jobs_ref_is_number(norm) ? jobs_get(db, strtoll(norm, NULL, 10), out)
					: jobs_find_code_in(db, norm, out);
}

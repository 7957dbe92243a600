#include "handlers/dialog/menu.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/core/request.h"
#include "handlers/features/policy.h"

#define MENU_TEXT_MAX (16 * 1024)
#define MENU_LIST_LABEL 30 /* list labels short enough for four or five a screen */
#define MENU_FETCH (SCREEN_MAX_OPTIONS + 1) /* one more than a page: is there more? */

struct menu_node {
	char key[64];
	char kind[16];
	char arg[160];
	char label[160];
	struct buf body;
};

struct menu_item {
	char id[64];    /* node key, category key, program code, job id, "d/m HH:MM" */
	char kind[16];  /* node kind, for menu items */
	char label[256];
};

static const char *fstr(const json_t *frame, const char *key)
{
	const char *s = json_string_value(json_object_get(frame, key));

	return s ? s : "";
}

static void copy_cut(char *dst, size_t sz, const char *src)
{
	size_t n = strlen(src);

	if (n >= sz)
		n = sz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The node row of key; n->body must be initialised. */
static int node_get(struct dialog *d, const char *key, struct menu_node *n)
{
	int en = request_english(d->rq);
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(d->rq->env->db, "SELECT kind, arg, label_vi, label_en, body_vi, body_en"
			" FROM menu_nodes WHERE key = ?", DB_ARGS(DB_TEXT(key)), &st)) < 0)
		goto out;
	copy_cut(n->key, sizeof(n->key), key);
	copy_cut(n->kind, sizeof(n->kind), db_col_text(st, 0));
	copy_cut(n->arg, sizeof(n->arg), db_col_text(st, 1));
	copy_cut(n->label, sizeof(n->label), en && *db_col_text(st, 3) ? db_col_text(st, 3)
								     : db_col_text(st, 2));
	r = buf_adds(&n->body, en && *db_col_text(st, 5) ? db_col_text(st, 5) : db_col_text(st, 4));
	sqlite3_reset(st);
out:
	return r;
}

/* The frame that shows node n; selfcheck opens its dialog instead. */
static int open_node(struct dialog *d, const struct menu_node *n, const char *code)
{
	const char *k = n->kind;
	json_t *f;
	int r;

	if (!strcmp(k, "selfcheck")) {
		r = dialog_open(d, DIALOG_SELFCHECK, NULL);
		goto out;
	}
	if (!strcmp(k, "categories"))
		f = json_pack("{s:s, s:s, s:i}", "t", "cats", "key", n->key, "o", 0);
	else if (!strcmp(k, "jobs"))
		f = json_pack("{s:s, s:s, s:i}", "t", "jobs", "key", n->key, "o", 0);
	else if (!strcmp(k, "field"))
		f = json_pack("{s:s, s:s, s:s}", "t", "field", "key", n->key, "code", code ? code : "");
	else
		f = json_pack("{s:s, s:s, s:i}", "t", k, "key", n->key, "o", 0);
	r = dialog_push(d, f);
out:
	return r;
}

static int menu_open(struct dialog *d, const char *key)
{
	struct menu_node n;
	int r;

	buf_init(&n.body, MENU_TEXT_MAX);
	if ((r = node_get(d, key, &n)) == 0)
		r = open_node(d, &n, NULL);
	buf_release(&n.body);
	return r;
}

/* ---- lists: up to MENU_FETCH items from offset o ---- */

/* How a row of a list query becomes an item: column 0 is its id. */
typedef void (*menu_row_fn)(struct dialog *d, sqlite3_stmt *st, struct menu_item *item);

/* Up to MENU_FETCH rows of sql, the texts args (NULL-terminated) bound
 * to its first parameters, from offset o, appended to it[*n]; sql ends in
 * "LIMIT ? OFFSET ?". */
static int fetch_rows(struct dialog *d, const char *sql, const char *const *args, int o,
		      menu_row_fn row, struct menu_item *it, int *n)
{
	sqlite3_stmt *st;
	int r, np;

	if ((r = db_prepare(d->rq->env->db, sql, &st)) < 0)
		goto out;
	for (int k = 0; args[k]; k++)
		db_bind_text(st, k + 1, args[k]);
	np = sqlite3_bind_parameter_count(st);
	sqlite3_bind_int(st, np - 1, MENU_FETCH);
	sqlite3_bind_int(st, np, o);
	while ((r = db_step(st)) == DB_ROW) {
		copy_cut(it[*n].id, sizeof(it[*n].id), db_col_text(st, 0));
		row(d, st, &it[*n]);
		(*n)++;
	}
out:
	return r;
}

/* Columns: id, kind, Vietnamese label, English label ("" = none). */
static void titled_row(struct dialog *d, sqlite3_stmt *st, struct menu_item *item)
{
	copy_cut(item->kind, sizeof(item->kind), db_col_text(st, 1));
	copy_cut(item->label, sizeof(item->label), dialog_t(d, db_col_text(st, 2), db_col_text(st, 3)));
}

/* The label as fmt makes it, or alt when that would not fit whole. */
static void label_or(struct menu_item *item, const char *alt, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void label_or(struct menu_item *item, const char *alt, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	int r;

	buf_init(&b, sizeof(item->label) - 1);
	va_start(ap, fmt);
	r = buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (r < 0 && buf_adds(&b, alt) < 0)
		buf_reset(&b);
	copy_cut(item->label, sizeof(item->label), b.data);
	buf_release(&b);
}

/* Columns: id, title. */
static void job_row(struct dialog *d, sqlite3_stmt *st, struct menu_item *item)
{
	/* the job number is the one UT takes (jobs.h) */
	label_or(item, db_col_text(st, 0), "%s (so %s)", db_col_text(st, 1), db_col_text(st, 0));
}

/* Columns: "d/m HH:MM", topic, status. */
static void appointment_row(struct dialog *d, sqlite3_stmt *st, struct menu_item *item)
{
	int ok = !strcmp(db_col_text(st, 2), "confirmed");

	label_or(item, db_col_text(st, 0), "%s %s (%s)", db_col_text(st, 0), db_col_text(st, 1),
		 ok ? dialog_t(d, "da xac nhan", "confirmed") : dialog_t(d, "cho xac nhan", "waiting"));
}

static int fetch_nodes(struct dialog *d, const char *parent, int o, struct menu_item *it, int *n)
{
	const char *const args[] = { parent, NULL };

	return fetch_rows(d, "SELECT key, kind, label_vi, label_en FROM menu_nodes"
			  " WHERE parent = ? ORDER BY position, key LIMIT ? OFFSET ?",
			  args, o, titled_row, it, n);
}

static int fetch_categories(struct dialog *d, int o, struct menu_item *it, int *n)
{
	const char *const args[] = { NULL };

	return fetch_rows(d, "SELECT c.key, '', c.title_vi, c.title_en FROM program_categories c"
			  " WHERE EXISTS (SELECT 1 FROM program_menu m WHERE m.category = c.key)"
			  " ORDER BY c.position, c.key LIMIT ? OFFSET ?", args, o, titled_row, it, n);
}

static int fetch_programs(struct dialog *d, const char *cat, int o, struct menu_item *it, int *n)
{
	const char *const args[] = { cat, NULL };

	return fetch_rows(d, "SELECT code, '', title_vi, title_en FROM program_menu"
			  " WHERE category = ? ORDER BY id LIMIT ? OFFSET ?", args, o, titled_row, it, n);
}

static int fetch_jobs(struct dialog *d, int o, struct menu_item *it, int *n)
{
	const char *const args[] = { d->today, NULL };

	return fetch_rows(d, "SELECT id, title FROM jobs WHERE status = 'open'"
			  " AND (deadline IS NULL OR deadline = '' OR deadline >= ?)"
			  " ORDER BY id LIMIT ? OFFSET ?", args, o, job_row, it, n);
}

/* The phone's coming appointments: id = "d/m HH:MM", label with status. */
static int fetch_appointments(struct dialog *d, int o, struct menu_item *it, int *n)
{
	const char *const args[] = { d->rq->msg->phone, d->today, NULL };

	return fetch_rows(d, "SELECT CAST(substr(day, 9, 2) AS INTEGER) || '/' ||"
			  " CAST(substr(day, 6, 2) AS INTEGER) || ' ' || slot,"
			  " CASE WHEN topic <> '' THEN topic ELSE program_code END, status"
			  " FROM appointments WHERE phone = ? AND status IN ('requested','confirmed')"
			  " AND day >= ? ORDER BY day, slot LIMIT ? OFFSET ?", args, o, appointment_row,
			  it, n);
}

/* Items of a list frame; *is_list = 0 for frames that are no list. */
static int fetch(struct dialog *d, const json_t *f, struct menu_item *it, int *n, int *is_list)
{
	const char *t = fstr(f, "t");
	int o = (int)json_integer_value(json_object_get(f, "o"));
	int r = 0;

	*n = 0;
	*is_list = 1;
	if (!strcmp(t, "menu"))
		r = fetch_nodes(d, fstr(f, "key"), o, it, n);
	else if (!strcmp(t, "prog"))
		r = fetch_nodes(d, "program", o, it, n);
	else if (!strcmp(t, "cats"))
		r = fetch_categories(d, o, it, n);
	else if (!strcmp(t, "cat"))
		r = fetch_programs(d, fstr(f, "c"), o, it, n);
	else if (!strcmp(t, "jobs"))
		r = fetch_jobs(d, o, it, n);
	else if (!strcmp(t, "appt_cancel"))
		r = fetch_appointments(d, o, it, n);
	else
		*is_list = 0;
	return r < 0 ? r : 0;
}

/* Options for items while they fit; *shown gets how many; "9. Tiep"
 * when more follow. */
static int fill_list(struct dialog *d, struct screen *s, const struct menu_item *it, int n,
		     int *shown)
{
	int k = 0, r = 0;

	if (n > SCREEN_MAX_OPTIONS && (r = screen_more(s, dialog_t(d, "Tiep", "More"))) < 0)
		goto out;
	for (; k < n && k < SCREEN_MAX_OPTIONS; k++) {
		struct buf label;

		buf_init(&label, MENU_LIST_LABEL + 3);
		if ((r = screen_plain(it[k].label, MENU_LIST_LABEL, &label)) == 0)
			r = screen_option(s, label.data);
		buf_release(&label);
		if (r < 0)
			goto out;
		if (!screen_fits(s)) {
			screen_drop_option(s);
			break;
		}
	}
	if (k < n && (r = screen_more(s, dialog_t(d, "Tiep", "More"))) < 0)
		goto out;
	/* "9." itself may not fit with the last option: make room. */
	while (k > 1 && *s->more && !screen_fits(s)) {
		screen_drop_option(s);
		k--;
	}
out:
	*shown = k;
	return r;
}

/* ---- rendering ---- */

static int field_text(struct dialog *d, const char *code, const char *field, struct buf *title,
		      struct buf *body)
{
	int en = request_english(d->rq);
	sqlite3_stmt *st;
	int r;

	if ((r = db_row(d->rq->env->db, "SELECT title_vi, title_en, CASE ?2"
			" WHEN 'summary' THEN summary_vi WHEN 'eligibility' THEN eligibility_vi"
			" WHEN 'how_to_apply' THEN how_to_apply_vi WHEN 'documents' THEN documents_vi"
			" WHEN 'office' THEN office ELSE '' END, summary_en"
			" FROM programs WHERE code = ?1", DB_ARGS(DB_TEXT(code), DB_TEXT(field)),
			&st)) < 0)
		goto out;
	r = title ? buf_adds(title, en && *db_col_text(st, 1) ? db_col_text(st, 1) : db_col_text(st, 0))
		  : 0;
	if (r == 0 && body) {
		const char *text = en && !strcmp(field, "summary") && *db_col_text(st, 3)
					   ? db_col_text(st, 3) : db_col_text(st, 2);

		r = buf_adds(body, *text ? text : dialog_t(d, "Chua co thong tin. Hoi UBND xa.",
							   "No information yet. Ask the commune office."));
	}
	sqlite3_reset(st);
out:
	return r;
}

static int job_text(struct dialog *d, const char *id, struct buf *body)
{
	sqlite3_stmt *st;
	int r;

	/* id is the decimal text of jobs.id (a list item's id or the frame's) */
	if ((r = db_row(d->rq->env->db, "SELECT title, employer, trim(commune || ', ' || district ||"
			" ', ' || province, ', '), CASE WHEN wage_text <> '' THEN wage_text"
			" WHEN wage_min IS NOT NULL THEN wage_min || '-' || coalesce(wage_max, wage_min)"
			" ELSE '' END, requirements, coalesce(deadline, ''), contact"
			" FROM jobs WHERE id = CAST(? AS INTEGER)", DB_ARGS(DB_TEXT(id)), &st)) < 0)
		goto out;
	r = buf_addf(body, "%s. %s. %s: %s. %s: %s. %s: %s. %s: %s. %s: %s", db_col_text(st, 0),
		     db_col_text(st, 1), dialog_t(d, "Noi lam", "Place"), db_col_text(st, 2),
		     dialog_t(d, "Luong", "Wage"), db_col_text(st, 3),
		     dialog_t(d, "Yeu cau", "Needs"), db_col_text(st, 4),
		     dialog_t(d, "Han", "Deadline"), db_col_text(st, 5),
		     dialog_t(d, "Lien he", "Contact"), db_col_text(st, 6));
	sqlite3_reset(st);
out:
	return r;
}

static int render_list_title(struct dialog *d, const json_t *f, struct screen *s)
{
	const char *t = fstr(f, "t");
	struct menu_node n;
	struct buf title;
	int r = 0;

	buf_init(&n.body, MENU_TEXT_MAX);
	buf_init(&title, MENU_TEXT_MAX);
	if (!strcmp(t, "prog"))
		r = field_text(d, fstr(f, "code"), "", &title, NULL);
	else if (!strcmp(t, "cat")) {
		sqlite3_stmt *st;

		if ((r = db_row(d->rq->env->db, "SELECT title_vi, title_en FROM program_categories"
				" WHERE key = ?", DB_ARGS(DB_TEXT(fstr(f, "c"))), &st)) == 0) {
			r = buf_adds(&title, dialog_t(d, db_col_text(st, 0), db_col_text(st, 1)));
			sqlite3_reset(st);
		}
	} else if ((r = node_get(d, fstr(f, "key"), &n)) == 0) {
		r = buf_adds(&title, n.label);
	}
	if (r == GW_ERR_NOTFOUND)
		r = 0; /* a node removed meanwhile: the screen still works */
	if (r >= 0)
		r = screen_title(s, title.data);
	buf_release(&n.body);
	buf_release(&title);
	return r;
}

static int menu_render(struct dialog *d, json_t *frame, struct screen *s)
{
	struct menu_item it[MENU_FETCH];
	const char *t = fstr(frame, "t");
	struct menu_node n;
	struct buf title, body;
	int count = 0, shown = 0, is_list = 0, r;

	buf_init(&n.body, MENU_TEXT_MAX);
	buf_init(&title, MENU_TEXT_MAX);
	buf_init(&body, MENU_TEXT_MAX);
	if ((r = fetch(d, frame, it, &count, &is_list)) < 0)
		goto out;
	if (is_list) {
		if ((r = render_list_title(d, frame, s)) < 0)
			goto out;
		if (!count && (r = screen_body(s, dialog_t(d, "Hien chua co muc nao.",
							   "Nothing here yet."))) < 0)
			goto out;
		r = fill_list(d, s, it, count, &shown);
		goto out;
	}
	s->limit = dialog_limit(d, 1);
	if (!strcmp(t, "field")) {
		if ((r = node_get(d, fstr(frame, "key"), &n)) < 0 ||
		    (r = buf_addf(&title, "%s - CS %s:", n.label, fstr(frame, "code"))) < 0 ||
		    (r = field_text(d, fstr(frame, "code"), n.arg, NULL, &body)) < 0)
			goto out;
	} else if (!strcmp(t, "job")) {
		if ((r = buf_addf(&title, "%s %s (UT %s):", dialog_t(d, "Viec so", "Job"),
				  fstr(frame, "id"), fstr(frame, "id"))) < 0 ||
		    (r = job_text(d, fstr(frame, "id"), &body)) < 0)
			goto out;
		if ((r = screen_option(s, dialog_t(d, "Ung tuyen", "Apply"))) < 0)
			goto out;
	} else {
		if ((r = node_get(d, fstr(frame, "key"), &n)) < 0 || (r = buf_adds(&title, n.label)) < 0)
			goto out;
		if (!strcmp(t, "appointments")) {
			if ((r = fetch_appointments(d, 0, it, &count)) < 0)
				goto out;
			for (int i = 0; i < count && r == 0; i++)
				r = buf_addf(&body, "%s%s", i ? "; " : "", it[i].label);
			if (r == 0 && !count)
				r = buf_adds(&body, dialog_t(d, "Ban chua co lich hen nao. Dat hen: HEN <ngay> <gio> <viec>.",
							    "You have no appointment. Book: HEN <date> <time> <topic>."));
		} else {
			r = buf_add(&body, n.body.data, n.body.len);
		}
		if (r < 0)
			goto out;
	}
	if ((r = screen_title(s, title.data)) < 0 || (r = screen_body(s, body.data)) < 0)
		goto out;
	/* Long content is offered by SMS: the screen shows only its start. */
	if (d->ussd && (!strcmp(t, "field") || !strcmp(t, "job") || !strcmp(t, "text")))
		r = screen_option(s, dialog_t(d, "Gui chi tiet qua SMS", "Send details by SMS"));
out:
	buf_release(&n.body);
	buf_release(&title);
	buf_release(&body);
	return r;
}

/* ---- input ---- */

static int choice_of(const char *input)
{
	size_t n = strspn(input, "0123456789");

	return n > 0 && n <= 2 && input[n] == '\0' ? (int)strtol(input, NULL, 10) : -1;
}

/* Run the SMS command in the arg of frame f's node with text put in place
 * of each "{}"; when there is none, after the command if append is set. */
static int run_node_command(struct dialog *d, const json_t *f, const char *text, int append)
{
	struct menu_node n;
	struct buf cmd;
	int r, put = 0;

	buf_init(&n.body, MENU_TEXT_MAX);
	buf_init(&cmd, 1024);
	if ((r = node_get(d, fstr(f, "key"), &n)) < 0)
		goto out;
	for (const char *a = n.arg; *a && r == 0; a++) {
		if (a[0] == '{' && a[1] == '}') {
			r = buf_adds(&cmd, text);
			put = 1;
			a++;
		} else {
			r = buf_addch(&cmd, *a);
		}
	}
	if (r == 0 && !put && append)
		r = buf_addf(&cmd, " %s", text);
	if (r == 0)
		r = dialog_run_command(d, cmd.data);
out:
	buf_release(&n.body);
	buf_release(&cmd);
	return r;
}

/* Enter item k of list frame f. */
static int enter_item(struct dialog *d, const json_t *f, const struct menu_item *it)
{
	const char *t = fstr(f, "t");
	struct menu_node n;
	int r = 0;

	buf_init(&n.body, MENU_TEXT_MAX);
	if (!strcmp(t, "menu") || !strcmp(t, "prog")) {
		if ((r = node_get(d, it->id, &n)) == 0)
			r = open_node(d, &n, !strcmp(t, "prog") ? fstr(f, "code") : NULL);
	} else if (!strcmp(t, "cats")) {
		r = dialog_push(d, json_pack("{s:s, s:s, s:i}", "t", "cat", "c", it->id, "o", 0));
	} else if (!strcmp(t, "cat")) {
		request_set_intent(d->res, "policy", it->id);
		r = dialog_push(d, json_pack("{s:s, s:s, s:i}", "t", "prog", "code", it->id, "o", 0));
	} else if (!strcmp(t, "jobs")) {
		r = dialog_push(d, json_pack("{s:s, s:s}", "t", "job", "id", it->id));
	} else if (!strcmp(t, "appt_cancel")) {
		r = run_node_command(d, f, it->id, 0);
	}
	buf_release(&n.body);
	return r;
}

/* USSD "send by SMS" on a content screen. */
static int send_details(struct dialog *d, const json_t *f)
{
	const char *t = fstr(f, "t");
	struct menu_node n;
	struct buf body, more;
	int r;

	buf_init(&n.body, MENU_TEXT_MAX);
	buf_init(&body, MENU_TEXT_MAX);
	buf_init(&more, 64);
	if (!strcmp(t, "field")) {
		r = policy_body(d->rq->env->db, fstr(f, "code"), d->rq->contact.lang, NULL, &body);
		if (r == 0)
			r = buf_addf(&more, "CS %s", fstr(f, "code"));
		request_set_intent(d->res, "policy", fstr(f, "code"));
	} else if (!strcmp(t, "job")) {
		r = job_text(d, fstr(f, "id"), &body);
		if (r == 0)
			r = buf_addf(&body, ". %s UT %s", dialog_t(d, "Ung tuyen: nhan", "Apply: send"),
				     fstr(f, "id"));
	} else {
		if ((r = node_get(d, fstr(f, "key"), &n)) == 0)
			r = buf_add(&body, n.body.data, n.body.len);
	}
	if (r == 0)
		r = dialog_sms(d, body.data, more.len ? more.data : NULL);
	if (r == 0)
		r = dialog_finish(d, dialog_t(d, "Da gui chi tiet qua SMS. Cam on ban!",
					      "Details sent by SMS. Thank you!"));
	buf_release(&n.body);
	buf_release(&body);
	buf_release(&more);
	return r;
}

static int menu_input(struct dialog *d, json_t *frame, const char *input, int *taken)
{
	struct menu_item it[MENU_FETCH];
	const char *t = fstr(frame, "t");
	int count = 0, shown = 0, is_list = 0, c = choice_of(input), took = 0, r;
	struct screen s;

	if ((r = dialog_screen(d, &s)) < 0)
		goto out;
	if (!strcmp(t, "prompt")) {
		took = *input != '\0';
		r = took ? run_node_command(d, frame, input, 1) : 0;
		goto out;
	}
	if ((r = fetch(d, frame, it, &count, &is_list)) < 0)
		goto out;
	if (is_list) {
		/* The same page as drawn, to know which item a number is. */
		if ((r = render_list_title(d, frame, &s)) < 0 || (r = fill_list(d, &s, it, count, &shown)) < 0)
			goto out;
		if (c >= 1 && c <= shown) {
			took = 1;
			r = enter_item(d, frame, &it[c - 1]);
		} else if (c == 9 && *s.more) {
			json_t *next = json_deep_copy(frame);

			took = 1;
			if (next)
				json_object_set_new(next, "o", json_integer(json_integer_value(
					json_object_get(frame, "o")) + shown));
			r = dialog_push(d, next);
		}
		goto out;
	}
	if (!strcmp(t, "job") && c == 1) {
		struct buf b;

		buf_init(&b, 64);
		took = 1;
		if ((r = buf_addf(&b, "UT %s", fstr(frame, "id"))) == 0)
			r = dialog_run_command(d, b.data);
		buf_release(&b);
	} else if (d->ussd && ((c == 1 && (!strcmp(t, "field") || !strcmp(t, "text"))) ||
			       (c == 2 && !strcmp(t, "job")))) {
		took = 1;
		r = send_details(d, frame);
	}
out:
	screen_release(&s);
	if (r == 0)
		*taken = took;
	return r;
}

static int menu_wants_text(struct dialog *d, json_t *frame, const char *norm)
{
	return frame && !strcmp(fstr(frame, "t"), "prompt");
}

/* Menu frames carry their node's kind ("menu", "cats", "jobs", ...), so
 * the menu takes every frame no other kind claims (dialog_kind_of). */
static int menu_owns(const json_t *frame)
{
	return 1;
}

const struct dialog_kind menu_kind = {
	.owns = menu_owns,
	.open = menu_open,
	.render = menu_render,
	.input = menu_input,
	.back = NULL,
	.wants = menu_wants_text,
};

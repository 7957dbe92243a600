#include "gateway/hub/hub_bundle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "gateway/content/content_rows.h"
#include "gateway/hub/hub_state.h"

#define HUB_AUDIT_MAX 1024

enum col_type { COL_TEXT, COL_INT, COL_REAL };

struct hub_col {
	const char *name;
	enum col_type type;
};

/* A shared table: its columns, and its SQL (the SELECT's columns and the
 * INSERT's parameters in the order of cols). */
struct hub_table {
	const char *name;
	const struct hub_col *cols;
	size_t ncols;
	const char *select_sql, *delete_sql, *insert_sql;
};

#define COLS(a) a, sizeof(a) / sizeof(a[0])

static const struct hub_col commands_cols[] = {
	{ "name", COL_TEXT }, { "intent", COL_TEXT }, { "officer_only", COL_INT },
	{ "help_vi", COL_TEXT }, { "help_en", COL_TEXT },
};
static const struct hub_col aliases_cols[] = {
	{ "alias", COL_TEXT }, { "command", COL_TEXT }, { "lang", COL_TEXT },
};
static const struct hub_col cues_cols[] = {
	{ "intent", COL_TEXT }, { "cue", COL_TEXT }, { "weight", COL_REAL },
};
static const struct hub_col menu_cols[] = {
	{ "key", COL_TEXT }, { "parent", COL_TEXT }, { "position", COL_INT }, { "kind", COL_TEXT },
	{ "arg", COL_TEXT }, { "label_vi", COL_TEXT }, { "label_en", COL_TEXT },
	{ "body_vi", COL_TEXT }, { "body_en", COL_TEXT },
};
static const struct hub_col categories_cols[] = {
	{ "key", COL_TEXT }, { "position", COL_INT }, { "title_vi", COL_TEXT }, { "title_en", COL_TEXT },
};
static const struct hub_col rules_cols[] = {
	{ "category", COL_TEXT }, { "position", COL_INT }, { "pattern", COL_TEXT },
};
static const struct hub_col standards_cols[] = {
	{ "valid_from", COL_TEXT }, { "area", COL_TEXT }, { "income_line", COL_INT },
	{ "msl_line", COL_INT }, { "min_deprivations", COL_INT }, { "name_vi", COL_TEXT },
	{ "name_en", COL_TEXT },
};
static const struct hub_col indicators_cols[] = {
	{ "valid_from", COL_TEXT }, { "position", COL_INT }, { "code", COL_TEXT },
	{ "question_vi", COL_TEXT }, { "question_en", COL_TEXT }, { "cues", COL_TEXT },
};
static const struct hub_col benefits_cols[] = {
	{ "category", COL_TEXT }, { "position", COL_INT }, { "program_code", COL_TEXT },
};
static const struct hub_col holidays_cols[] = {
	{ "day", COL_TEXT }, { "note", COL_TEXT },
};

/* Parents before children: deleted in reverse, inserted in this order. */
static const struct hub_table tables[] = {
	{ "commands", COLS(commands_cols),
	  "SELECT name, intent, officer_only, help_vi, help_en FROM commands ORDER BY name",
	  "DELETE FROM commands",
	  "INSERT INTO commands (name, intent, officer_only, help_vi, help_en) VALUES (?, ?, ?, ?, ?)" },
	{ "command_aliases", COLS(aliases_cols),
	  "SELECT alias, command, lang FROM command_aliases ORDER BY alias",
	  "DELETE FROM command_aliases",
	  "INSERT INTO command_aliases (alias, command, lang) VALUES (?, ?, ?)" },
	{ "intent_cues", COLS(cues_cols),
	  "SELECT intent, cue, weight FROM intent_cues ORDER BY id",
	  "DELETE FROM intent_cues",
	  "INSERT INTO intent_cues (intent, cue, weight) VALUES (?, ?, ?)" },
	{ "menu_nodes", COLS(menu_cols),
	  "SELECT key, parent, position, kind, arg, label_vi, label_en, body_vi, body_en"
	  " FROM menu_nodes ORDER BY key",
	  "DELETE FROM menu_nodes",
	  "INSERT INTO menu_nodes (key, parent, position, kind, arg, label_vi, label_en, body_vi,"
	  " body_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)" },
	{ "program_categories", COLS(categories_cols),
	  "SELECT key, position, title_vi, title_en FROM program_categories ORDER BY key",
	  "DELETE FROM program_categories",
	  "INSERT INTO program_categories (key, position, title_vi, title_en) VALUES (?, ?, ?, ?)" },
	{ "program_category_rules", COLS(rules_cols),
	  "SELECT category, position, pattern FROM program_category_rules ORDER BY category, pattern",
	  "DELETE FROM program_category_rules",
	  "INSERT INTO program_category_rules (category, position, pattern) VALUES (?, ?, ?)" },
	{ "poverty_standards", COLS(standards_cols),
	  "SELECT valid_from, area, income_line, msl_line, min_deprivations, name_vi, name_en"
	  " FROM poverty_standards ORDER BY valid_from, area",
	  "DELETE FROM poverty_standards",
	  "INSERT INTO poverty_standards (valid_from, area, income_line, msl_line, min_deprivations,"
	  " name_vi, name_en) VALUES (?, ?, ?, ?, ?, ?, ?)" },
	{ "poverty_indicators", COLS(indicators_cols),
	  "SELECT valid_from, position, code, question_vi, question_en, cues FROM poverty_indicators"
	  " ORDER BY valid_from, position",
	  "DELETE FROM poverty_indicators",
	  "INSERT INTO poverty_indicators (valid_from, position, code, question_vi, question_en, cues)"
	  " VALUES (?, ?, ?, ?, ?, ?)" },
	{ "poverty_benefits", COLS(benefits_cols),
	  "SELECT category, position, program_code FROM poverty_benefits ORDER BY category, position",
	  "DELETE FROM poverty_benefits",
	  "INSERT INTO poverty_benefits (category, position, program_code) VALUES (?, ?, ?)" },
	/* the commune's own closed and special days win over a hub holiday */
	{ "holidays", COLS(holidays_cols),
	  "SELECT day, note FROM calendar_days WHERE kind = 'holiday' ORDER BY day",
	  "DELETE FROM calendar_days WHERE kind = 'holiday'",
	  "INSERT OR IGNORE INTO calendar_days (day, kind, note) VALUES (?, 'holiday', ?)" },
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* A content_rows_fn: the row as an object named by the SELECT's columns. */
static int row_object(sqlite3_stmt *st, json_t **item)
{
	json_t *o = json_object();
	int r = o ? 0 : GW_ERR_NOMEM;

	for (int i = 0; r == 0 && i < sqlite3_column_count(st); i++) {
		json_t *v;

		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(st, i)); break;
		case SQLITE_FLOAT: v = json_real(sqlite3_column_double(st, i)); break;
		case SQLITE_NULL: v = json_null(); break;
		default: v = json_string(db_col_text(st, i)); break;
		}
		if (!v || json_object_set_new(o, sqlite3_column_name(st, i), v) < 0)
			r = GW_ERR_NOMEM;
	}
	if (r < 0)
		json_decref(o);
	else
		*item = o;
	return r;
}

/* The open offers only: a closed one leaves the boxes by being absent. */
static int open_jobs(struct db *db, json_t **out)
{
	json_t *all = NULL, *open = json_array(), *rec;
	size_t i;
	int r = GW_ERR_NOMEM;

	if (!open || (r = content_export(db, CONTENT_JOBS, &all)) < 0)
		goto out;
	json_array_foreach(all, i, rec)
		if (strcmp(content_rows_str(rec, "status", "open"), "open") == 0 &&
		    json_array_append(open, rec) < 0) {
			r = GW_ERR_NOMEM;
			goto out;
		}
	*out = open;
	open = NULL;
	r = 0;
out:
	json_decref(all);
	json_decref(open);
	return r;
}

int hub_bundle_build(struct db *db, int64_t version, int64_t published_at, struct buf *out,
		     char *err, size_t errsz)
{
	json_t *root = NULL, *progs = NULL, *jobs = NULL, *tabs = json_object(), *rows;
	char *text = NULL;
	int r = GW_ERR_NOMEM;

	if (!tabs)
		goto out;
	if ((r = content_export(db, CONTENT_PROGRAMS, &progs)) < 0 || (r = open_jobs(db, &jobs)) < 0)
		goto out;
	for (size_t t = 0; t < NTABLES; t++) {
		if ((r = content_rows_collect(db, tables[t].select_sql, row_object, &rows)) < 0)
			goto out;
		json_object_set_new(tabs, tables[t].name, rows);
	}
	r = GW_ERR_NOMEM;
	root = json_pack("{s:s, s:i, s:I, s:I, s:o, s:o, s:o}", "format", HUB_BUNDLE_FORMAT,
			 "format_version", HUB_BUNDLE_FORMAT_VERSION, "version", (json_int_t)version,
			 "published_at", (json_int_t)published_at, "programs", progs, "jobs", jobs,
			 "tables", tabs);
	progs = jobs = tabs = NULL; /* root has them, or json_pack dropped them */
	if (!root || !(text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		goto out;
	r = buf_adds(out, text);
out:
	if (r < 0)
		snprintf(err, errsz, "cannot put the content together: %s", gw_strerror(r));
	free(text);
	json_decref(root);
	json_decref(progs);
	json_decref(jobs);
	json_decref(tabs);
	return r;
}

static const struct hub_table *table_named(const char *name)
{
	for (size_t t = 0; t < NTABLES; t++)
		if (strcmp(tables[t].name, name) == 0)
			return &tables[t];
	return NULL;
}

/* Every row an object with exactly the table's columns, of their types. */
static int check_rows(const struct hub_table *t, json_t *rows, char *err, size_t errsz)
{
	json_t *row, *v;
	size_t i;

	if (!json_is_array(rows)) {
		snprintf(err, errsz, "tables.%s: not a list of rows", t->name);
		return GW_ERR_INVAL;
	}
	json_array_foreach(rows, i, row) {
		size_t k;

		if (!json_is_object(row) || json_object_size(row) != t->ncols) {
			snprintf(err, errsz, "tables.%s: row %zu: not an object of its %zu columns", t->name,
				 i + 1, t->ncols);
			return GW_ERR_INVAL;
		}
		for (k = 0; k < t->ncols; k++) {
			v = json_object_get(row, t->cols[k].name);
			if (!v || (t->cols[k].type == COL_TEXT && !json_is_string(v)) ||
			    (t->cols[k].type == COL_INT && !json_is_integer(v)) ||
			    (t->cols[k].type == COL_REAL && !json_is_number(v))) {
				snprintf(err, errsz, "tables.%s: row %zu: %s: %s", t->name, i + 1,
					 t->cols[k].name, v ? "wrong type" : "missing");
				return GW_ERR_INVAL;
			}
		}
	}
	return 0;
}

int hub_bundle_parse(const char *data, size_t len, struct hub_bundle *out, char *err, size_t errsz)
{
	struct hub_bundle b;
	json_error_t je;
	const char *name;
	json_t *rows;
	int r = GW_ERR_INVAL;

	memset(&b, 0, sizeof(b));
	if (!(b.root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je))) {
		snprintf(err, errsz, "not JSON (line %d: %s)", je.line, je.text);
		goto out;
	}
	name = json_string_value(json_object_get(b.root, "format"));
	if (!json_is_object(b.root) || !name || strcmp(name, HUB_BUNDLE_FORMAT) != 0) {
		snprintf(err, errsz, "not a %s bundle", HUB_BUNDLE_FORMAT);
		goto out;
	}
	if (json_integer_value(json_object_get(b.root, "format_version")) != HUB_BUNDLE_FORMAT_VERSION) {
		snprintf(err, errsz, "bundle format %lld, this build reads %d",
			 (long long)json_integer_value(json_object_get(b.root, "format_version")),
			 HUB_BUNDLE_FORMAT_VERSION);
		goto out;
	}
	b.version = json_integer_value(json_object_get(b.root, "version"));
	b.published_at = json_integer_value(json_object_get(b.root, "published_at"));
	b.programs = json_object_get(b.root, "programs");
	b.jobs = json_object_get(b.root, "jobs");
	b.tables = json_object_get(b.root, "tables");
	if (b.version < 1 || !json_is_array(b.programs) || !json_is_array(b.jobs) ||
	    !json_is_object(b.tables) || json_object_size(b.tables) != NTABLES) {
		snprintf(err, errsz, "a bundle needs a version, programs, jobs and its %zu tables", NTABLES);
		goto out;
	}
	json_object_foreach(b.tables, name, rows) {
		const struct hub_table *t = table_named(name);

		if (!t) {
			snprintf(err, errsz, "tables.%s: not a table a hub shares", name);
			r = GW_ERR_INVAL;
			goto out;
		}
		if ((r = check_rows(t, rows, err, errsz)) < 0)
			goto out;
	}
	*out = b;
	b.root = NULL;
	r = 0;
out:
	json_decref(b.root);
	return r;
}

void hub_bundle_release(struct hub_bundle *b)
{
	json_decref(b->root);
	memset(b, 0, sizeof(*b));
}

/* Replace every shared table with the bundle's rows. */
static int replace_tables(struct db *db, json_t *tabs, struct hub_report *rep, char *err,
			  size_t errsz)
{
	struct db_arg args[16];
	json_t *row;
	size_t i;
	int r = 0;

	for (size_t t = NTABLES; t-- > 0 && r == 0;)
		r = db_run(db, tables[t].delete_sql, NULL);
	for (size_t t = 0; t < NTABLES && r == 0; t++) {
		json_array_foreach(json_object_get(tabs, tables[t].name), i, row) {
			for (size_t k = 0; k < tables[t].ncols; k++) {
				json_t *v = json_object_get(row, tables[t].cols[k].name);

				args[k] = tables[t].cols[k].type == COL_TEXT ? DB_TEXT(json_string_value(v))
					: tables[t].cols[k].type == COL_INT ? DB_INT(json_integer_value(v))
									    : DB_REAL(json_number_value(v));
			}
			args[tables[t].ncols] = DB_END;
			if ((r = db_run(db, tables[t].insert_sql, args)) < 0) {
				snprintf(err, errsz, "tables.%s: row %zu refused: %s", tables[t].name, i + 1,
					 r == GW_ERR_EXISTS ? "a duplicate" : "a value the table refuses");
				break;
			}
			if (strcmp(tables[t].name, "holidays") != 0)
				rep->rows++;
			else
				rep->holidays += db_changes(db) > 0;
		}
	}
	return r;
}

int hub_report_text(const struct hub_report *rep, struct buf *out)
{
	int r = buf_addf(out, "programs +%d ~%d -%d, offers +%d ~%d -%d", rep->programs.added,
			 rep->programs.changed, rep->programs.removed, rep->jobs.added,
			 rep->jobs.changed, rep->jobs.removed);

	if (r == 0 && rep->jobs.kept)
		r = buf_addf(out, " (%d with the code of one of ours: ours kept)", rep->jobs.kept);
	if (r == 0)
		r = buf_addf(out, ", %d table rows, %d holidays", rep->rows, rep->holidays);
	return r;
}

/* One kind of records, as an import with the hub's marks. */
static int apply_records(struct db *db, enum content_kind kind, json_t *records, const char *actor,
			 const char *source, struct content_counts *counts, char *err, size_t errsz)
{
	struct content_report rep;
	struct content_opts o;
	char where[64];
	int r;

	content_report_init(&rep);
	snprintf(where, sizeof(where), "bundle %s", content_kind_name(kind));
	content_opts_init(&o, actor, where);
	o.sync = 1;
	o.hub = kind == CONTENT_JOBS;
	o.action = kind == CONTENT_PROGRAMS ? "sync programs" : "sync jobs";
	o.target = source;
	if ((r = content_apply_tx(db, kind, records, &o, &rep, err, errsz)) == 0)
		*counts = rep.n;
	content_report_release(&rep);
	return r;
}

int hub_bundle_apply(struct db *db, const struct hub_bundle *b, const char *actor,
		     const char *source, int64_t now, struct hub_report *rep, int64_t *current,
		     char *err, size_t errsz)
{
	struct hub_report done;
	struct hub_state st;
	struct buf detail;
	int r;

	memset(&done, 0, sizeof(done));
	buf_init(&detail, HUB_AUDIT_MAX);
	if ((r = hub_state_get(db, &st)) < 0)
		goto out;
	if (b->version <= st.version) {
		*current = st.version;
		snprintf(err, errsz, "version %lld is not newer than the %lld applied here",
			 (long long)b->version, (long long)st.version);
		r = GW_ERR_EXISTS;
		goto out;
	}
	if ((r = apply_records(db, CONTENT_PROGRAMS, b->programs, actor, source, &done.programs, err,
			       errsz)) < 0 ||
	    (r = apply_records(db, CONTENT_JOBS, b->jobs, actor, source, &done.jobs, err, errsz)) < 0 ||
	    (r = replace_tables(db, b->tables, &done, err, errsz)) < 0)
		goto out;
	if ((r = buf_addf(&detail, "version %lld: ", (long long)b->version)) < 0 ||
	    (r = hub_report_text(&done, &detail)) < 0 ||
	    (r = hub_state_applied(db, b->version, b->published_at, source, now)) < 0 ||
	    (r = audit_write(db, (time_t)now, actor, "sync", source, detail.data)) < 0)
		goto out;
	*rep = done;
out:
	buf_release(&detail);
	return r;
}

int hub_bundle_name(int64_t version, struct buf *out)
{
	return buf_addf(out, "bundle-%lld.json", (long long)version);
}

int hub_pointer_make(int64_t version, const struct signing_key *key, struct buf *out)
{
	char sig[SIGNING_SIG_B64];
	size_t start = out->len;
	int r;

	if ((r = buf_addf(out, "%s %lld bundle-%lld.json\n", HUB_BUNDLE_FORMAT, (long long)version,
			  (long long)version)) < 0 ||
	    (r = signing_sign(key, out->data + start, out->len - start, sig)) < 0)
		return r;
	return buf_addf(out, "%s\n", sig);
}

/* The first line (with its newline) of a pointer: its length. */
static size_t pointer_line(const char *data, size_t len)
{
	const char *nl = memchr(data, '\n', len);

	return nl ? (size_t)(nl - data) + 1 : 0;
}

int hub_pointer_version(const char *data, size_t len, int64_t *version)
{
	char line[128], name[64], tail;
	long long v = 0;
	size_t n = pointer_line(data, len);

	if (!n || n >= sizeof(line))
		return GW_ERR_INVAL;
	memcpy(line, data, n);
	line[n] = '\0';
	/* exactly "gateway-content N bundle-N.json\n" */
	if (sscanf(line, HUB_BUNDLE_FORMAT " %lld %63s%c", &v, name, &tail) != 3 || tail != '\n' || v < 1)
		return GW_ERR_INVAL;
	snprintf(line, sizeof(line), "bundle-%lld.json", v);
	if (strcmp(line, name) != 0)
		return GW_ERR_INVAL;
	*version = v;
	return 0;
}

int hub_pointer_read(const char *data, size_t len, const char *pubkey, int64_t *version)
{
	char sig[SIGNING_SIG_B64 + 8];
	size_t n = pointer_line(data, len), rest;
	int r;

	if (!n)
		return GW_ERR_INVAL;
	rest = len - n;
	if (rest == 0 || rest >= sizeof(sig))
		return GW_ERR_INVAL;
	memcpy(sig, data + n, rest);
	sig[rest] = '\0';
	if ((r = signing_verify(pubkey, data, n, sig)) < 0)
		return r;
	return hub_pointer_version(data, n, version);
}

#include "handlers/dialog/dialog_data.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"

/* The string member key of o; "" when absent and optional. NULL (with
 * err written) when required and missing or not a string. */
static const char *member(json_t *o, const char *key, int required, const char *what,
			  char *err, size_t errsz)
{
	json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (!v && !required)
		return "";
	snprintf(err, errsz, "%s: %s: %s", what, key, v ? "must be a string" : "missing");
	return NULL;
}

static int clear_tables(struct db *db)
{
	return db_exec(db, "DELETE FROM menu_nodes; DELETE FROM program_category_rules;"
			   " DELETE FROM program_categories; DELETE FROM poverty_standards;"
			   " DELETE FROM poverty_indicators; DELETE FROM poverty_benefits;");
}

static int import_node(struct db *db, json_t *n, size_t i, char *err, size_t errsz)
{
	const char *f[8];
	static const char *const keys[8] = { "key", "parent", "kind", "arg", "label_vi",
					     "label_en", "body_vi", "body_en" };
	char what[48];
	int r = GW_ERR_INVAL;

	snprintf(what, sizeof(what), "menu %zu", i + 1);
	for (int k = 0; k < 8; k++)
		if (!(f[k] = member(n, keys[k], k == 0 || k == 2 || k == 4, what, err, errsz)))
			goto out;
	if ((r = db_run(db, "INSERT INTO menu_nodes (key, parent, kind, arg, label_vi, label_en,"
			    " body_vi, body_en, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			DB_ARGS(DB_TEXT(f[0]), DB_TEXT(f[1]), DB_TEXT(f[2]), DB_TEXT(f[3]),
				DB_TEXT(f[4]), DB_TEXT(f[5]), DB_TEXT(f[6]), DB_TEXT(f[7]),
				DB_INT(json_integer_value(json_object_get(n, "position")))))) < 0)
		snprintf(err, errsz, "menu %s: refused (duplicate key or unknown kind '%s')", f[0], f[2]);
out:
	return r < 0 ? r : 0;
}

static int import_category(struct db *db, json_t *c, size_t i, char *err, size_t errsz)
{
	const char *key, *tvi, *ten;
	json_t *pats = json_object_get(c, "patterns"), *p;
	char what[48];
	size_t k;
	int r = GW_ERR_INVAL;

	snprintf(what, sizeof(what), "category %zu", i + 1);
	if (!(key = member(c, "key", 1, what, err, errsz)) ||
	    !(tvi = member(c, "title_vi", 1, what, err, errsz)) ||
	    !(ten = member(c, "title_en", 0, what, err, errsz)))
		goto out;
	if (pats && !json_is_array(pats)) {
		snprintf(err, errsz, "category %s: patterns must be a list", key);
		goto out;
	}
	if ((r = db_run(db, "INSERT INTO program_categories (key, position, title_vi, title_en)"
			    " VALUES (?, ?, ?, ?)",
			DB_ARGS(DB_TEXT(key), DB_INT(json_integer_value(json_object_get(c, "position"))),
				DB_TEXT(tvi), DB_TEXT(ten)))) < 0) {
		snprintf(err, errsz, "category %s: duplicate key", key);
		goto out;
	}
	json_array_foreach(pats, k, p) {
		if (!json_is_string(p)) {
			snprintf(err, errsz, "category %s: patterns must be strings", key);
			r = GW_ERR_INVAL;
			goto out;
		}
		if ((r = db_run(db, "INSERT OR IGNORE INTO program_category_rules (category, position,"
				    " pattern) VALUES (?, ?, ?)",
				DB_ARGS(DB_TEXT(key), DB_INT(k), DB_TEXT(json_string_value(p))))) < 0)
			goto out;
	}
out:
	return r < 0 ? r : 0;
}

static int import_standard(struct db *db, json_t *s, size_t i, char *err, size_t errsz)
{
	const char *from, *area, *nvi, *nen;
	json_int_t line = json_integer_value(json_object_get(s, "income_line"));
	json_int_t msl = json_integer_value(json_object_get(s, "msl_line"));
	json_t *md = json_object_get(s, "min_deprivations");
	char what[48];
	int r = GW_ERR_INVAL;

	snprintf(what, sizeof(what), "poverty standard %zu", i + 1);
	if (!(from = member(s, "valid_from", 1, what, err, errsz)) ||
	    !(area = member(s, "area", 1, what, err, errsz)) ||
	    !(nvi = member(s, "name_vi", 0, what, err, errsz)) ||
	    !(nen = member(s, "name_en", 0, what, err, errsz)))
		goto out;
	if (strlen(from) != 10 || line <= 0 || msl < 0 || (msl && msl <= line) ||
	    (md && (!json_is_integer(md) || json_integer_value(md) < 1))) {
		snprintf(err, errsz, "%s: needs valid_from YYYY-MM-DD, income_line > 0,"
			 " msl_line 0 or above income_line, min_deprivations >= 1", what);
		goto out;
	}
	if ((r = db_run(db, "INSERT INTO poverty_standards (valid_from, area, income_line, msl_line,"
			    " min_deprivations, name_vi, name_en) VALUES (?, ?, ?, ?, ?, ?, ?)",
			DB_ARGS(DB_TEXT(from), DB_TEXT(area), DB_INT(line), DB_INT(msl),
				DB_INT(md ? json_integer_value(md) : 3), DB_TEXT(nvi), DB_TEXT(nen)))) < 0)
		snprintf(err, errsz, "%s: area must be rural or urban, once per valid_from", what);
out:
	return r < 0 ? r : 0;
}

/* Cues are stored as one '|'-separated string of folded phrases. */
static int import_indicator(struct db *db, const char *from, json_t *ind, size_t pos, char *err,
			    size_t errsz)
{
	const char *code, *qvi, *qen;
	json_t *cues = json_object_get(ind, "cues"), *c;
	char what[64];
	struct buf joined;
	size_t k;
	int r = GW_ERR_INVAL;

	buf_init(&joined, 4096);
	snprintf(what, sizeof(what), "indicator %zu of %s", pos + 1, from);
	if (!(code = member(ind, "code", 1, what, err, errsz)) ||
	    !(qvi = member(ind, "question_vi", 1, what, err, errsz)) ||
	    !(qen = member(ind, "question_en", 0, what, err, errsz)))
		goto out;
	json_array_foreach(cues, k, c) {
		if (!json_is_string(c) || strchr(json_string_value(c), '|')) {
			snprintf(err, errsz, "%s: cues must be strings without '|'", what);
			goto out;
		}
		if ((r = buf_addf(&joined, "%s%s", k ? "|" : "", json_string_value(c))) < 0)
			goto out;
	}
	if ((r = db_run(db, "INSERT INTO poverty_indicators (valid_from, position, code, question_vi,"
			    " question_en, cues) VALUES (?, ?, ?, ?, ?, ?)",
			DB_ARGS(DB_TEXT(from), DB_INT(pos), DB_TEXT(code), DB_TEXT(qvi), DB_TEXT(qen),
				DB_TEXT(joined.data)))) < 0)
		snprintf(err, errsz, "%s: refused", what);
out:
	buf_release(&joined);
	return r < 0 ? r : 0;
}

static int import_indicator_sets(struct db *db, json_t *sets, char *err, size_t errsz)
{
	json_t *set, *list, *ind;
	size_t i, k;
	int r = 0;

	json_array_foreach(sets, i, set) {
		const char *from = json_string_value(json_object_get(set, "valid_from"));

		list = json_object_get(set, "indicators");
		if (!from || !json_is_array(list) || json_array_size(list) > 16) {
			snprintf(err, errsz, "indicator set %zu: needs valid_from and at most 16"
				 " indicators", i + 1);
			return GW_ERR_INVAL;
		}
		json_array_foreach(list, k, ind)
			if ((r = import_indicator(db, from, ind, k, err, errsz)) < 0)
				return r;
	}
	return r;
}

static int import_benefits(struct db *db, json_t *ben, char *err, size_t errsz)
{
	const char *cat;
	json_t *codes, *c;
	size_t k;
	int r = 0;

	json_object_foreach(ben, cat, codes) {
		json_array_foreach(codes, k, c) {
			if (!json_is_string(c) ||
			    (r = db_run(db, "INSERT INTO poverty_benefits (category, position, program_code)"
					    " VALUES (?, ?, ?)",
					DB_ARGS(DB_TEXT(cat), DB_INT(k), DB_TEXT(json_string_value(c))))) < 0) {
				snprintf(err, errsz, "poverty_benefits %s: codes must be strings, the"
					 " category poor, near_poor, average or above", cat);
				return r < 0 ? r : GW_ERR_INVAL;
			}
		}
	}
	return r < 0 ? r : 0;
}

int dialog_data_import(struct db *db, const char *path, char *err, size_t errsz)
{
	json_t *root = NULL, *menu, *cats, *stds, *inds, *ben, *o;
	json_error_t je;
	size_t i;
	int r = GW_ERR_INVAL;

	if (!(root = json_load_file(path, JSON_REJECT_DUPLICATES, &je))) {
		snprintf(err, errsz, "%s:%d: invalid JSON: %s", path, je.line, je.text);
		goto out;
	}
	menu = json_object_get(root, "menu");
	cats = json_object_get(root, "categories");
	stds = json_object_get(root, "poverty_standards");
	inds = json_object_get(root, "poverty_indicators");
	ben = json_object_get(root, "poverty_benefits");
	if (!json_is_array(menu) || !json_is_array(cats) || !json_is_array(stds) ||
	    !json_is_array(inds) || !json_is_object(ben)) {
		snprintf(err, errsz, "%s: expected menu, categories, poverty_standards,"
			 " poverty_indicators (lists) and poverty_benefits (object)", path);
		goto out;
	}
	if ((r = db_begin(db)) < 0 || (r = clear_tables(db)) < 0)
		goto out;
	json_array_foreach(menu, i, o)
		if ((r = import_node(db, o, i, err, errsz)) < 0)
			goto out;
	json_array_foreach(cats, i, o)
		if ((r = import_category(db, o, i, err, errsz)) < 0)
			goto out;
	json_array_foreach(stds, i, o)
		if ((r = import_standard(db, o, i, err, errsz)) < 0)
			goto out;
	if ((r = import_indicator_sets(db, inds, err, errsz)) < 0 ||
	    (r = import_benefits(db, ben, err, errsz)) < 0)
		goto out;
	r = db_commit(db);
out:
	if (r < 0)
		db_rollback(db);
	json_decref(root);
	return r;
}

int dialog_data_loaded(struct db *db)
{
	int64_t n = 0;
	int r = db_query_int64(db, "SELECT count(*) FROM menu_nodes", &n);

	return r < 0 ? r : n > 0;
}

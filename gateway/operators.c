#include "gateway/operators.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/gw_err.h"

int operators_load(struct db *db, struct operator_table *t)
{
	sqlite3_stmt *st;
	int r;

	t->n = 0;
	if ((r = db_rows(db, "SELECT prefix, operator FROM operator_prefixes ORDER BY prefix", NULL,
			 &st)) < 0)
		return r;
	while ((r = db_step(st)) == DB_ROW) {
		if (t->n == OPERATORS_MAX)
			continue; /* more than anyone needs: the rest is ignored */
		if (gw_strlcpy(t->e[t->n].prefix, db_col_text(st, 0), OPERATORS_PREFIX_MAX) < 0 ||
		    gw_strlcpy(t->e[t->n].name, db_col_text(st, 1), OPERATORS_NAME_MAX) < 0)
			continue;
		t->n++;
	}
	return r < 0 ? r : 0;
}

/* "+84..." and "84..." (11 digits) to "0...": a pointer to the digits
 * after the country code, *zero = 1 when a leading 0 is implied. */
static const char *national(const char *phone, int *zero)
{
	*zero = 0;
	if (strncmp(phone, "+84", 3) == 0) {
		*zero = 1;
		return phone + 3;
	}
	if (strncmp(phone, "84", 2) == 0 && strlen(phone) == 11) {
		*zero = 1;
		return phone + 2;
	}
	return phone;
}

static int has_prefix(const char *digits, int zero, const char *prefix)
{
	if (zero) {
		if (prefix[0] != '0')
			return 0;
		prefix++;
	}
	return strncmp(digits, prefix, strlen(prefix)) == 0;
}

const char *operators_find(const struct operator_table *t, const char *phone)
{
	const char *best = "";
	size_t best_len = 0;
	int zero;
	const char *digits = national(phone ? phone : "", &zero);

	for (int i = 0; i < t->n; i++) {
		size_t len = strlen(t->e[i].prefix);

		if (len > best_len && has_prefix(digits, zero, t->e[i].prefix)) {
			best = t->e[i].name;
			best_len = len;
		}
	}
	return best;
}

int operators_known(const struct operator_table *t, const char *name)
{
	for (int i = 0; i < t->n; i++)
		if (strcasecmp(t->e[i].name, name) == 0)
			return 1;
	return 0;
}

static int prefix_ok(const char *p)
{
	size_t n = strlen(p);

	if (n < 2 || n >= OPERATORS_PREFIX_MAX || p[0] != '0')
		return 0;
	return strspn(p, "0123456789") == n;
}

/* Every prefix of the file into the (emptied) table; in the caller's
 * transaction. */
static int import_all(struct db *db, json_t *ops, int *count, char *err, size_t errsz)
{
	const char *name;
	json_t *list;
	int n = 0, r;

	if ((r = db_run(db, "DELETE FROM operator_prefixes", NULL)) < 0)
		return r;
	json_object_foreach(ops, name, list) {
		size_t i;
		json_t *v;

		if (!json_is_array(list) || !*name || strlen(name) >= OPERATORS_NAME_MAX) {
			snprintf(err, errsz, "operator \"%s\": a list of prefixes expected", name);
			return GW_ERR_INVAL;
		}
		json_array_foreach(list, i, v) {
			const char *p = json_string_value(v);

			if (!p || !prefix_ok(p)) {
				snprintf(err, errsz, "operator \"%s\": \"%s\" is not a prefix like \"086\"",
					 name, p ? p : "(not a string)");
				return GW_ERR_INVAL;
			}
			if ((r = db_run(db, "INSERT INTO operator_prefixes (prefix, operator)"
					    " VALUES (?, lower(?))", DB_ARGS(DB_TEXT(p), DB_TEXT(name)))) < 0) {
				snprintf(err, errsz, "prefix %s is listed twice", p);
				return r;
			}
			n++;
		}
	}
	*count = n;
	return 0;
}

int operators_import(struct db *db, const char *path, int *count, char *err, size_t errsz)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr), *ops;
	int n = 0, r = GW_ERR_INVAL;

	if (!root) {
		snprintf(err, errsz, "%s:%d: %s", path, jerr.line, jerr.text);
		return GW_ERR_INVAL;
	}
	if (!json_is_object(ops = json_object_get(root, "operators"))) {
		snprintf(err, errsz, "%s: no \"operators\" object", path);
		goto out;
	}
	if ((r = db_begin(db)) < 0)
		goto out;
	if ((r = import_all(db, ops, &n, err, errsz)) < 0 || (r = db_commit(db)) < 0) {
		db_rollback(db);
		goto out;
	}
	*count = n;
out:
	json_decref(root);
	return r;
}

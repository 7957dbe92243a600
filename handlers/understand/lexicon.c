#include "handlers/understand/lexicon.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "handlers/vi/normalize.h"

int lexicon_fold_alias(const char *alias, char *out, size_t outsz)
{
	struct buf b;
	int r;

	buf_init(&b, 128);
	if ((r = normalize_text(&b, alias, strlen(alias))) == 0) {
		if (b.len == 0)
			r = GW_ERR_INVAL;
		else
			r = gw_strlcpy(out, b.data, outsz);
	}
	buf_release(&b);
	return r;
}

static int fold_checked(const char *alias, char *folded, size_t size, char *err, size_t errsz)
{
	if (lexicon_fold_alias(alias, folded, size) < 0) {
		snprintf(err, errsz, "alias '%s' is empty or too long", alias);
		return GW_ERR_INVAL;
	}
	return 0;
}

/* Who owns folded by sql (one bound alias, the owner's name first): 0 when
 * command does, GW_ERR_EXISTS another (err says which), GW_ERR_NOTFOUND
 * nobody. */
static int owned(struct db *db, const char *sql, const char *folded, const char *command, char *err,
		 size_t errsz)
{
	sqlite3_stmt *st;
	int r = db_row(db, sql, DB_ARGS(DB_TEXT(folded)), &st);

	if (r == 0) {
		r = strcmp(db_col_text(st, 0), command) == 0 ? 0 : GW_ERR_EXISTS;
		snprintf(err, errsz, "alias '%s' already belongs to %s", folded, db_col_text(st, 0));
		sqlite3_reset(st);
	}
	return r;
}

int lexicon_add_alias(struct db *db, const char *command, const char *alias, const char *lang,
		      char *err, size_t errsz)
{
	char folded[128];
	sqlite3_stmt *st;
	int r;

	if ((r = fold_checked(alias, folded, sizeof(folded), err, errsz)) < 0 ||
	    (r = owned(db, "SELECT command FROM command_aliases WHERE alias = ?", folded, command,
		       err, errsz)) != GW_ERR_NOTFOUND)
		return r;
	if ((r = db_row(db, "SELECT 1 FROM commands WHERE name = ?", DB_ARGS(DB_TEXT(command)),
			&st)) < 0) {
		snprintf(err, errsz, "no command named '%s'", command);
		return r;
	}
	sqlite3_reset(st);
	if ((r = db_run(db, "DELETE FROM command_aliases_removed WHERE alias = ?",
			DB_ARGS(DB_TEXT(folded)))) < 0)
		return r;
	return db_run(db, "INSERT INTO command_aliases (alias, command, lang, origin)"
			  " VALUES (?, ?, ?, 'admin')",
		      DB_ARGS(DB_TEXT(folded), DB_TEXT(command), DB_TEXT(lang && *lang ? lang : "vi")));
}

int lexicon_remove_alias(struct db *db, const char *alias)
{
	char folded[128];
	int r;

	if ((r = lexicon_fold_alias(alias, folded, sizeof(folded))) < 0 ||
	    (r = db_run(db, "DELETE FROM command_aliases WHERE alias = ?",
			DB_ARGS(DB_TEXT(folded)))) < 0)
		return r;
	if (!db_changes(db))
		return GW_ERR_NOTFOUND;
	/* remembered, so that loading the shipped lexicon again keeps it out */
	return db_run(db, "INSERT INTO command_aliases_removed (alias, removed_at) VALUES (?1, ?2)"
			  " ON CONFLICT (alias) DO UPDATE SET removed_at = ?2",
		      DB_ARGS(DB_TEXT(folded), DB_INT(time(NULL))));
}

/* One alias of the file: the file's word unless the administrator removed
 * it or gave it to another command (counted in *kept). */
static int import_alias(struct db *db, const char *command, const char *alias, const char *lang,
			int *kept, char *err, size_t errsz)
{
	char folded[128];
	sqlite3_stmt *st;
	int r;

	/* the file itself gives each alias to one command */
	if ((r = fold_checked(alias, folded, sizeof(folded), err, errsz)) < 0 ||
	    (r = owned(db, "SELECT command FROM temp.lexicon_file WHERE alias = ?", folded, command,
		       err, errsz)) != GW_ERR_NOTFOUND ||
	    (r = db_run(db, "INSERT INTO temp.lexicon_file (alias, command) VALUES (?, ?)",
			DB_ARGS(DB_TEXT(folded), DB_TEXT(command)))) < 0)
		return r;
	if ((r = db_row(db, "SELECT 1 FROM command_aliases_removed WHERE alias = ?1 UNION ALL"
			    " SELECT 1 FROM command_aliases WHERE alias = ?1 AND origin = 'admin'"
			    " AND command <> ?2",
			DB_ARGS(DB_TEXT(folded), DB_TEXT(command)), &st)) == 0) {
		sqlite3_reset(st);
		(*kept)++;
		return 0;
	}
	if (r != GW_ERR_NOTFOUND)
		return r;
	return db_run(db, "INSERT INTO command_aliases (alias, command, lang) VALUES (?1, ?2, ?3)"
			  " ON CONFLICT (alias) DO UPDATE SET command = ?2, lang = ?3"
			  " WHERE origin = 'shipped'",
		      DB_ARGS(DB_TEXT(folded), DB_TEXT(command), DB_TEXT(lang && *lang ? lang : "vi")));
}

static int import_command(struct db *db, json_t *c, size_t idx, int *kept, char *err,
			  size_t errsz)
{
	const char *name = json_string_value(json_object_get(c, "name"));
	const char *intent = json_string_value(json_object_get(c, "intent"));
	json_t *aliases = json_object_get(c, "aliases"), *list, *a;
	const char *lang;
	size_t i;
	int r;

	if (!name || !*name || !intent || !*intent || !json_is_object(aliases)) {
		snprintf(err, errsz, "command %zu: needs name, intent and aliases", idx + 1);
		return GW_ERR_INVAL;
	}
	if ((r = db_run(db, "INSERT INTO commands (name, intent, officer_only, help_vi, help_en)"
			    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET"
			    " intent = ?2, officer_only = ?3, help_vi = ?4, help_en = ?5",
			DB_ARGS(DB_TEXT(name), DB_TEXT(intent),
				DB_INT(json_is_true(json_object_get(c, "officer"))),
				DB_TEXT(json_string_value(json_object_get(c, "help_vi")) ?: ""),
				DB_TEXT(json_string_value(json_object_get(c, "help_en")) ?: "")))) < 0)
		return r;
	json_object_foreach(aliases, lang, list) {
		json_array_foreach(list, i, a) {
			char why[160];

			if (!json_is_string(a)) {
				snprintf(err, errsz, "command %s: aliases must be strings", name);
				return GW_ERR_INVAL;
			}
			if ((r = import_alias(db, name, json_string_value(a), lang, kept, why,
					      sizeof(why))) < 0) {
				snprintf(err, errsz, "command %s: %s", name, why);
				return r;
			}
		}
	}
	return 0;
}

static int is_cue_operator(const char *w, size_t n)
{
	return (n == 1 && (*w == '^' || *w == '$' || *w == '#')) || (n == 3 && !memcmp(w, "...", 3)) ||
	       (n > 1 && *w == '@');
}

int lexicon_fold_cue(const char *cue, struct buf *out)
{
	struct buf run;
	const char *p = cue;
	int r = 0;

	buf_init(&run, 512);
	for (;;) {
		size_t n = 0;

		while (*p == ' ')
			p++;
		while (p[n] && p[n] != ' ')
			n++;
		if (!n || is_cue_operator(p, n)) { /* flush the words before an operator */
			if (run.len) {
				if (out->len && (r = buf_addch(out, ' ')) < 0)
					break;
				if ((r = normalize_text(out, run.data, run.len)) < 0)
					break;
				buf_reset(&run);
			}
			if (!n)
				break;
			if ((out->len && (r = buf_addch(out, ' ')) < 0) || (r = buf_add(out, p, n)) < 0)
				break;
		} else if ((run.len && (r = buf_addch(&run, ' ')) < 0) || (r = buf_add(&run, p, n)) < 0) {
			break;
		}
		p += n;
	}
	buf_rtrim(out);
	if (r == 0 && out->len == 0)
		r = GW_ERR_INVAL;
	buf_release(&run);
	return r;
}

int lexicon_add_cue(struct db *db, const char *intent, const char *cue, double weight, char *err,
		    size_t errsz)
{
	struct buf folded;
	int r;

	buf_init(&folded, 1024);
	if (!intent || !*intent || strlen(intent) >= 64) {
		snprintf(err, errsz, "cue '%s': needs an intent", cue);
		r = GW_ERR_INVAL;
		goto out;
	}
	if ((r = lexicon_fold_cue(cue, &folded)) < 0) {
		snprintf(err, errsz, "cue '%s' for %s is empty or too long", cue, intent);
		goto out;
	}
	r = db_run(db, "INSERT INTO intent_cues (intent, cue, weight) VALUES (?1, ?2, ?3)"
		       " ON CONFLICT (intent, cue) DO UPDATE SET weight = ?3",
		   DB_ARGS(DB_TEXT(intent), DB_TEXT(folded.data), DB_REAL(weight)));
out:
	buf_release(&folded);
	return r;
}

/* "cues": [{"intent": "stop", "weight": 3, "cues": ["khong nhan tin", ...]}, ...] */
static int import_cues(struct db *db, json_t *groups, char *err, size_t errsz)
{
	json_t *g, *c;
	size_t i, k;
	int r;

	json_array_foreach(groups, i, g) {
		const char *intent = json_string_value(json_object_get(g, "intent"));
		json_t *w = json_object_get(g, "weight"), *list = json_object_get(g, "cues");

		if (!intent || !json_is_number(w) || !json_is_array(list)) {
			snprintf(err, errsz, "cue group %zu: needs intent, weight and cues", i + 1);
			return GW_ERR_INVAL;
		}
		json_array_foreach(list, k, c) {
			if (!json_is_string(c)) {
				snprintf(err, errsz, "cue group %zu (%s): cues must be strings", i + 1, intent);
				return GW_ERR_INVAL;
			}
			if ((r = lexicon_add_cue(db, intent, json_string_value(c), json_number_value(w),
						 err, errsz)) < 0)
				return r;
		}
	}
	return 0;
}

int lexicon_import(struct db *db, const char *path, char *err, size_t errsz)
{
	return lexicon_load(db, path, NULL, err, errsz);
}

int lexicon_load(struct db *db, const char *path, struct lexicon_counts *counts, char *err,
		 size_t errsz)
{
	json_t *root = NULL, *cmds, *c, *cues, *min;
	struct lexicon_counts n = { 0, 0, 0, 0 };
	json_error_t je;
	size_t i;
	int r = GW_ERR_INVAL;

	if (!(root = json_load_file(path, JSON_REJECT_DUPLICATES, &je))) {
		snprintf(err, errsz, "%s:%d: invalid JSON: %s", path, je.line, je.text);
		goto out;
	}
	if (!json_is_array(cmds = json_object_get(root, "commands"))) {
		snprintf(err, errsz, "%s: expected {\"commands\": [...]}", path);
		goto out;
	}
	if ((r = db_begin(db)) < 0)
		goto out;
	/* the file is the whole shipped lexicon: cues are only ever shipped */
	if ((r = db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS lexicon_file ("
			     "  alias TEXT PRIMARY KEY, command TEXT NOT NULL);"
			     "DELETE FROM temp.lexicon_file;"
			     "DELETE FROM intent_cues;")) < 0)
		goto out;
	json_array_foreach(cmds, i, c) {
		if ((r = import_command(db, c, i, &n.kept, err, errsz)) < 0)
			goto out;
	}
	/* shipped words the new file no longer has */
	if ((r = db_run(db, "DELETE FROM command_aliases WHERE origin = 'shipped'"
			    " AND alias NOT IN (SELECT alias FROM temp.lexicon_file)", NULL)) < 0)
		goto out;
	n.dropped = db_changes(db);
	cues = json_object_get(root, "cues");
	if (cues && !json_is_array(cues)) {
		snprintf(err, errsz, "%s: \"cues\" must be a list of groups", path);
		r = GW_ERR_INVAL;
		goto out;
	}
	if (cues && (r = import_cues(db, cues, err, errsz)) < 0)
		goto out;
	if (json_is_number(min = json_object_get(root, "intent_min")) &&
	    (r = lexicon_add_cue(db, "unknown", "@min", json_number_value(min), err, errsz)) < 0)
		goto out;
	if ((r = db_query_int64(db, "SELECT count(*) FROM command_aliases", &n.aliases)) < 0 ||
	    (r = db_query_int64(db, "SELECT count(*) FROM intent_cues", &n.cues)) < 0)
		goto out;
	if ((r = db_commit(db)) == 0 && counts)
		*counts = n;
out:
	if (r < 0)
		db_rollback(db);
	json_decref(root);
	return r;
}

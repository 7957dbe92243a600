#include "gateway/content/content.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/audit.h"
#include "common/buf.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "gateway/content/content_jobs.h"
#include "gateway/content/content_programs.h"
#include "gateway/content/content_rows.h"
#include "gateway/content/progress.h"
#include "handlers/features/jobs_board.h"
#include "handlers/vi/textfold.h"

#define CONTENT_TEXT_MAX (64 * 1024)
#define CONTENT_AUDIT_MAX 2000

struct field_spec {
	const char *name;
	int required;
};

static const struct field_spec program_fields[] = {
	{ "code", 1 }, { "title_vi", 1 }, { "summary_vi", 1 }, { "title_en", 0 },
	{ "summary_en", 0 }, { "details_vi", 0 }, { "eligibility_vi", 0 },
	{ "how_to_apply_vi", 0 }, { "documents_vi", 0 }, { "office", 0 },
	{ "legal_basis", 0 }, { "category", 0 }, { "effective_from", 0 },
	{ "effective_until", 0 }, { "caveat", 0 }, { NULL, 0 },
};

/* Every key a program record may have: a misspelt field ("sumary_vi")
 * must not vanish silently. */
static const char *const program_keys[] = {
	"code", "category", "title_vi", "title_en", "summary_vi", "summary_en", "details_vi",
	"eligibility_vi", "how_to_apply_vi", "documents_vi", "office", "legal_basis",
	"effective_from", "effective_until", "caveat", "needs_check", "keywords", NULL,
};

static const struct field_spec job_fields[] = {
	{ "id", 1 }, { "title", 1 }, { "title_en", 0 }, { "employer", 0 },
	{ "industrial_zone", 0 }, { "wage_text", 0 }, { "requirements", 0 },
	{ "benefits", 0 }, { "shift", 0 }, { "contact", 0 }, { "deadline", 0 },
	{ "type", 0 }, { "gender", 0 }, { "status", 0 }, { NULL, 0 },
};

void content_opts_init(struct content_opts *o, const char *actor, const char *source)
{
	memset(o, 0, sizeof(*o));
	o->actor = actor;
	o->source = source;
	o->unit = "record";
	o->first = 1;
}

void content_report_init(struct content_report *rep)
{
	memset(rep, 0, sizeof(*rep));
}

void content_report_release(struct content_report *rep)
{
	json_decref(rep->added);
	json_decref(rep->changed);
	json_decref(rep->removed);
	json_decref(rep->kept);
	content_report_init(rep);
}

const char *content_kind_name(enum content_kind kind)
{
	return kind == CONTENT_PROGRAMS ? "programs" : "jobs";
}

void content_record_err(char *err, size_t errsz, const struct content_opts *o, size_t idx,
			const char *code, const char *field, const char *what)
{
	long n = o->numbers ? o->numbers[idx] : (long)(idx + o->first);

	snprintf(err, errsz, "%s: %s %ld%s%s%s: %s: %s", o->source ? o->source : "input",
		 o->unit ? o->unit : "record", n, code && *code ? " (" : "",
		 code && *code ? code : "", code && *code ? ")" : "", field, what);
}

/* Every listed field must be a string (or absent when optional), valid UTF-8
 * and not too long. */
static int check_strings(json_t *rec, const struct field_spec *fields,
			 const struct content_opts *o, size_t idx, const char *code, char *err,
			 size_t errsz)
{
	const char *bad = NULL, *field = NULL;
	int r = GW_ERR_INVAL;

	for (const struct field_spec *f = fields; f->name && !bad; f++) {
		json_t *v = json_object_get(rec, f->name);

		field = f->name;
		if (!v || json_is_null(v))
			bad = f->required ? "missing" : NULL;
		else if (!json_is_string(v))
			bad = "must be a string";
		else if (f->required && !*json_string_value(v))
			bad = "is empty";
		else if (json_string_length(v) > CONTENT_TEXT_MAX ||
			 !textfold_utf8_valid(json_string_value(v), json_string_length(v)))
			bad = "too long or not valid text";
	}
	if (bad) {
		content_record_err(err, errsz, o, idx, code, field, bad);
		goto out;
	}
	r = 0;
out:
	return r;
}

static int check_code(const char *code)
{
	size_t n = code ? strlen(code) : 0;

	if (n == 0 || n > 32)
		return 0;
	for (const char *p = code; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

static int valid_date(const char *s)
{
	int y, m, d;
	char extra;

	return sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3 && strlen(s) == 10 &&
	       y >= 2000 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* Keywords: a list of one-line texts. ';' separates them in CSV cells and
 * jobs store them ", "-joined, so those stay out and exports read back the
 * same list. Programs index them folded: two that fold alike are one. */
static int check_keywords(json_t *rec, enum content_kind kind, const struct content_opts *o,
			  size_t idx, const char *code, char *err, size_t errsz)
{
	json_t *kw = json_object_get(rec, "keywords"), *v, *seen = NULL;
	const char *bad = NULL;
	char what[300];
	struct buf f;
	size_t i;
	int r = 0;

	buf_init(&f, 1024);
	if (!kw || json_is_null(kw))
		goto out;
	if (!json_is_array(kw)) {
		bad = "must be a list of strings";
		goto out;
	}
	if (!(seen = json_object())) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	json_array_foreach(kw, i, v) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);

		if (!json_is_string(v) || !*s || n > 200 || !textfold_utf8_valid(s, n)) {
			bad = "every keyword must be non-empty text (at most 200 bytes)";
			break;
		}
		if (strpbrk(s, ";\r\n\t") || s[0] == ' ' || s[n - 1] == ' ' ||
		    (kind == CONTENT_JOBS && strchr(s, ','))) {
			snprintf(what, sizeof(what), "'%s': no %sline breaks or spaces around it",
				 s, kind == CONTENT_JOBS ? "',', ';', " : "';', ");
			bad = what;
			break;
		}
		buf_reset(&f);
		if (kind == CONTENT_PROGRAMS && textfold_ascii(&f, s, n) == 0) {
			if (json_object_get(seen, f.data)) {
				snprintf(what, sizeof(what), "'%s' is there twice (ignoring accents)", s);
				bad = what;
				break;
			}
			json_object_set_new(seen, f.data, json_true());
		}
	}
out:
	if (bad) {
		content_record_err(err, errsz, o, idx, code, "keywords", bad);
		r = GW_ERR_INVAL;
	}
	json_decref(seen);
	buf_release(&f);
	return r;
}

static int check_program(json_t *rec, const struct content_opts *o, size_t idx, char *err,
			 size_t errsz)
{
	const char *code = content_rows_str(rec, "code", NULL), *key, *from, *until;
	const char *field = NULL, *bad = NULL;
	json_t *v;
	int r;

	json_object_foreach(rec, key, v) {
		size_t k = 0;

		while (program_keys[k] && strcmp(program_keys[k], key) != 0)
			k++;
		if (!program_keys[k] && !bad) {
			field = key;
			bad = "unknown field";
		}
	}
	if (bad)
		goto out;
	if ((r = check_strings(rec, program_fields, o, idx, code, err, errsz)) < 0 ||
	    (r = check_keywords(rec, CONTENT_PROGRAMS, o, idx, code, err, errsz)) < 0)
		goto out;
	v = json_object_get(rec, "needs_check");
	from = content_rows_str(rec, "effective_from", NULL);
	until = content_rows_str(rec, "effective_until", NULL);
	if (!check_code(code)) {
		field = "code";
		bad = "must be 1-32 of A-Z, 0-9 and '-'";
	} else if (v && !json_is_null(v) && !json_is_boolean(v)) {
		field = "needs_check";
		bad = "must be true or false";
	} else if (from && *from && !valid_date(from)) {
		field = "effective_from";
		bad = "must be YYYY-MM-DD";
	} else if (until && *until && !valid_date(until)) {
		field = "effective_until";
		bad = "must be YYYY-MM-DD";
	} else if (from && until && *from && *until && strcmp(from, until) > 0) {
		field = "effective_until";
		bad = "is before effective_from";
	}
	r = 0;
out:
	if (bad) {
		content_record_err(err, errsz, o, idx, code, field, bad);
		r = GW_ERR_INVAL;
	}
	return r;
}

static int check_job(json_t *rec, const struct content_opts *o, size_t idx, char *err,
		     size_t errsz)
{
	static const char *const ints[] = { "wage_min", "wage_max", "headcount", "age_min", "age_max" };
	const char *code = content_rows_str(rec, "id", NULL);
	const char *status = content_rows_str(rec, "status", NULL);
	const char *field = NULL, *bad = NULL;
	json_t *loc = json_object_get(rec, "location"), *v;
	int r;

	if ((r = check_strings(rec, job_fields, o, idx, code, err, errsz)) < 0 ||
	    (r = check_keywords(rec, CONTENT_JOBS, o, idx, code, err, errsz)) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]) && !bad; i++) {
		v = json_object_get(rec, ints[i]);
		if (v && !json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) < 0)) {
			field = ints[i];
			bad = "must be a whole number >= 0";
		}
	}
	v = json_object_get(rec, "sample");
	if (bad) {
		/* named above */
	} else if (!check_code(code)) {
		field = "id";
		bad = "must be 1-32 of A-Z, 0-9 and '-'";
	} else if (json_is_string(json_object_get(rec, "deadline")) &&
		   !valid_date(content_rows_str(rec, "deadline", ""))) {
		field = "deadline";
		bad = "must be YYYY-MM-DD";
	} else if (status && strcmp(status, "open") != 0 && strcmp(status, "closed") != 0) {
		field = "status";
		bad = "must be open or closed";
	} else if (v && !json_is_null(v) && !json_is_boolean(v)) {
		field = "sample";
		bad = "must be true or false";
	} else if (loc && !json_is_null(loc) && !json_is_object(loc)) {
		field = "location";
		bad = "must be an object";
	}
	r = 0;
out:
	if (bad) {
		content_record_err(err, errsz, o, idx, code, field, bad);
		r = GW_ERR_INVAL;
	}
	return r;
}

int content_validate(enum content_kind kind, json_t *records, const struct content_opts *o,
		     char *err, size_t errsz)
{
	const char *codekey = kind == CONTENT_PROGRAMS ? "code" : "id";
	json_t *seen = json_object(), *rec;
	size_t i;
	int r = GW_ERR_NOMEM;

	if (!seen)
		goto out;
	if (!json_is_array(records)) {
		snprintf(err, errsz, "%s: expected a list of records", o->source ? o->source : "input");
		r = GW_ERR_INVAL;
		goto out;
	}
	json_array_foreach(records, i, rec) {
		const char *code;
		json_t *prev;

		if (!json_is_object(rec)) {
			content_record_err(err, errsz, o, i, NULL, "(record)", "must be an object");
			r = GW_ERR_INVAL;
			goto out;
		}
		r = kind == CONTENT_PROGRAMS ? check_program(rec, o, i, err, errsz)
					     : check_job(rec, o, i, err, errsz);
		if (r < 0)
			goto out;
		code = content_rows_str(rec, codekey, "");
		if ((prev = json_object_get(seen, code))) {
			char what[96];
			long n = o->numbers ? o->numbers[json_integer_value(prev)]
					    : (long)(json_integer_value(prev) + (json_int_t)o->first);

			snprintf(what, sizeof(what), "duplicate code (also %s %ld)",
				 o->unit ? o->unit : "record", n);
			content_record_err(err, errsz, o, i, code, codekey, what);
			r = GW_ERR_EXISTS;
			goto out;
		}
		json_object_set_new(seen, code, json_integer((json_int_t)i));
	}
	r = 0;
out:
	json_decref(seen);
	return r;
}

static const char *save_problem(int r)
{
	switch (r) {
	case GW_ERR_EXISTS: return "already exists (use program edit)";
	case GW_ERR_NOTFOUND: return "does not exist";
	case GW_ERR_BUSY: return "was changed by someone else meanwhile; nothing saved";
	}
	return gw_strerror(r);
}

/* Codes stored but absent from records: removed (programs) or closed (jobs). */
static int sync_absent(struct db *db, enum content_kind kind, json_t *records,
		       const struct content_opts *o, int64_t now, struct content_report *rep)
{
	const char *codekey = kind == CONTENT_PROGRAMS ? "code" : "id";
	json_t *codes = NULL, *in = json_object(), *rec, *c;
	size_t i;
	int r = GW_ERR_NOMEM;

	if (!in)
		goto out;
	json_array_foreach(records, i, rec)
		json_object_set_new(in, content_rows_str(rec, codekey, ""), json_true());
	r = kind == CONTENT_PROGRAMS ? content_programs_codes(db, &codes)
				     : content_jobs_open_codes(db, o->hub, &codes);
	if (r < 0)
		goto out;
	json_array_foreach(codes, i, c) {
		const char *code = json_string_value(c);
		int closed = 1;

		if (json_object_get(in, code))
			continue;
		r = kind == CONTENT_PROGRAMS ? content_programs_remove(db, code, o->actor, now)
					     : content_jobs_close(db, code, now, &closed);
		if (r < 0)
			goto out;
		if (closed) {
			rep->n.removed++;
			json_array_append_new(rep->removed, json_string(code));
		}
	}
	r = 0;
out:
	json_decref(codes);
	json_decref(in);
	return r;
}

/* "added: A, B; changed: C; removed: D; kept: E", cut short with "..." */
static void audit_detail(struct buf *b, const struct content_report *rep)
{
	static const char *const names[] = { "added", "changed", "removed", "kept" };
	json_t *lists[] = { rep->added, rep->changed, rep->removed, rep->kept };
	json_t *v;
	size_t i;

	for (int k = 0; k < 4; k++) {
		if (!json_array_size(lists[k]))
			continue;
		if (buf_addf(b, "%s%s %zu:", b->len ? "; " : "", names[k], json_array_size(lists[k])) < 0)
			goto full;
		json_array_foreach(lists[k], i, v)
			if (buf_addf(b, " %s", json_string_value(v)) < 0)
				goto full;
	}
	if (b->len || buf_adds(b, "no changes") == 0)
		return;
full:
	/* cut, and say so (a buffer under 4 bytes stays empty) */
	buf_truncate(b, b->cap > 4 ? b->cap - 4 : 0);
	if (buf_adds(b, " ...") < 0)
		buf_truncate(b, 0);
}

/* Write validated records, in the caller's transaction. */
static int apply_records(struct db *db, enum content_kind kind, json_t *records,
			 const struct content_opts *o, struct content_report *rep_out, char *err,
			 size_t errsz)
{
	const char *codekey = kind == CONTENT_PROGRAMS ? "code" : "id";
	struct content_report rep;
	int64_t now = (int64_t)time(NULL);
	char action[64];
	struct buf detail;
	json_t *rec;
	size_t i;
	int r;

	content_report_init(&rep);
	buf_init(&detail, CONTENT_AUDIT_MAX);
	rep.added = json_array();
	rep.changed = json_array();
	rep.removed = json_array();
	rep.kept = json_array();
	if (!rep.added || !rep.changed || !rep.removed || !rep.kept) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	json_array_foreach(records, i, rec) {
		const char *code = content_rows_str(rec, codekey, "");
		enum content_outcome oc = CONTENT_UNCHANGED;

		r = kind == CONTENT_PROGRAMS
			? content_programs_save(db, rec, o->actor, now, o->expect_version, &oc)
			: content_jobs_save(db, rec, now, o->hub, &oc);
		if (r < 0) {
			content_record_err(err, errsz, o, i, code, codekey, save_problem(r));
			goto out;
		}
		if (oc == CONTENT_ADDED) {
			rep.n.added++;
			json_array_append_new(rep.added, json_string(code));
		} else if (oc == CONTENT_CHANGED) {
			rep.n.changed++;
			json_array_append_new(rep.changed, json_string(code));
		} else if (oc == CONTENT_KEPT) {
			rep.n.kept++;
			json_array_append_new(rep.kept, json_string(code));
		} else {
			rep.n.unchanged++;
		}
		if (o->progress)
			progress_update(o->progress, (long)i + 1);
	}
	if (o->sync && (r = sync_absent(db, kind, records, o, now, &rep)) < 0) {
		snprintf(err, errsz, "%s: removing absent codes failed: %s",
			 o->source ? o->source : "input", gw_strerror(r));
		goto out;
	}
	/* the job board's derived columns, in the same transaction */
	if (kind == CONTENT_JOBS && (r = jobs_board_refresh(db, NULL)) < 0) {
		snprintf(err, errsz, "%s: deriving the offers' places and types failed: %s",
			 o->source ? o->source : "input", gw_strerror(r));
		goto out;
	}
	/* One FTS5 segment again: the content triggers (store.h) open a
	 * statement savepoint per row, each flushing FTS5's pending terms into
	 * a segment of its own, and searching many small segments cost six
	 * times what one does. */
	if (kind == CONTENT_PROGRAMS && (rep.n.added || rep.n.changed || json_array_size(rep.removed)) &&
	    (r = db_exec(db, "INSERT INTO programs_fts (programs_fts) VALUES ('optimize')")) < 0) {
		snprintf(err, errsz, "%s: search index not merged: %s", o->source ? o->source : "input",
			 gw_strerror(r));
		goto out;
	}
	snprintf(action, sizeof(action), "%s", o->action ? o->action : kind == CONTENT_PROGRAMS
		 ? "import programs" : "import jobs");
	audit_detail(&detail, &rep);
	if ((r = audit_write(db, time(NULL), o->actor, action,
			       o->target ? o->target : o->source ? o->source : "", detail.data)) < 0)
		goto out;
	if (rep_out) {
		*rep_out = rep;
		content_report_init(&rep);
	}
	r = 0;
out:
	content_report_release(&rep);
	buf_release(&detail);
	return r;
}

int content_apply_tx(struct db *db, enum content_kind kind, json_t *records,
		     const struct content_opts *o, struct content_report *rep, char *err,
		     size_t errsz)
{
	int r = content_validate(kind, records, o, err, errsz);

	return r < 0 ? r : apply_records(db, kind, records, o, rep, err, errsz);
}

int content_apply(struct db *db, enum content_kind kind, json_t *records,
		  const struct content_opts *o, struct content_report *rep, char *err,
		  size_t errsz)
{
	int r;

	/* refused before the write lock is taken */
	if ((r = content_validate(kind, records, o, err, errsz)) < 0)
		return r;
	if ((r = db_begin(db)) < 0) {
		snprintf(err, errsz, "%s: database is busy or unwritable",
			 o->source ? o->source : "input");
		return r;
	}
	if ((r = apply_records(db, kind, records, o, rep, err, errsz)) < 0) {
		db_rollback(db);
		return r;
	}
	if (o->dry_run) {
		db_rollback(db);
	} else if ((r = db_commit(db)) < 0) {
		snprintf(err, errsz, "%s: commit failed", o->source ? o->source : "input");
		db_rollback(db);
		if (rep)
			content_report_release(rep);
		return r;
	}
	return 0;
}

int content_export(struct db *db, enum content_kind kind, json_t **records)
{
	return kind == CONTENT_PROGRAMS ? content_programs_export(db, records)
					: content_jobs_export(db, records);
}

int content_read_file(const char *path, char **data, size_t *len, char *err, size_t errsz)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t n;
	int r = GW_ERR_IO;

	buf_init(&b, CONTENT_FILE_MAX);
	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if ((r = buf_add(&b, chunk, n)) < 0) {
			snprintf(err, errsz, "%s: larger than %ld bytes", path, CONTENT_FILE_MAX);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errsz, "%s: read error", path);
		r = GW_ERR_IO;
		goto out;
	}
	*len = b.len;
	*data = buf_detach(&b, NULL);
	r = *data ? 0 : GW_ERR_NOMEM;
out:
	if (f)
		fclose(f);
	buf_release(&b);
	return r;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int content_load_json(const char *path, enum content_kind kind, json_t **records, char *err,
		      size_t errsz)
{
	const char *key = content_kind_name(kind);
	json_t *root = NULL, *recs;
	char *data = NULL;
	size_t len = 0, skip = 0;
	json_error_t je;
	int r;

	if ((r = content_read_file(path, &data, &len, err, errsz)) < 0)
		goto out;
	/* editors on Windows put a BOM in front of JSON too */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	root = json_loadb(data + skip, len - skip, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errsz, "%s:%d:%d: invalid JSON: %s", basename_of(path), je.line,
			 je.column, je.text);
		r = GW_ERR_INVAL;
		goto out;
	}
	recs = json_is_array(root) ? root : json_object_get(root, key);
	if (!json_is_array(recs)) {
		snprintf(err, errsz, "%s: expected a list of records (or an object with \"%s\")",
			 basename_of(path), key);
		r = GW_ERR_INVAL;
		goto out;
	}
	*records = json_incref(recs);
	r = 0;
out:
	json_decref(root);
	free(data);
	return r;
}

static int import_json(struct db *db, enum content_kind kind, const char *path, const char *actor,
		       struct content_counts *counts, char *err, size_t errsz)
{
	struct content_report rep;
	struct content_opts o;
	json_t *records = NULL;
	int r;

	content_report_init(&rep);
	content_opts_init(&o, actor, basename_of(path));
	if ((r = content_load_json(path, kind, &records, err, errsz)) < 0 ||
	    (r = content_apply(db, kind, records, &o, &rep, err, errsz)) < 0)
		goto out;
	if (counts)
		*counts = rep.n;
out:
	content_report_release(&rep);
	json_decref(records);
	return r;
}

int content_import_programs(struct db *db, const char *path, const char *actor,
			    struct content_counts *counts, char *err, size_t errsz)
{
	return import_json(db, CONTENT_PROGRAMS, path, actor, counts, err, errsz);
}

int content_import_jobs(struct db *db, const char *path, const char *actor,
			struct content_counts *counts, char *err, size_t errsz)
{
	return import_json(db, CONTENT_JOBS, path, actor, counts, err, errsz);
}

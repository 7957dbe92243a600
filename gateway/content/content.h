/* content.h - program and job content: one record shape, one validation,
 * all-or-nothing changes with a diff.
 *
 * A record is a JSON object in the shape of data/programs.json and
 * data/jobs.json; CSV rows (content_io.h), the editor form (program_form.h)
 * and history entries are turned into such records first, so every way in
 * goes through the same validation (content_validate) and the same writer
 * (content_apply).
 *
 * content_apply validates every record before touching the database, then
 * writes them all in one transaction: on any problem nothing changes and err
 * names the record and the field ("programs.csv: row 4 (BHYT): title_vi:
 * missing"). Readers (the daemon answering) see the old content or the new,
 * never a mix. Existing codes are updated (a changed program's previous
 * version is kept in program_history and its version bumped), new codes
 * added, and codes absent from the records left alone unless opts->sync:
 * then absent programs are removed (their last version kept in history, so
 * `program revert` brings them back) and absent jobs closed (referrals and
 * broadcasts still point at them). dry_run does all of it and rolls back,
 * so the report is exactly what a real run would do.
 */
#ifndef GW_CONTENT_H
#define GW_CONTENT_H

#include <jansson.h>
#include <stddef.h>

#include "common/db.h"

struct progress;

enum content_kind { CONTENT_PROGRAMS, CONTENT_JOBS };

/* What happened to one record. */
enum content_outcome { CONTENT_UNCHANGED, CONTENT_ADDED, CONTENT_CHANGED, CONTENT_KEPT };

struct content_counts {
	int added;
	int changed;
	int unchanged;
	int removed; /* programs removed / jobs closed by a sync */
	int kept;    /* a hub's jobs with the code of one of our own offers: left alone */
};

struct content_report {
	struct content_counts n;
	json_t *added, *changed, *removed, *kept; /* arrays of codes, owned */
};

struct content_opts {
	const char *actor;      /* who: "cli:<user>", kept in history and audit */
	const char *source;     /* file name (or "editor", "revert") for messages */
	const char *unit;       /* "record" (JSON) or "row" (CSV) in messages */
	size_t first;           /* number of the first record: 1, or 2 after a CSV header */
	const long *numbers;    /* optional: the number to show for record i (CSV rows as
	                           a spreadsheet counts them), overrides first */
	const char *action;     /* audit action; default "import programs|jobs" */
	const char *target;     /* audit target; default source */
	int dry_run;
	int sync;
	int hub;                /* records from a hub (gatewayctl sync): jobs are marked as the
	                           hub's, our own offers keep their codes (CONTENT_KEPT), and
	                           sync closes only the hub's absent jobs */
	int expect_version;     /* single-record saves: 0 any, -1 must be new, N must be at N */
	struct progress *progress; /* optional, for long imports */
};

/* opts with the defaults: unit "record", first 1. */
void content_opts_init(struct content_opts *o, const char *actor, const char *source);

void content_report_init(struct content_report *rep);
void content_report_release(struct content_report *rep);

const char *content_kind_name(enum content_kind kind); /* "programs" | "jobs" */

/* Check every record (fields, types, codes, dates, keywords, duplicates). */
int content_validate(enum content_kind kind, json_t *records, const struct content_opts *opts,
		     char *err, size_t errsz);

/* Validate, then write everything in one transaction (see above). rep may be
 * NULL; when given it is filled on success (also for dry_run). */
int content_apply(struct db *db, enum content_kind kind, json_t *records,
		  const struct content_opts *opts, struct content_report *rep, char *err,
		  size_t errsz);

/* The same inside the caller's transaction (several kinds in one, as a
 * hub's bundle is applied): the caller commits or rolls back; dry_run is
 * not looked at. */
int content_apply_tx(struct db *db, enum content_kind kind, json_t *records,
		     const struct content_opts *opts, struct content_report *rep, char *err,
		     size_t errsz);

/* Every record of kind as stored, in the import shape, oldest first. */
int content_export(struct db *db, enum content_kind kind, json_t **records);

/* Read a whole content file (at most CONTENT_FILE_MAX bytes). */
#define CONTENT_FILE_MAX (64L * 1024 * 1024)
int content_read_file(const char *path, char **data, size_t *len, char *err, size_t errsz);

/* A JSON file's records: a top-level array or the "programs"/"jobs" member
 * of an object (a UTF-8 BOM is allowed). *records is a new reference. */
int content_load_json(const char *path, enum content_kind kind, json_t **records, char *err,
		      size_t errsz);

/* Load a JSON file and content_apply it with default options (kept for
 * callers that only know JSON; content_io.h reads CSV too). */
int content_import_programs(struct db *db, const char *path, const char *actor,
			    struct content_counts *counts, char *err, size_t errsz);
int content_import_jobs(struct db *db, const char *path, const char *actor,
			struct content_counts *counts, char *err, size_t errsz);

/* Write "<source>: <unit> <n> (<code>): <field>: <what>" into err. */
void content_record_err(char *err, size_t errsz, const struct content_opts *opts, size_t idx,
			const char *code, const char *field, const char *what);

#endif

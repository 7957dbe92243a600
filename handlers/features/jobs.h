/* jobs.h - the catalogue of job offers: reading, showing, adding and
 * closing them.
 *
 * Job numbers: the number a household sees ("6. CN may - Tan Lap - 6-9tr")
 * is jobs.id. It is the same in every list, page and filter, in broadcasts
 * and in `gatewayctl job list`, and "UT 6" always means that offer; it
 * never shifts when other offers open or close.
 *
 * An offer is current while it is open and its deadline (office date)
 * has not passed. The SMS commands are in jobs_sms.h, applications in
 * referrals.h, broadcasts in broadcast.h.
 */
#ifndef GW_JOBS_H
#define GW_JOBS_H

#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/db.h"
#include "config/settings.h"
#include "handlers/features/jobs_filter.h"

#define JOBS_CODE_MAX 33

struct job {
	int64_t id;
	char code[JOBS_CODE_MAX];
	char title[256];    /* as written (UTF-8) */
	char label[160];    /* "CN may - Tan Lap - 6-9tr": short, unaccented */
	char places[512];   /* "|tan lap|song lo|phu tho|" (jobs_filter.h) */
	char words[512];    /* its title, keywords and type, folded: what households call it */
	unsigned types;     /* JOBS_TYPE_* */
	int age_min, age_max; /* 0 = no limit */
	char gender;        /* 'm', 'f', 0 = either */
	char deadline[11];  /* "YYYY-MM-DD", "" = none */
	char contact[256];  /* unaccented */
	int open;           /* status 'open' (the deadline is checked apart) */
	int64_t officer_id; /* who posted it, 0 = imported / none */
	int64_t created_at;
};

/* An offer by id. GW_ERR_NOTFOUND when there is none. */
int jobs_get(struct db *db, int64_t id, struct job *out);

/* Called with an offer's number and words; 0 to go on, 1 to stop, < 0 an
 * error. */
typedef int (*jobs_words_fn)(int64_t id, const char *words, void *arg);

/* fn for every open offer whose words (struct job's words, as jobs_get()
 * gives them) may hold one of needles as a whole word: a superset, read
 * in one pass over the offers (no order promised), so that only those are
 * folded. needles: words of [a-z0-9], each ended by '\0', the list by an
 * empty one. 0, or fn's or the database's error. */
int jobs_words_scan(struct db *db, const char *needles, jobs_words_fn fn, void *arg) GW_WARN_UNUSED;

/* An offer by number ("6") or code ("JOB-VP-006", any case). */
int jobs_find(struct db *db, const char *ref, struct job *out);

/* The office's date of t as "YYYY-MM-DD" (out: 11 bytes). */
void jobs_office_date(const struct gw_settings *cfg, time_t t, char *out);

/* 1 when j is open and its deadline is today or later. */
int jobs_is_current(const struct job *j, const char *today);

/* "6. CN may - Tan Lap - 6-9tr" */
int jobs_line(const struct job *j, struct buf *out);

/* The text broadcast to subscribers for j (unaccented, one or two parts). */
int jobs_broadcast_text(const struct job *j, struct buf *out);

/* text without diacritics and with typographic punctuation made ASCII
 * ("–" -> "-"), so that it travels as GSM-7. */
int jobs_ascii(const char *text, struct buf *out);

/* "6-8tr", "6 - 8 trieu", "7,5tr", "7.000.000", "250k" -> VND. A single
 * amount gives lo == hi. GW_ERR_NOTFOUND when there is no amount. */
int jobs_parse_wage(const char *text, int64_t *lo, int64_t *hi);

/* "30/6", "30/06/2027", "30-6-2027", "2027-06-30" -> "YYYY-MM-DD" (out: 11
 * bytes); a date without a year is the next such date from today (office
 * time). GW_ERR_INVAL when it is not a date. */
int jobs_parse_deadline(const char *text, const struct gw_settings *cfg, time_t now, char *out);

struct jobs_new {
	const char *code;        /* NULL: "JOB-<code_prefix>-<id>" */
	const char *code_prefix; /* "SMS", "CLI" */
	const char *title;       /* required */
	const char *place;       /* "commune, district, province" (raw) */
	const char *wage;        /* free text, parsed for the amounts */
	const char *deadline;    /* "YYYY-MM-DD" or NULL */
	const char *contact;
	const char *requirements;
	const char *job_type;    /* extra type words, e.g. "xkld" */
	int64_t officer_id;      /* 0 = none */
};

/* Into code (reset first): "JOB-<prefix>-<n>" for the first n from *next
 * on that no offer has, *next set to it. A hub's offers carry codes of
 * the hub's own numbering (its JOB-SMS-016 is not offer 16 here). */
int jobs_free_code(struct db *db, const char *prefix, int64_t *next, struct buf *code) GW_WARN_UNUSED;

/* Add an offer; *id gets its number. Audited as actor. */
int jobs_create(struct db *db, const struct jobs_new *n, const char *actor, time_t now,
		int64_t *id);

/* Close an offer and cancel its broadcast messages not sent yet
 * (*cancelled gets how many). GW_ERR_NOTFOUND, or GW_ERR_EXISTS when it
 * was closed already. Audited as actor. */
int jobs_close(struct db *db, int64_t id, const char *actor, time_t now, int *cancelled);

/* Every current offer (open, deadline not before today), newest first:
 * a malloc'd array the caller frees. Lists read jobs_board_each()
 * instead, which gives the same offers through indexes. */
int jobs_current(struct db *db, const char *today, struct job **out, size_t *n);

/* 1 when j fits f: area among its places, all of f's types, age within
 * its range, gender not excluded. f's page is ignored. */
int jobs_match(const struct job *j, const struct jobs_filter *f);

/* The offer whose code the folded text names ("job - vp - 006", "ut
 * JOB-VP-006"). GW_ERR_NOTFOUND when none. */
int jobs_find_code_in(struct db *db, const char *norm, struct job *out);

/* The offer an officer's command names: by number when the text starts
 * with one ("6", "6 ..."), else by a code in it (jobs_find_code_in).
 * GW_ERR_NOTFOUND when none. */
int jobs_find_in(struct db *db, const char *norm, struct job *out) GW_WARN_UNUSED;

/* 1 when text starts with a digit: a job named by number. */
int jobs_ref_is_number(const char *norm);

#endif

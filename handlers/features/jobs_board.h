/* jobs_board.h - the job board at province size: what each offer's text
 * says is worked out once, when the offer is written, and job questions
 * read it through indexes.
 *
 * Stored per offer (schema version 7, docs/SCHEMA.md): jobs.types
 * (JOBS_TYPE_* bits), jobs.sex ("m", "f" or "" from the gender column or
 * the requirements), jobs.label (the list line without its number) and
 * jobs.label_size (its size for the SMS budget, packed), one job_places row
 * a place key (all of them, uncut), and jobs.derived, the
 * JOBS_BOARD_DERIVED the rest was worked out with. All of it comes from
 * jobs_get(), so a list line reads exactly as the offer does anywhere
 * else. The index jobs_board holds, for the open offers in list order,
 * every column a question filters on and the label's size.
 *
 * Any write to the text an offer's derived columns come from (title,
 * location, type words, requirements, gender, wage) sets jobs.derived to
 * 0 (a trigger), and new rows start at 0, so nothing that writes jobs has
 * to know about this: jobs_board_refresh() works out whatever is not
 * current, and every function below calls it first (they run where the
 * handlers run, inside a write transaction). A content import refreshes
 * before it commits, the daemon and `gatewayctl init` on start (a database
 * migrated to version 7 starts with every offer at 0).
 *
 * When the rules that derive places, types, gender or labels change
 * (jobs_filter.c, jobs.c), raise JOBS_BOARD_DERIVED: every stored offer
 * is then worked out again on first use.
 */
#ifndef GW_JOBS_BOARD_H
#define GW_JOBS_BOARD_H

#include <stdint.h>

#include "common/buf.h"
#include "common/db.h"
#include "handlers/core/reply.h"
#include "handlers/features/jobs_filter.h"

#define JOBS_BOARD_DERIVED 2

/* Work out every offer whose derived columns are not current; *n (may be
 * NULL) gets how many. Holds no transaction of its own: run inside one. */
int jobs_board_refresh(struct db *db, int *n) GW_WARN_UNUSED;

/* "|key|...|": the places of open offers that the folded text names as
 * whole words, in the order the offers carry them (by job number, then
 * their order within the offer), for jobs_filter_parse(). The same places
 * as scanning every open offer, found by looking the text's word runs up. */
int jobs_board_places_in(struct db *db, const char *norm, struct buf *out) GW_WARN_UNUSED;

/* A growing list of offer numbers. */
struct jobs_ids {
	int64_t *v;
	size_t n, cap;
};

int jobs_ids_add(struct jobs_ids *l, int64_t id) GW_WARN_UNUSED;
void jobs_ids_release(struct jobs_ids *l);

/* One offer of a list: its number and the size of its line ("6. CN may -
 * Tan Lap - 6-9tr", as jobs_line() writes it), from the stored columns:
 * enough to lay lines out in pages without reading their text. */
struct jobs_board_line {
	int64_t id;
	struct reply_size size;
};

/* Called for each offer in order: 0 to go on, 1 to stop, < 0 an error. */
typedef int (*jobs_board_fn)(const struct jobs_board_line *line, void *arg);

/* The current offers (open, deadline today or later) that fit f (as
 * jobs_match: area among the places, every type, age in range, gender not
 * excluded; f->page is ignored), newest first. home ("|key|...|", NULL or
 * "|" for none) puts the offers with one of those places first, each group
 * newest first. Returns 0 (also when fn stopped it) or fn's or the
 * database's error. Reads one narrow index (and job_places), never the
 * offers' rows: a list of thousands costs little more than one page. */
int jobs_board_each(struct db *db, const char *today, const struct jobs_filter *f,
		    const char *home, jobs_board_fn fn, void *arg) GW_WARN_UNUSED;

/* The line of offer id as jobs_line() writes it ("6. CN may - ...") and
 * its code, appended to line and code (code may be NULL). */
int jobs_board_line_text(struct db *db, int64_t id, struct buf *line, struct buf *code) GW_WARN_UNUSED;

/* The id of the offer whose code the words of the folded text name
 * ("ut job vp 006"), the longest such code when several; GW_ERR_NOTFOUND. */
int jobs_board_code_in(struct db *db, const char *norm, int64_t *id) GW_WARN_UNUSED;

#endif

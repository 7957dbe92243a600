/* progphrase.h - the phrases programme search looks for (progsearch.h).
 *
 * Words: a question and a phrase, both normalised text, are compared word
 * by word; a "word" that starts with punctuation is left out, so a comma
 * does not break "vay von, ho ngheo" apart and "bhyt - cn" reads "bhyt cn".
 * A phrase is found in a question contiguous, or, two words or more, in
 * order with up to PROGPHRASE_GAP_MAX other words inside.
 *
 * The cache: normalising some 300 keywords (and joining codes and cues)
 * for every question was most of a search, so the phrases of every
 * programme live, normalised, in per-connection TEMP tables:
 *
 *   temp.progsearch_phrase (id, phrase, key): each distinct phrase once,
 *     found by its key, its first word or its first and last words;
 *   temp.progsearch_owner (phrase_id, scope, pid, kind, weight, code): who
 *     owns it: kind 0 a keyword ("program" scope), 1 a programme code, 2 a
 *     cue of intent "<scope>:CODE" with its weight;
 *   temp.progsearch_common (term): FTS5 terms found in half the programmes
 *     or more, which bm25 does not weigh.
 *
 * So a phrase shared by a thousand programmes is looked at once. The copy
 * is rebuilt when programmes, keywords or cues were written since, by any
 * connection (store_content_version() moved: `gatewayctl import` or
 * `keyword`, an officer's SMS); not when another thread merely stored a
 * message (PRAGMA data_version, the test this used, moved with every
 * message the Kannel or USSD thread committed, and the copy was rebuilt
 * for nearly every answer). A rolled-back transaction takes the TEMP
 * tables with it; they are simply made again.
 */
#ifndef GW_PROGPHRASE_H
#define GW_PROGPHRASE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/db.h"

#define PROGPHRASE_MAX_WORDS 256 /* question words read (a 10-part SMS has ~250) */
#define PROGPHRASE_WORDS 16      /* a longer phrase is never looked for */
#define PROGPHRASE_GAP_MAX 5     /* other words inside a phrase found loosely */

struct progphrase_words {
	const char *w[PROGPHRASE_MAX_WORDS];
	size_t n[PROGPHRASE_MAX_WORDS];
	size_t count;
};

/* The words of s (normalised text), into ws. */
void progphrase_split(const char *s, struct progphrase_words *ws);

/* 1 when word i of a is word j of b. */
int progphrase_same(const struct progphrase_words *a, size_t i, const struct progphrase_words *b,
		    size_t j);

/* 1 when phrase ph (1 to PROGPHRASE_WORDS words) is in q: its first
 * occurrence, contiguous (*gapped = 0) preferred, else in order with at
 * most PROGPHRASE_GAP_MAX words inside (*gapped = how many); the words
 * of q it covers in pos[0..ph->count). 0 when not found. */
int progphrase_find(const struct progphrase_words *q, const struct progphrase_words *ph,
		    size_t *pos, int *gapped);

/* Make sure the cache exists and is current; *span: how many words after
 * a phrase's first word its last one can be. */
int progphrase_cache_ready(struct db *db, int *span) GW_WARN_UNUSED;

/* The same, and *build: a number that names this build of the TEMP tables
 * (a rolled-back build and its successor differ). */
int progphrase_cache_build(struct db *db, int *span, int64_t *build) GW_WARN_UNUSED;

/* temp.progsearch_phrase by key in memory (a db_memo per build); *span as
 * above. */
struct progphrase_index;
int progphrase_index(struct db *db, const struct progphrase_index **out,
		     int *span) GW_WARN_UNUSED;

/* Who owns a phrase (temp.progsearch_owner): kind 0 a keyword, 1 a
 * programme code, 2 a cue of scope "<scope>:CODE" with its weight. */
struct progphrase_owner {
	const char *scope, *code;
	int64_t pid;
	int kind;
	double weight;
};

/* The owners of phrase phrase_id, *n of them, in the table's key order
 * (scope, programme, kind, weight); the index's. */
const struct progphrase_owner *progphrase_owners(const struct progphrase_index *ix,
						 int64_t phrase_id, size_t *n);

/* The phrases whose key q holds, in id order, each once: *out malloc'd
 * (free()), its phrase texts the index's. The keys a phrase in q can have:
 * every word, every word with each one up to span words after it, and
 * "@always" (the cue every question holds). */
struct progphrase_ref {
	int64_t id;          /* temp.progsearch_phrase.id */
	const char *phrase;
};
int progphrase_lookup(const struct progphrase_index *ix, const struct progphrase_words *q,
		      int span, struct progphrase_ref **out, size_t *n) GW_WARN_UNUSED;


#endif

/* lexicon.h - commands and their aliases, kept as data in SQLite.
 *
 * Loaded from data/lexicon.json by every `gatewayctl init` (a package
 * upgrade brings new words); changed at run time with `gatewayctl keyword
 * add|remove`. Aliases are stored folded (lower-case ASCII, single spaces).
 * An alias belongs to one command: adding one that another command already
 * owns is refused with GW_ERR_EXISTS.
 *
 * Loading the file again keeps what the administrator did: an alias they
 * added stays (origin 'admin'), even one the file gives another command;
 * one they removed stays out (command_aliases_removed, until they add it
 * again). Everything else follows the file: commands and their help are
 * updated, shipped aliases the file no longer has are dropped, the cues
 * replaced (they are only ever shipped).
 *
 * The same file carries the intent cues (see below and intent.h).
 */
#ifndef GW_LEXICON_H
#define GW_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/db.h"

struct lexicon_counts {
	int64_t aliases; /* aliases after the load */
	int64_t cues;    /* cues after the load */
	int kept;        /* aliases of the file left as the administrator set them */
	int dropped;     /* shipped aliases the file no longer has */
};

/* Load the file as above in one transaction (the caller must not hold
 * one); counts, when not NULL, says what came of it. */
int lexicon_load(struct db *db, const char *path, struct lexicon_counts *counts, char *err,
		 size_t errsz);
/* lexicon_load without the counts. */
int lexicon_import(struct db *db, const char *path, char *err, size_t errsz);

/* Add alias to command (inside or outside a transaction). err explains a
 * refusal, e.g. "alias 'huy' already belongs to STOP". */
int lexicon_add_alias(struct db *db, const char *command, const char *alias, const char *lang,
		      char *err, size_t errsz);
int lexicon_remove_alias(struct db *db, const char *alias);

/* Fold an alias to its stored form. */
int lexicon_fold_alias(const char *alias, char *out, size_t outsz);

/* Intent cues (see intent.h for the pattern language). The file's "cues"
 * is a list of groups {"intent": I, "weight": W, "cues": [...]}; intent
 * may be "program:CODE" or "<intent>:CODE" for programme cues (see
 * progsearch.h); "intent_min" (a number) is the score an intent must reach
 * (stored as the cue "@min" of intent "unknown"). Cue words are normalised
 * like messages; the operators ^ $ # ... and @features are kept as they are.
 * Adding a cue that exists updates its weight. */
int lexicon_add_cue(struct db *db, const char *intent, const char *cue, double weight, char *err,
		    size_t errsz);

/* Append the stored form of a cue pattern to out. */
int lexicon_fold_cue(const char *cue, struct buf *out);

#endif

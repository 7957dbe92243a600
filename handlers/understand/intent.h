/* intent.h - what a message without a command word is asking for.
 *
 * A transparent scorer, not a model: every intent has weighted cues in the
 * intent_cues table (loaded from data/lexicon.json "cues"), the score of an
 * intent is the sum of the weights of its cues found in the normalised
 * text, and the highest score wins if it reaches the minimum (the weight of
 * the "unknown" intent's "@min" cue, INTENT_MIN_DEFAULT without one);
 * otherwise the text is "unknown". Weights may be negative ("cho em hoi"
 * is a politeness formula, not a question about the sender's household).
 * intent_explain() prints which cues fired, so a wrong guess can be traced
 * to a row of data and fixed there.
 *
 * A cue is a space-separated pattern over normalised words:
 *   word     that word                   ("nha toi", "dat lich")
 *   #        any number                  ("ut #")
 *   ...      zero to INTENT_GAP_MAX words ("co duoc ... khong")
 *   ^  $     start / end of the message  ("^ giup")
 *   @command a command word of this intent opened the message (see router.h)
 *   @program the text names a programme by code or keyword (see progsearch.h)
 *   @program+ it names one beyond doubt (PROGSEARCH_STRONG)
 *   @english the message reads as English
 * Each cue counts once however often it occurs. Rows whose intent contains
 * ':' are programme cues for progsearch, not intent cues.
 */
#ifndef GW_INTENT_H
#define GW_INTENT_H

#include "common/buf.h"
#include "common/db.h"

#define INTENT_NAME_MAX 32
#define INTENT_GAP_MAX 6
#define INTENT_MIN_DEFAULT 1.5

struct intent_features {
	const char *command_intent; /* intent of the command word that opened the text, or NULL */
	int names_program;          /* progsearch found a code or keyword */
	int program_strong;         /* ... scoring at least PROGSEARCH_STRONG */
	int english;                /* normalize_is_english() */
};

struct intent_guess {
	char intent[INTENT_NAME_MAX]; /* the winner, or "unknown" */
	double score;                 /* its score (0 for unknown with no cue) */
	double min_score;             /* the minimum that applied */
};

/* Score norm against every intent cue. */
int intent_classify(struct db *db, const char *norm, const struct intent_features *f,
		    struct intent_guess *out);

/* Append one line per intent with a non-zero score: "policy 3.5: @program, la gi". */
int intent_explain(struct db *db, const char *norm, const struct intent_features *f,
		   struct buf *out);

/* 1 when cue (a pattern as above) occurs in norm. Pure; features as given. */
int intent_cue_matches(const char *cue, const char *cue_intent, const char *norm,
		       const struct intent_features *f);

#endif

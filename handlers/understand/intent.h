/* intent.h - what a message without a command word is asking for.
 *
 * A transparent scorer, not a model: every intent has weighted cues in the
 * intent_cues table (loaded from data/lexicon.json "cues"), the score of an
 * intent is the sum of the weights of its cues found in the normalised
 * text, and the highest score wins if it reaches the minimum (the weight of
 * the "unknown" intent's "@min" cue, INTENT_MIN_DEFAULT without one).
 * Weights may be negative ("cho em hoi" is a politeness formula, not a
 * question about the sender's household). intent_explain() prints which
 * cues fired, so a wrong guess can be traced to a row of data and fixed
 * there.
 *
 * Two intents answer what is no question for a feature: "unknown" is a
 * real question outside every programme (its cues are question words:
 * "o dau", "bao nhieu"), "noise" is not a question for us at all
 * (greetings, chatter meant for someone else, forwarded adverts, OTPs,
 * gibberish, a lone emoji or number). A text no intent's cues lift to the
 * minimum is noise too (intent_guess.fallback says so).
 *
 * An intent may need a topic: rows of intent "need:<intent>" list cues of
 * which one must match before <intent> can win at all ("need:eligibility":
 * a programme or the household's facts, so that "em an com chua", with
 * its "em", never starts the self-check).
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
 *   @when    the text writes a date or a time (datetime_vi.h), usable or not
 *   @nowords  no letters at all: emoji, digits, punctuation, nothing
 *   @gibberish letters, but not one Vietnamese syllable or English word
 * Each cue counts once however often it occurs. Rows whose intent contains
 * ':' are programme cues for progsearch ("program:CODE") or topic needs
 * ("need:<intent>"), not intent cues.
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
	int when;                   /* a date or time is written */
	int no_words;               /* no letter anywhere */
	int gibberish;              /* letters, none of them a word */
};

struct intent_guess {
	char intent[INTENT_NAME_MAX]; /* the winner, or "noise" */
	double score;                 /* its score (0 when nothing reached the minimum) */
	double min_score;             /* the minimum that applied */
	int fallback;                 /* 1: no intent reached the minimum (intent "noise") */
};

/* Score norm against every intent cue. An intent whose "need:" rows all
 * fail does not take part. */
int intent_classify(struct db *db, const char *norm, const struct intent_features *f,
		    struct intent_guess *out);

/* Append one line per intent with a non-zero score: "policy 3.5: @program, la gi". */
int intent_explain(struct db *db, const char *norm, const struct intent_features *f,
		   struct buf *out);

/* 1 when cue (a pattern as above) occurs in norm. Pure; features as given. */
int intent_cue_matches(const char *cue, const char *cue_intent, const char *norm,
		       const struct intent_features *f);

#endif

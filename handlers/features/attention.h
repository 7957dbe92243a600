/* attention.h - which household messages wait for an officer.
 *
 * The gateway answers every message, but some answers are not enough: a
 * question nothing matched got the help text, a message about a sick
 * child in hospital got the menu or the self-check, a message the handler
 * failed on got an apology. The console lists these for the officers who
 * may see the household (scope.h) until one of them answers by hand or
 * marks it as needing no answer (inbox.attended_at).
 *
 *   health     the text speaks of a health emergency (om nang, nam vien,
 *              cap cuu, tai nan, ...), whatever it was answered with
 *   failed     handling failed (status 'failed': the apology went)
 *   help text  understood as nothing (intent unknown or noise) and still
 *              a question: four words or more, or a question mark
 *              ("alo", "cam on" are not)
 *
 * Phrases are matched on the folded text as whole words.
 */
#ifndef GW_ATTENTION_H
#define GW_ATTENTION_H

#include "common/db.h"

/* How far back the console looks for messages that wait. */
#define ATTENTION_DAYS 14

enum attention_reason {
	ATTENTION_NONE = 0,
	ATTENTION_HELP_TEXT = 1,
	ATTENTION_FAILED = 2,
	ATTENTION_HEALTH = 3,
};

/* Why the message (raw text, its intent and inbox status) waits for an
 * officer; ATTENTION_NONE when its answer was enough. */
enum attention_reason attention_reason(const char *text, const char *intent, const char *status);

/* Add gw_attention(text, intent, status) -> the reason as an integer to
 * db's connection (handler_store_open does, for every program). */
int attention_register(struct db *db) GW_WARN_UNUSED;

#endif

/* router.h - which command or intent a normalised message is.
 *
 * 1. Command word. The first one to three words are looked up among the
 *    aliases in SQLite (see lexicon.h), longest alias first, so "huy hen"
 *    beats "huy". Failing that:
 *    - glued: a first word that is no Vietnamese syllable and starts with
 *      an alias, the rest being a code, digits or syllables: "csbhyt" is
 *      CS + "bhyt", "ut5" is UT + "5" (the normaliser already splits
 *      "viecbinhxuyen" and "huyhen" into syllables);
 *    - fuzzy: one edit (substitution, insertion, deletion or swap of two
 *      neighbours) from an alias of 3+ letters, same first letter: "veic"
 *      is VIEC, "hne" is HEN. Never when the typed word is itself a valid
 *      syllable (a real word: "vien", "hon"), never a deletion from a word
 *      under 4 letters ("vie" is not "viec"), never to two commands at
 *      once, and never into STOP or an officer command, where a wrong
 *      guess costs more than a retyped word. Two-letter aliases are exact.
 * 2. Officer commands need a PIN next ("XN 1234 5"); without one the
 *    words are read as ordinary text ("xac nhan hen 15/12").
 * 3. Commands that take no arguments (help, start, stop, preferences, job
 *    subscription) followed by more words are weighed against the whole
 *    text: "dang ky thoat ngheo the nao" is a policy question, not START,
 *    and "HUY goi D15 soan ... gui 191" a forwarded advert (noise). The
 *    classifier gets the command's intent as its "@command" cue and the
 *    command stands unless another intent wins. HELP followed by a page
 *    number ("HD 2") is the help's page.
 * 4. Anything else is classified by intent (intent.h); the arguments are
 *    then the whole text (args_off 0), so a free-text policy question is
 *    the query. What reaches no intent is "noise" (how ROUTER_NONE).
 * 5. For eligibility and appointment intents, the programme the text is
 *    about is found too (progsearch.h, scope = the intent), for the record
 *    and for the features that answer them; a free-text policy question
 *    keeps the search made to classify it (program, also), so the answer
 *    does not search twice.
 */
#ifndef GW_ROUTER_H
#define GW_ROUTER_H

#include <stddef.h>

#include "common/db.h"

enum router_how {
	ROUTER_NONE = 0,  /* nothing matched: intent "noise" */
	ROUTER_EXACT,     /* an alias as typed */
	ROUTER_GLUED,     /* an alias run into its argument */
	ROUTER_FUZZY,     /* an alias one typo away */
	ROUTER_CLASSIFIED /* no command: intent from cues */
};

struct route {
	char command[24];  /* canonical command ("CS", "HUY HEN"), "" when none */
	char intent[32];   /* policy, help, stop, ..., "unknown" or "noise" */
	int officer_only;  /* the command needs a registered officer and PIN */
	size_t args_off;   /* where the arguments start in the normalised text */
	enum router_how how;
	double score;      /* classifier score when ROUTER_CLASSIFIED */
	char program[33];  /* programme the text is about (eligibility, appointment, and
			    * free-text policy questions), or "" */
	char also[33];     /* for a free-text policy question: another programme it names */
};

int router_route(struct db *db, const char *norm, struct route *out);

/* Damerau (optimal string alignment) distance between a[0..an) and
 * b[0..bn), stopping early: returns limit + 1 when it exceeds limit. */
int router_edit_distance(const char *a, size_t an, const char *b, size_t bn, int limit);

#endif

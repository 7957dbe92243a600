/* commune_hint.h - which commune a household is from, suggested from what
 * it wrote.
 *
 * A household never says its commune unless asked, but many name it in
 * passing: "thon 3 Tan Lap", "o xa Thien Ke co viec gi", "TÂN LẬP". The
 * console shows households whose commune is not known yet to every
 * officer (scope.h) with the commune their messages name, and one click
 * assigns it. Nothing here assigns anything.
 *
 * The candidates are the communes the box serves (office.communes, "Tân
 * Lập, Thiện Kế"), else the communes of its registered officers. A text
 * names a candidate when the candidate's place key (jobs_filter.h:
 * folded, without "xã"/"thị trấn") appears in it as whole words
 * ("tan lap" in "thon 3 tan lap,", not in "tan lapxx"); when several do,
 * the one named first wins.
 */
#ifndef GW_COMMUNE_HINT_H
#define GW_COMMUNE_HINT_H

#include <stddef.h>

#include "common/db.h"

#define COMMUNE_HINT_MAX 32     /* candidates considered */
#define COMMUNE_HINT_MESSAGES 20 /* a household's latest messages read */

struct commune_hint {
	char name[128]; /* as it is stored and shown: "Tân Lập" */
	char key[128];  /* "tan lap" */
};

/* The candidates: box_communes (raw, comma-separated), else the distinct
 * communes of the officers. *n may be 0. */
int commune_hint_candidates(struct db *db, const char *box_communes, struct commune_hint *out,
			    size_t max, size_t *n);

/* The candidate text (raw UTF-8) names first: its index, or -1. */
int commune_hint_find(const char *text, const struct commune_hint *c, size_t n, int *index);

/* The candidate the phone's latest messages name (newest first): its
 * index, or -1. Texts blanked by the privacy purge name nothing. */
int commune_hint_phone(struct db *db, const char *phone, const struct commune_hint *c, size_t n,
		       int *index);

#endif

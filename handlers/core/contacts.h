/* contacts.h - what we know about a household's phone: language, accent
 * preference, opt-out. Opt-outs are honoured everywhere, always. */
#ifndef GW_CONTACTS_H
#define GW_CONTACTS_H

#include <stddef.h>
#include <time.h>

#include "common/db.h"

struct contact {
	char lang[4];     /* "vi" or "en" */
	int unaccented;   /* prefers replies without diacritics */
	int opted_out;    /* no broadcasts (replies to its own questions still go) */
};

/* Canonical form of a Vietnamese phone number: "0912 345 678",
 * "84912345678" and "+84912345678" all become "+84912345678". Other
 * international numbers keep their '+'. GW_ERR_INVAL if it is not a number. */
int contacts_normalize_phone(const char *in, char *out, size_t outsz);

/* Create the contact if new, update last_seen, and return its preferences. */
int contacts_touch(struct db *db, const char *phone, time_t now, struct contact *out);
int contacts_set_opt_out(struct db *db, const char *phone, int opted_out, time_t now);
int contacts_set_unaccented(struct db *db, const char *phone, int unaccented);
int contacts_set_lang(struct db *db, const char *phone, const char *lang);

#endif

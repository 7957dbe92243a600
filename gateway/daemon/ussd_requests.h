/* ussd_requests.h - USSD from our own SIMs (balance checks, operator menus).
 *
 * The daemon's workers own the modems, so `gatewayctl ussd [--modem NAME]
 * CODE` files a request row and waits; the named modem's worker (or the
 * first one free, for a request naming none) dials it and stores the
 * network's answer. Each modem's periodic balance check (its balance_code)
 * uses the same path, warns administrators when credit falls below its
 * balance_low, and takes the SIM out of routing below balance_min until a
 * later check (every recheck_interval meanwhile) finds credit again.
 */
#ifndef GW_USSD_REQUESTS_H
#define GW_USSD_REQUESTS_H

#include <time.h>

#include "common/db.h"
#include "gateway/daemon/link.h"

/* Dial pending requests (and the balance check when due). */
int ussd_requests_serve(struct link *l, time_t now);

/* gatewayctl side: file a request for modem ("" or NULL: any); returns its id. */
int ussd_requests_file(struct db *db, const char *modem, const char *code, time_t now,
		       int64_t *id);
/* Poll a request: 1 when answered (answer copied), 0 while pending. */
int ussd_requests_poll(struct db *db, int64_t id, char *answer, size_t answersz, int *done);

/* Give up on a request nobody answered, so a daemon started later does not
 * dial a code the administrator stopped waiting for. */
int ussd_requests_expire(struct db *db, int64_t id);

/* The first amount in a balance answer ("TK chinh: 25.000d" -> 25000), or -1. */
long ussd_parse_balance(const char *answer);

/* 1 if code looks like a USSD code: *, #, digits only, 2..32 chars. */
int ussd_code_valid(const char *code);

#endif

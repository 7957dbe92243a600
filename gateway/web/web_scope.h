/* web_scope.h - what an account may see and change in the web console.
 *
 * An administrator sees everything. An officer sees their commune only
 * (officers.commune, compared as a place key: folded, without "xã"/"thị
 * trấn", see jobs_filter.h):
 *   jobs          posted by them, or with their commune among the offer's
 *                 places (commune, district, province, industrial zone)
 *   appointments  assigned to them, to an officer of their commune, or of
 *                 a household of their commune
 *   households    whose contact is in their commune, or who applied to one
 *                 of their jobs, or hold one of their appointments; inbox
 *                 messages, replies and subscriptions follow the phone
 *   broadcasts    of their jobs, or sent by them
 * Programs are province-wide content: every account reads them, only
 * administrators change them (and the office calendar, and a contact's
 * commune).
 *
 * The rules are SQL fragments (WEB_SCOPE_*), so lists filter in the query
 * and single objects are checked with the same text. Every statement that
 * uses one binds the account first with web_scope_bind(): ?1 admin, ?2 the
 * officer's id, ?3 the commune key; the statement's own parameters start
 * at ?4. The fragments call two SQL functions registered on the web
 * thread's connection by web_scope_register(): gw_place_key(text) and
 * gw_job_places(province, district, commune, zone).
 */
#ifndef GW_WEB_SCOPE_H
#define GW_WEB_SCOPE_H

#include <stdint.h>

#include "common/db.h"
#include "gateway/web/web_request.h"

#define WEB_SCOPE_JOB(j)                                                                  \
	"(?1 OR " j ".officer_id = ?2 OR (?3 <> '' AND instr(gw_job_places(" j ".province, " \
	j ".district, " j ".commune, " j ".industrial_zone), '|' || ?3 || '|') > 0))"

#define WEB_SCOPE_APPT(a)                                                                   \
	"(?1 OR " a ".officer_id = ?2 OR (?3 <> '' AND (EXISTS (SELECT 1 FROM officers so"    \
	" WHERE so.id = " a ".officer_id AND gw_place_key(so.commune) = ?3) OR EXISTS (SELECT" \
	" 1 FROM contacts sc WHERE sc.phone = " a ".phone AND gw_place_key(sc.commune) = ?3))))"

/* The subqueries do not depend on the row: SQLite runs each once per
 * statement, so a long inbox is filtered with three lookups a row. */
#define WEB_SCOPE_PHONE(p)                                                                  \
	"(?1 OR " p " IN (SELECT phone FROM contacts WHERE ?3 <> '' AND"                        \
	" gw_place_key(commune) = ?3) OR " p " IN (SELECT r.phone FROM referrals r JOIN jobs j" \
	" ON j.id = r.job_id WHERE " WEB_SCOPE_JOB("j") ") OR " p " IN (SELECT a.phone FROM"   \
	" appointments a WHERE " WEB_SCOPE_APPT("a") "))"

#define WEB_SCOPE_BROADCAST(b)                                                          \
	"(?1 OR " b ".created_by = (SELECT phone FROM officers WHERE id = ?2) OR " b ".job_id IN (SELECT j.id FROM jobs j WHERE " \
	WEB_SCOPE_JOB("j") "))"

/* Register gw_place_key() and gw_job_places() on db. */
int web_scope_register(struct db *db);

/* Bind ?1..?3 of st for the account. */
void web_scope_bind(sqlite3_stmt *st, const struct web_account *a);

/* Read officer id into an account (role, commune and its key).
 * GW_ERR_NOTFOUND when the officer is no longer registered. */
int web_scope_account(struct db *db, int64_t officer_id, struct web_account *out);

/* 0 when the account may see the object, GW_ERR_AUTH when it exists but
 * belongs to another commune, GW_ERR_NOTFOUND when there is none. */
int web_scope_job(struct db *db, const struct web_account *a, int64_t job_id);
int web_scope_appointment(struct db *db, const struct web_account *a, int64_t id);
int web_scope_phone(struct db *db, const struct web_account *a, const char *phone);
int web_scope_inbox(struct db *db, const struct web_account *a, int64_t inbox_id);

/* The page for a verdict of the above that is not 0: 403 or 404 (or 500
 * for a database error). */
int web_scope_refused(struct web_req *rq, struct web_resp *rs, int verdict);

/* The audit actor of the account, "web:<phone>" (out: 48 bytes or more). */
void web_actor(const struct web_req *rq, char *out, size_t outsz);

#endif

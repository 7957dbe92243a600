/* scope.h - what an officer may see and act on, on every channel.
 *
 * One rule for the SMS officer commands (XN, DOI, VIECMOI, DONG, TB), the
 * web console and gatewayctl: an administrator (officers.role 'admin')
 * acts everywhere; an officer acts in their commune only (officers.commune,
 * compared as a place key: folded, without "xã"/"thị trấn", jobs_filter.h):
 *   jobs          whose places (commune, district, province, industrial
 *                 zone) include the commune; a job an officer posts or
 *                 edits must be IN the commune: its commune field names
 *                 that commune and no other (scope_job_commune)
 *   appointments  assigned to them, to an officer of their commune, or of
 *                 a household of their commune; confirming or moving one
 *                 never hands it to another commune's officer
 *                 (scope_may_reassign)
 *   households    whose contact is in the commune, or who applied to one
 *                 of its jobs, or hold one of its appointments; and, for
 *                 every officer, those whose commune is not known yet
 *                 (no contact commune: a household never says it unless
 *                 asked), listed apart as "chưa rõ xã" until someone
 *                 assigns it (scope_may_set_commune); on a box that
 *                 serves one commune (office.communes), its officers see
 *                 every household. Inbox messages, replies and
 *                 subscriptions follow the phone
 *   broadcasts    of the commune's jobs, or sent by them; what an officer
 *                 broadcasts reaches only the commune's households
 *                 (scope_audience) and names no other area (scope_area)
 * An officer without a commune acts on nothing but the appointments
 * assigned to them (and sees the households whose commune is not known).
 * gatewayctl is run by an administrator on the box
 * itself: it is administrator scope (it checks only that a job handed to
 * an officer lies in that officer's commune). The USSD callback has no
 * officer commands of its own; whatever a USSD screen runs goes through
 * the same handlers, so the same checks.
 *
 * Lists filter in SQL with the fragments below and single objects are
 * checked with the same text. A statement using a fragment binds the
 * account first with scope_bind(): ?1 what the account sees everywhere
 * (bit 1 an administrator: everything; bit 2 every household), ?2 the
 * officer's id, ?3 the commune key; its own parameters start at ?4. The fragments call two SQL
 * functions, gw_place_key(text) and gw_job_places(province, district,
 * commune, zone), which scope_register() adds to a connection: every
 * program registers them on every connection it opens (the daemon, the
 * USSD and web threads, gatewayctl).
 *
 * Refusals: the verdict functions return GW_ERR_AUTH for an object that
 * exists but lies outside the scope, GW_ERR_NOTFOUND when there is none;
 * the channel answers (SMS: "Viec so 7 khong thuoc xa ban.", web: 403, or
 * 404 for a household so that nobody learns whether a number ever wrote)
 * and writes the refusal with scope_audit_refusal().
 */
#ifndef GW_SCOPE_H
#define GW_SCOPE_H

#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/db.h"

struct officer;

/* Who is acting, read fresh for each request so a changed role or commune
 * applies at once. */
struct scope_account {
	int64_t id;
	char phone[32];
	char name[128];
	int admin;
	char commune[128];
	char commune_key[128]; /* place key of commune, "" = none */
	int all_households;    /* an officer of a one-commune box (scope_account_box) */
};

#define SCOPE_JOB(j)                                                          \
	"((?1 & 1) OR (?3 <> '' AND instr(gw_job_places(" j ".province, " j ".district, " \
	j ".commune, " j ".industrial_zone), '|' || ?3 || '|') > 0))"

#define SCOPE_APPT(a)                                                                       \
	"((?1 & 1) OR " a ".officer_id = ?2 OR (?3 <> '' AND (EXISTS (SELECT 1 FROM officers so"    \
	" WHERE so.id = " a ".officer_id AND gw_place_key(so.commune) = ?3) OR EXISTS (SELECT" \
	" 1 FROM contacts sc WHERE sc.phone = " a ".phone AND gw_place_key(sc.commune) = ?3))))"

/* A household whose commune is not known yet: no contact names one. */
#define SCOPE_UNKNOWN(p) \
	"(" p " NOT IN (SELECT phone FROM contacts WHERE trim(commune) <> ''))"

/* The subqueries do not depend on the row: SQLite runs each once per
 * statement, so a long inbox is filtered with four lookups a row. */
#define SCOPE_PHONE(p)                                                                      \
	"((?1 & 3) OR " SCOPE_UNKNOWN(p) " OR " p " IN (SELECT phone FROM contacts WHERE ?3 <> '' AND" \
	" gw_place_key(commune) = ?3) OR " p " IN (SELECT r.phone FROM referrals r JOIN jobs j" \
	" ON j.id = r.job_id WHERE " SCOPE_JOB("j") ") OR " p " IN (SELECT a.phone FROM"       \
	" appointments a WHERE " SCOPE_APPT("a") "))"

#define SCOPE_BROADCAST(b)                                                                  \
	"((?1 & 1) OR " b ".created_by = (SELECT phone FROM officers WHERE id = ?2) OR " b ".job_id" \
	" IN (SELECT j.id FROM jobs j WHERE " SCOPE_JOB("j") "))"

/* The households of the commune whose key is the SQL expression key (a
 * parameter): its contacts, and those who applied to one of its jobs. What
 * an officer's broadcast may reach (broadcast.h); needs no account bound. */
#define SCOPE_HOUSEHOLD(p, key)                                                              \
	"(" p " IN (SELECT phone FROM contacts WHERE gw_place_key(commune) = " key ") OR " p     \
	" IN (SELECT r.phone FROM referrals r JOIN jobs j ON j.id = r.job_id WHERE"             \
	" instr(gw_job_places(j.province, j.district, j.commune, j.industrial_zone), '|' || " key \
	" || '|') > 0))"

/* Add gw_place_key() and gw_job_places() to db's connection. */
int scope_register(struct db *db) GW_WARN_UNUSED;

/* Bind ?1..?3 of st for the account. */
void scope_bind(sqlite3_stmt *st, const struct scope_account *a);

/* The account of officer id. GW_ERR_NOTFOUND when it is not registered. */
int scope_account_load(struct db *db, int64_t officer_id, struct scope_account *out);

/* The account of an officer already read (officers.h). */
int scope_account_of(const struct officer *o, struct scope_account *out);

/* What the box serves (office.communes, raw text "Tân Lập, Thiện Kế"):
 * on a box that serves exactly one commune, an officer of it (or one
 * without a commune) sees every household. Nothing changes otherwise. */
int scope_account_box(struct scope_account *a, const char *box_communes);

/* May the account set the commune of a household whose contact says
 * `current` (raw, "" = not known) to `to` (raw)? An administrator may
 * set any; an officer only assigns a household whose commune is not
 * known yet, to one of the box's communes (box_communes as above; when
 * the box names none, any commune an officer of the box has).
 * 0, or GW_ERR_AUTH; GW_ERR_INVAL for an officer's empty `to` (an
 * administrator may clear a commune). */
int scope_may_set_commune(struct db *db, const struct scope_account *a, const char *current,
			  const char *to, const char *box_communes);

/* 0 when the account may see and act on the object, GW_ERR_AUTH when it
 * exists but belongs to another commune, GW_ERR_NOTFOUND when there is
 * none. A phone "exists" when it has a contact or ever wrote. */
int scope_job(struct db *db, const struct scope_account *a, int64_t job_id);
int scope_appointment(struct db *db, const struct scope_account *a, int64_t id);
int scope_phone(struct db *db, const struct scope_account *a, const char *phone);
int scope_inbox(struct db *db, const struct scope_account *a, int64_t inbox_id);

/* May the account place a job whose commune field is commune (raw text,
 * communes separated by commas)? 0 for an administrator; for an officer
 * only when every commune it names is theirs, else GW_ERR_AUTH (an empty
 * field too: a job nobody can place is nobody's). */
int scope_job_commune(const struct scope_account *a, const char *commune);

/* May the account aim a broadcast at area (raw or folded text, "" = the
 * account's own audience)? 0 or GW_ERR_AUTH; an officer without a commune
 * may broadcast nothing. */
int scope_area(const struct scope_account *a, const char *area);

/* Whose households a broadcast of the account may reach: NULL for an
 * administrator (anyone subscribed), else the commune key (see
 * broadcast.h). */
const char *scope_audience(const struct scope_account *a);

/* 1 when an appointment held by officer `from` (0 = nobody) may be handed
 * to officer `to` on confirming or moving it: nobody holds it, or both are
 * officers of the same commune. 0 otherwise (it stays with `from`). */
int scope_may_reassign(struct db *db, int64_t from, int64_t to, int *ok) GW_WARN_UNUSED;

/* The account's commune as SMS replies name it: unaccented, case kept
 * ("Thien Ke"); nothing for none. */
int scope_commune_label(const struct scope_account *a, struct buf *out);

/* Audit a refusal (action "scope_refused"): actor as in audit.h, what the
 * account tried ("XN", "web GET /jobs/6"), target the object. Runs in the
 * caller's transaction if one is open. */
int scope_audit_refusal(struct db *db, time_t now, const char *actor, const char *what,
			const char *target, const struct scope_account *a);

#endif

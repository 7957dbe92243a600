/* appointments_officer.h - officers answer appointment requests by SMS.
 *
 *   XN <pin> <id>                  confirm request <id>
 *   XN <pin> <id> KHONG            decline it (also TU CHOI, HUY)
 *   DOI <pin> <id> <date> <time>   move it (it is then confirmed)
 *
 * The PIN is checked by officers_authorize() (officers.h: lock-out,
 * masking, audit of refusals); a refused command gets its reason and
 * changes nothing. An appointment outside the officer's commune
 * (handlers/features/scope.h) is refused the same way ("Hen #12 khong thuoc
 * xa ban.", audited as scope_refused) and nothing of it is shown; one that
 * is theirs stays with the officer it is assigned to unless that officer is
 * of the same commune (appointments_set_status). Every change is audited with the officer's phone as
 * actor, the officer gets a short receipt and the household is told
 * (appointments_text.h). A move obeys the same rules as a household's
 * booking (open day, slot, capacity); when it cannot be had the officer
 * gets the reason and the nearest free slots.
 *
 * res->extra (simulate --json): "action" confirm, decline or move,
 * "date"/"time" (move: as read), "outcome" (confirmed, declined, moved,
 * refused, out_of_scope, usage, not_found, not_live, invalid_date or a verdict name)
 * and "appointment".
 */
#ifndef GW_APPOINTMENTS_OFFICER_H
#define GW_APPOINTMENTS_OFFICER_H

struct handler_req;
struct handler_result;

/* intent "officer_confirm" */
int appointments_officer_confirm(const struct handler_req *rq, struct handler_result *res);
/* intent "officer_move" */
int appointments_officer_move(const struct handler_req *rq, struct handler_result *res);

#endif

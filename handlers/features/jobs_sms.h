/* jobs_sms.h - the SMS commands about job offers.
 *
 * Households:
 *   VIEC [area] [type] [age, gender] [page]   current offers that fit,
 *       near the household first (its commune or a subscribed area among
 *       the offer's places), then the newest; one line each,
 *       "6. CN may - Tan Lap - 6-9tr", numbered by jobs.id (see jobs.h).
 *       Paged by whole lines within sms.max_parts: "VIEC may 2".
 *       res->extra: {"filters": {"area", "type", "age", "gender"},
 *       "jobs": [codes on this page], "page", "pages"}.
 *   DK VIEC [area|type]    subscribe to new offers (all, an area, a type);
 *       "DK VIEC 6" applies for offer 6 (referrals.h).
 * Officers (PIN, see officers.h):
 *   VIECMOI <pin> <title>; <place>; <wage>; <deadline>   post an offer
 *       (place "commune, district"; deadline dd/mm[/yyyy], default 30
 *       days; an optional fifth part is the contact). The router sends
 *       officer commands here only when a PIN-like number follows. An
 *       officer posts in their own commune only: the place's first part
 *       must be it (scope.h; "Tu choi: 'Tan Lap' khong thuoc xa ban").
 *   DONG <pin> <n>         close offer n (its own poster or an admin), in
 *       the officer's commune ("Viec so 7 khong thuoc xa ban.").
 * Refusals of scope are audited (scope_refused) and change nothing.
 */
#ifndef GW_JOBS_SMS_H
#define GW_JOBS_SMS_H

#include "handlers/core/request.h"

int jobs_sms_list(const struct handler_req *rq, struct handler_result *res);
int jobs_sms_subscribe(const struct handler_req *rq, struct handler_result *res);
int jobs_sms_post(const struct handler_req *rq, struct handler_result *res);
int jobs_sms_close(const struct handler_req *rq, struct handler_result *res);

#endif

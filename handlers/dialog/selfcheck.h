/* selfcheck.h - KT: "am I poor or near-poor?", a short dialog.
 *
 * The questions, in order, each skipped when already known:
 *   1. rural or urban ("1. Nong thon 2. Thanh thi");
 *   2. household size (only while the income is unknown or per household);
 *   3. total monthly income, as people write it (income_vi.h: 6tr, 2tr5,
 *      1.200.000, 1tr2/nguoi; a yearly amount is divided by 12);
 *   4. the deprivation questions of the standard in force (poverty.h), in
 *      plain words, 1 = yes / 2 = no (or co / khong), only while the
 *      income is at or below the line and only until the answer is
 *      settled (min_deprivations yes, or too few questions left).
 * A KT message that gives facts skips their questions: "KT nha 4 nguoi
 * thu nhap 1tr2/nguoi chua co bhyt" answers size, income and the health
 * insurance question (cue phrases of poverty_indicators), "thon"/"o xa"/
 * "nong thon" and "o phuong"/"thanh pho" the area.
 *
 * The answer names the likely category under the standard in force on
 * the message's (office) day, the programs it opens (poverty_benefits, as
 * CS codes), says that only the commune's review decides, and offers an
 * appointment to file the review form (menu node "selfcheck.book").
 * `0` on a question undoes the last answer given in the dialog.
 *
 * Frames (dialog_frame.h): {"t": "kt"} asks the next question, {"t": "ktres"}
 * shows the answer. Answers live in the session's "sc": {"area": 0|1|2,
 * "size": n, "inc": VND a month, "pp": per person, "hi": income known,
 * "yes"/"no": indicator bit masks, "h": answers given, for going back}.
 */
#ifndef GW_SELFCHECK_H
#define GW_SELFCHECK_H

#include <jansson.h>

#include "handlers/core/request.h"
#include "handlers/dialog/dialog_frame.h"

/* The eligibility intent, before any conversation: a question about one
 * named program without household facts is answered with that program's
 * "who qualifies" (*facts = NULL); otherwise *facts gets the facts the
 * message already gives (the session's "sc"), for dialog.c to start the
 * self-check with. */
int selfcheck_prepare(const struct handler_req *rq, struct handler_result *res, json_t **facts);

/* The self-check's frames (dialog_frame.h); open takes no key. */
extern const struct dialog_kind selfcheck_kind;

#endif

/* handler_result.h - what goes into and comes out of the handlers.
 *
 * A channel (SMS pipeline, USSD callback, web console, `gatewayctl
 * simulate`) hands the handlers a message (struct handler_msg) with the
 * database and settings (struct handler_env) and gets back the outbound
 * messages to queue (struct handler_result). The caller queues them in the
 * transaction it handled the message in.
 */
#ifndef GW_HANDLER_RESULT_H
#define GW_HANDLER_RESULT_H

#include <jansson.h>
#include <time.h>

#include "common/db.h"
#include "config/settings.h"

#define HANDLER_MAX_OUT 16
#define HANDLER_INTENT_MAX 32
#define HANDLER_REF_MAX 64

/* Outbound priorities: lower is sent first. Interactive replies always go
 * before broadcasts. */
enum handler_priority {
	HANDLER_PRIO_REPLY = 10,
	HANDLER_PRIO_NOTIFY = 20,
	HANDLER_PRIO_REMINDER = 30,
	HANDLER_PRIO_BROADCAST = 50,
};

enum handler_channel { HANDLER_CHANNEL_SMS = 0, HANDLER_CHANNEL_USSD = 1 };

struct handler_env {
	struct db *db;
	const struct gw_settings *cfg;
};

struct handler_msg {
	const char *phone;   /* sender, normalised "+84..." when possible */
	const char *text;    /* UTF-8 (validated by the caller) */
	time_t at;           /* arrival, UTC */
	enum handler_channel channel;
};

struct handler_out {
	char *phone;         /* malloc'd */
	char *text;          /* malloc'd, one SMS message (may be multipart) */
	const char *kind;    /* "reply", "notify", "reminder", "broadcast", "warning" */
	int priority;        /* enum handler_priority */
};

struct handler_result {
	char intent[HANDLER_INTENT_MAX]; /* policy, eligibility, job_list, job_apply,
					  * appointment, help, stop, start, unknown, ... */
	char ref[HANDLER_REF_MAX];       /* program code or job id the answer is about */
	struct handler_out out[HANDLER_MAX_OUT];
	size_t nout;
	json_t *extra;                   /* intent-specific facts for simulate --json
					  * (filters, action, date, time); may be NULL */
};

void handler_result_init(struct handler_result *res);
void handler_result_release(struct handler_result *res);

/* Add one outbound message (copies phone and text). */
int handler_result_add(struct handler_result *res, const char *phone, const char *text,
		       const char *kind, int priority);
/* Shorthand: a reply to the sender. */
int handler_reply(struct handler_result *res, const struct handler_msg *msg, const char *text);

#endif

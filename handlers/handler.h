/* handler.h - what the gateway does with one inbound message.
 *
 * handler_process() is the single entry point shared by every channel: the
 * SMS pipeline, `gatewayctl simulate`, and later USSD. It normalises the
 * text, routes it to a command or intent, runs that command against the
 * database it is handed, and returns the outbound messages to queue. It
 * runs inside the caller's transaction and never commits: the caller queues
 * the result and marks the inbound handled in the same transaction, so a
 * crash leaves either everything or nothing.
 *
 * handlers/ never includes gateway/: it gets a db connection, the settings
 * and the message's arrival time, nothing else.
 */
#ifndef GW_HANDLER_H
#define GW_HANDLER_H

#include <jansson.h>
#include <time.h>

#include "../common/db.h"
#include "../config/settings.h"

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

/* Process msg; res must be initialised. On failure res may hold partial
 * output that the caller must discard (with the rolled-back transaction). */
int handler_process(const struct handler_env *env, const struct handler_msg *msg,
		    struct handler_result *res);

#endif

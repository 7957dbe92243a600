/* handler.h - what the gateway does with one inbound message.
 *
 * The single entry point shared by every channel: handler_process() for
 * an SMS (the pipeline, the web console's manual answers, `gatewayctl
 * simulate`), handler_ussd() for one request of the operator's USSD
 * callback. They normalise the text, route it to a command, an intent or
 * an open conversation, run it against the database they are handed, and
 * return the outbound messages to queue. They run inside the caller's
 * transaction and never commit: the caller queues the result and marks the
 * inbound handled in the same transaction, so a crash leaves either
 * everything or nothing.
 *
 * handlers/ never includes gateway/: it gets a db connection, the settings
 * and the message's arrival time, nothing else.
 */
#ifndef GW_HANDLER_H
#define GW_HANDLER_H

#include "common/buf.h"
#include "common/db.h"
#include "handlers/core/handler_result.h"

/* Open the database at path (store_open: schema and forward migrations)
 * with what the handlers need on every connection: the SQL functions of
 * the scope rule (handlers/features/scope.h) and of the messages that
 * wait for an officer (handlers/features/attention.h). Every program opens the live
 * database with this, on every connection it uses. */
int handler_store_open(struct db **out, const char *path, int busy_timeout_ms) GW_WARN_UNUSED;

/* Process msg; res must be initialised. On failure res may hold partial
 * output that the caller must discard (with the rolled-back transaction). */
int handler_process(const struct handler_env *env, const struct handler_msg *msg,
		    struct handler_result *res);

/* One USSD request: msg->text is the operator's `text` field (every input
 * of the session joined by '*'), sid its sessionId. screen gets the text
 * to show (without "CON "/"END "), *end = 1 when the session closes with
 * it; SMS to send go into res (handlers/dialog/dialog.h). */
int handler_ussd(const struct handler_env *env, const struct handler_msg *msg, const char *sid,
		 struct buf *screen, int *end, struct handler_result *res);

#endif

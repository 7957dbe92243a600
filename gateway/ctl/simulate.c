/* gatewayctl simulate: one message through exactly the inbound handler
 * path, leaving no trace.
 *
 * The whole call is one transaction that is rolled back: whatever the
 * handlers write (a contact, a booking, an opt-out, a dialog's session, an
 * audit row) is seen by the handlers themselves and by nobody after, so an
 * administrator's test never takes a real slot from a household. A
 * conversation of several steps carries its state in a file instead
 * (--session FILE: the sms session of --from, loaded into the transaction
 * before the message and written back after it). --commit keeps the
 * changes, as the daemon would, and says so on stderr. */
#include <jansson.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/gw_err.h"
#include "gateway/ctl/ctl.h"
#include "handlers/core/reply.h"
#include "handlers/dialog/dialog_session.h"
#include "handlers/handler.h"
#include "handlers/vi/textfold.h"

static int print_result(const struct handler_result *res, const char *phone, int as_json)
{
	json_t *o = json_object(), *replies = json_array(), *messages = json_array();
	int total_parts = 0, any_ucs2 = 0, rc = 1;
	char *s = NULL;

	if (!o || !replies || !messages)
		goto out;
	for (size_t i = 0; i < res->nout; i++) {
		int parts = 0, ucs2 = 0;

		if (reply_measure(res->out[i].text, &parts, &ucs2) < 0)
			goto out;
		json_array_append_new(messages, json_pack("{s:s, s:s, s:s, s:i, s:s}", "to",
							  res->out[i].phone, "kind", res->out[i].kind,
							  "text", res->out[i].text, "parts", parts,
							  "encoding", ucs2 ? "ucs2" : "gsm7"));
		if (strcmp(res->out[i].phone, phone) != 0)
			continue;
		json_array_append_new(replies, json_string(res->out[i].text));
		total_parts += parts;
		any_ucs2 |= ucs2;
	}
	if (!as_json) {
		for (size_t i = 0; i < json_array_size(messages); i++) {
			json_t *m = json_array_get(messages, i);

			if (strcmp(json_string_value(json_object_get(m, "to")), phone) == 0)
				printf("%s\n", json_string_value(json_object_get(m, "text")));
			else
				printf("[%s to %s] %s\n", json_string_value(json_object_get(m, "kind")),
				       json_string_value(json_object_get(m, "to")),
				       json_string_value(json_object_get(m, "text")));
		}
		rc = 0;
		goto out;
	}
	json_object_set_new(o, "intent", json_string(res->intent));
	json_object_set_new(o, "ref", *res->ref ? json_string(res->ref) : json_null());
	json_object_set(o, "replies", replies);
	json_object_set_new(o, "parts", json_integer(total_parts));
	json_object_set_new(o, "encoding", json_string(any_ucs2 ? "ucs2" : "gsm7"));
	json_object_set(o, "messages", messages);
	if (res->extra)
		json_object_update_missing(o, res->extra);
	if (!(s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		goto out;
	printf("%s\n", s);
	rc = 0;
out:
	free(s);
	json_decref(o);
	json_decref(replies);
	json_decref(messages);
	return rc;
}

/* The session of --session FILE into the transaction, if the file holds
 * one for phone and it has not expired. */
static int session_in(struct db *db, const char *file, const char *phone, time_t at)
{
	json_error_t err;
	json_t *f = json_load_file(file, 0, &err), *state;
	const char *who;
	json_int_t expires;
	int r = 0;

	if (!f) /* none yet: a new conversation */
		goto out;
	who = json_string_value(json_object_get(f, "phone"));
	state = json_object_get(f, "state");
	expires = json_integer_value(json_object_get(f, "expires_at"));
	if (!who || strcmp(who, phone) != 0) {
		fprintf(stderr, "gatewayctl: %s holds another number's conversation: starting afresh\n", file);
		goto out;
	}
	if (json_is_object(state) && expires > (json_int_t)at)
		r = dialog_session_save(db, phone, 0, state, at, (int)(expires - (json_int_t)at));
out:
	json_decref(f);
	return r;
}

/* The session the message left, out to FILE (written whole, then renamed). */
static int session_out(struct db *db, const char *file, const char *phone, time_t at)
{
	json_t *state = NULL, *f = NULL;
	struct buf tmp;
	sqlite3_stmt *st;
	int64_t expires = 0;
	int expired = 0, r;

	buf_init(&tmp, 4096);
	if ((r = dialog_session_load(db, phone, 0, at, &state, &expired)) < 0)
		goto out;
	if (state && !expired && db_row(db, "SELECT expires_at FROM sessions WHERE phone = ? AND"
					    " channel = 'sms'", DB_ARGS(DB_TEXT(phone)), &st) == 0) {
		expires = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	r = GW_ERR_NOMEM;
	if (!(f = json_pack("{s:s, s:I, s:O?}", "phone", phone, "expires_at", (json_int_t)expires, "state",
			    expires ? state : NULL)))
		goto out;
	r = GW_ERR_IO;
	if (buf_addf(&tmp, "%s.tmp", file) < 0 || json_dump_file(f, tmp.data, JSON_COMPACT) != 0 ||
	    rename(tmp.data, file) != 0) {
		fprintf(stderr, "gatewayctl: cannot write %s\n", file);
		goto out;
	}
	r = 0;
out:
	json_decref(state);
	json_decref(f);
	buf_release(&tmp);
	return r;
}

int ctl_cmd_simulate(struct ctl *c, int argc, char **argv)
{
	static const char usage[] =
		"usage: gatewayctl simulate [--from PHONE] [--at 'YYYY-MM-DD HH:MM'] [--json]\n"
		"                           [--session FILE] [--commit] TEXT\n"
		"  nothing is kept: the call is one transaction, rolled back; --session FILE\n"
		"  carries a conversation between calls; --commit keeps the changes (live data!)\n";
	const char *from = "+84900000001", *at_text = NULL, *session = NULL;
	int as_json = 0, commit = 0, first, r, rc = 1;
	const struct ctl_opt opts[] = {
		CTL_STRING('f', "from", &from), CTL_STRING('a', "at", &at_text),
		CTL_FLAG('j', "json", &as_json), CTL_STRING('s', "session", &session),
		CTL_FLAG(0, "commit", &commit), CTL_END,
	};
	struct handler_result res;
	struct handler_msg msg;
	struct handler_env env;
	struct db *db = NULL;
	char phone[32];
	time_t at = time(NULL);

	handler_result_init(&res);
	if ((first = ctl_options(c, argc, argv, opts)) < 0)
		return ctl_usage(usage);
	if (at_text && gw_parse_local(at_text, c->cfg.office.utc_offset_min, &at) < 0) {
		fprintf(stderr, "gatewayctl: --at wants 'YYYY-MM-DD HH:MM', got '%s'\n", at_text);
		return 2;
	}
	if (first != argc - 1)
		return ctl_usage(usage);
	if (ctl_phone(from, phone, sizeof(phone)) < 0)
		return 2;
	if (!textfold_utf8_valid(argv[first], strlen(argv[first]))) {
		fprintf(stderr, "gatewayctl: the text is not valid UTF-8\n");
		return 2;
	}
	if (ctl_open_db(c, &db) < 0)
		goto out;
	memset(&msg, 0, sizeof(msg));
	msg.phone = phone;
	msg.text = argv[first];
	msg.at = at;
	msg.channel = HANDLER_CHANNEL_SMS;
	env.db = db;
	env.cfg = &c->cfg;
	/* The daemon's transaction shape, rolled back unless --commit; nothing
	 * is queued for the modem either way. */
	if (commit)
		fprintf(stderr, "gatewayctl: simulate --commit: this message's changes (contacts, bookings,"
				" opt-outs, sessions, audit) are written to the LIVE database %s\n",
			c->cfg.database.path);
	if ((r = db_begin(db)) < 0)
		goto out;
	if ((session && (r = session_in(db, session, phone, at)) < 0) ||
	    (r = handler_process(&env, &msg, &res)) < 0 ||
	    (session && (r = session_out(db, session, phone, at)) < 0) || (commit && (r = db_commit(db)) < 0)) {
		db_rollback(db);
		fprintf(stderr, "gatewayctl: handling failed: %s\n", gw_strerror(r));
		goto out;
	}
	db_rollback(db); /* no trace (after --commit there is nothing left to roll back) */
	rc = print_result(&res, phone, as_json);
out:
	handler_result_release(&res);
	db_close(db);
	return rc;
}

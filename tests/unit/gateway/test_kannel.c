/* test_kannel.c - the Kannel transport's pieces without a network:
 * decoding what smsbox sends (charsets, times, senders, reports), the
 * sendsms request we build and how its answers are read, storing an MO
 * once per Kannel id, and the rule that sends an answer in doubt again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/buf.h"
#include "common/gw_err.h"
#include "config/settings.h"
#include "gateway/kannel/kannel_doubt.h"
#include "gateway/kannel/kannel_req.h"
#include "gateway/kannel/kannel_send.h"
#include "gateway/kannel/kannel_store.h"
#include "gateway/outbox.h"

#define F(s) ((struct kannel_field){ (s), sizeof(s) - 1 })
#define NONE ((struct kannel_field){ NULL, 0 })

static const char vi_utf8[] = "T\xc3\xb4i mu\xe1\xbb\x91n h\xe1\xbb\x8fi"; /* Tôi muốn hỏi */
static const char vi_utf16[] = "\x00T\x00\xf4\x00i\x00 \x00m\x00u\x1e\xd1\x00n\x00 \x00h\x1e\xcf\x00i";

static void test_text_charsets(void **state)
{
	struct buf b;

	buf_init(&b, 1024);
	assert_int_equal(kannel_text_utf8(&b, vi_utf8, strlen(vi_utf8), "UTF-8", 0), 0);
	assert_string_equal(b.data, vi_utf8);
	buf_reset(&b);
	assert_int_equal(kannel_text_utf8(&b, vi_utf16, sizeof(vi_utf16) - 1, "UTF-16BE", 2), 0);
	assert_string_equal(b.data, vi_utf8);
	/* a joined UCS-2 message as 8-bit data (the fake SMSC's UDH parts) */
	buf_reset(&b);
	assert_int_equal(kannel_text_utf8(&b, vi_utf16, sizeof(vi_utf16) - 1, "8-BIT", 1), 0);
	assert_string_equal(b.data, vi_utf8);
	/* no charset, coding 2: UCS-2 */
	buf_reset(&b);
	assert_int_equal(kannel_text_utf8(&b, vi_utf16, sizeof(vi_utf16) - 1, "", 2), 0);
	assert_string_equal(b.data, vi_utf8);
	buf_reset(&b);
	assert_int_equal(kannel_text_utf8(&b, "caf\xe9", 4, "ISO-8859-1", 0), 0);
	assert_string_equal(b.data, "caf\xc3\xa9");
	/* a surrogate pair: U+1F600 */
	buf_reset(&b);
	assert_int_equal(kannel_text_utf8(&b, "\xd8\x3d\xde\x00", 4, "UTF-16BE", 2), 0);
	assert_string_equal(b.data, "\xf0\x9f\x98\x80");
	/* not text: stays empty */
	buf_reset(&b);
	assert_int_equal(kannel_text_utf8(&b, "\x01\x02\xff", 3, "8-BIT", 1), GW_ERR_INVAL);
	assert_int_equal(b.len, 0);
	assert_int_equal(kannel_text_utf8(&b, "\xff\xfe", 2, "UTF-8", 0), GW_ERR_INVAL);
	assert_int_equal(kannel_text_utf8(&b, "\xd8\x3d", 2, "UTF-16BE", 2), GW_ERR_INVAL); /* lone */
	assert_int_equal(kannel_text_utf8(&b, "\x00", 1, "UTF-16BE", 2), GW_ERR_INVAL);    /* odd */
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void test_time(void **state)
{
	time_t t = 0;

	assert_int_equal(kannel_parse_time("2026-12-07 03:35:58", 19, &t), 0);
	assert_int_equal((long long)t, 1796614558LL);
	assert_int_equal(kannel_parse_time("1796614558", 10, &t), 0);
	assert_int_equal((long long)t, 1796614558LL);
	assert_int_equal(kannel_parse_time("yesterday", 9, &t), GW_ERR_INVAL);
	assert_int_equal(kannel_parse_time("2026-12-07", 10, &t), GW_ERR_INVAL);
	assert_int_equal(kannel_parse_time(NULL, 0, &t), GW_ERR_INVAL);
}

static void test_mo_decode(void **state)
{
	struct kannel_mo_raw raw = { .from = F("84901234567"), .to = F("8100"),
				     .text = { vi_utf16, sizeof(vi_utf16) - 1 }, .id = F("09b0e70d-1"),
				     .smsc = F("smpp-vt"), .charset = F("UTF-16BE"), .coding = F("2"),
				     .time = F("2026-12-07 03:35:58") };
	struct kannel_mo m;
	const char *why = NULL;

	kannel_mo_init(&m);
	assert_int_equal(kannel_mo_decode(&raw, &m, &why), 0);
	assert_string_equal(m.from, "+84901234567"); /* our one form of a number */
	assert_string_equal(m.to, "8100");
	assert_string_equal(m.id, "09b0e70d-1");
	assert_string_equal(m.smsc, "smpp-vt");
	assert_string_equal(m.text.data, vi_utf8);
	assert_int_equal((long long)m.sent_at, 1796614558LL);
	assert_false(m.malformed);
	/* a name as sender stays as it is; undecodable text is malformed, not an error */
	raw.from = F("VIETTEL");
	raw.text = F("\x01\x02\xff");
	raw.charset = F("8-BIT");
	raw.coding = F("1");
	raw.time = F("garbage");
	assert_int_equal(kannel_mo_decode(&raw, &m, &why), 0);
	assert_string_equal(m.from, "VIETTEL");
	assert_true(m.malformed);
	assert_int_equal((long long)m.sent_at, 0);
	/* no id: still stored (a warning is logged by the server) */
	raw.id = NONE;
	raw.text = F("HD");
	raw.charset = F("UTF-8");
	assert_int_equal(kannel_mo_decode(&raw, &m, &why), 0);
	assert_string_equal(m.id, "");
	assert_string_equal(m.text.data, "HD");
	/* what can never be stored */
	raw.from = NONE;
	assert_int_equal(kannel_mo_decode(&raw, &m, &why), GW_ERR_INVAL);
	assert_string_equal(why, "missing from");
	raw.from = F("+84 901");
	assert_int_equal(kannel_mo_decode(&raw, &m, &why), GW_ERR_INVAL);
	assert_string_equal(why, "bad from");
	raw.from = F("+84901234567");
	raw.id = F("an id with spaces");
	assert_int_equal(kannel_mo_decode(&raw, &m, &why), GW_ERR_INVAL);
	assert_string_equal(why, "bad id");
	kannel_mo_release(&m);
}

static void test_dlr_decode(void **state)
{
	struct kannel_dlr_raw raw = { .outbox = F("4711"), .type = F("1"),
				      .reply = F("id:7 sub:001 dlvrd:001 stat:DELIVRD\n"),
				      .time = F("1796614558") };
	struct kannel_dlr d;
	const char *why = NULL;
	char long_reply[400];

	assert_int_equal(kannel_dlr_decode(&raw, &d, &why), 0);
	assert_int_equal(d.outbox_id, 4711);
	assert_int_equal(d.state, OUTBOX_DLR_DELIVERED);
	assert_int_equal((long long)d.at, 1796614558LL);
	assert_string_equal(d.reply, "id:7 sub:001 dlvrd:001 stat:DELIVRD "); /* no control chars */
	assert_int_equal(kannel_dlr_state(2), OUTBOX_DLR_FAILED);
	assert_int_equal(kannel_dlr_state(4), OUTBOX_DLR_BUFFERED);
	assert_int_equal(kannel_dlr_state(8), OUTBOX_DLR_SUBMITTED);
	assert_int_equal(kannel_dlr_state(16), OUTBOX_DLR_FAILED);
	assert_int_equal(kannel_dlr_state(3), 0);
	/* a long reply is cut, never inside a UTF-8 character */
	memset(long_reply, 'a', sizeof(long_reply));
	memcpy(long_reply + 254, "\xc3\xa9", 2);
	raw.reply = (struct kannel_field){ long_reply, sizeof(long_reply) };
	assert_int_equal(kannel_dlr_decode(&raw, &d, &why), 0);
	assert_int_equal(strlen(d.reply), 254);
	raw.type = F("3");
	assert_int_equal(kannel_dlr_decode(&raw, &d, &why), GW_ERR_INVAL);
	raw.type = F("1");
	raw.outbox = F("0");
	assert_int_equal(kannel_dlr_decode(&raw, &d, &why), GW_ERR_INVAL);
	raw.outbox = F("12x");
	assert_int_equal(kannel_dlr_decode(&raw, &d, &why), GW_ERR_INVAL);
	raw.outbox = NONE;
	assert_int_equal(kannel_dlr_decode(&raw, &d, &why), GW_ERR_INVAL);
	assert_string_equal(why, "missing or bad outbox");
}

static void kannel_cfg(struct gw_settings *cfg)
{
	settings_defaults(cfg);
	gw_strlcpy(cfg->transport, "kannel", sizeof(cfg->transport));
	gw_strlcpy(cfg->kannel.password, "p&w d", sizeof(cfg->kannel.password));
	gw_strlcpy(cfg->kannel.from, "1022", sizeof(cfg->kannel.from));
	cfg->kannel.port = 8082;
}

static void test_send_url(void **state)
{
	struct gw_settings cfg;
	struct buf url;

	kannel_cfg(&cfg);
	buf_init(&url, 8192);
	assert_int_equal(kannel_send_url(&url, &cfg, "+84901234567", "Xin ch\xc3\xa0o", 1, 42), 0);
	assert_string_equal(url.data,
			    "http://127.0.0.1:13013/cgi-bin/sendsms?username=gw&password=p%26w%20d"
			    "&from=1022&to=%2B84901234567&text=Xin%20ch%C3%A0o&charset=UTF-8&coding=2"
			    "&dlr-mask=31&dlr-url=http%3A%2F%2F127.0.0.1%3A8082%2Fkannel%2Fdlr%3Foutbox"
			    "%3D42%26type%3D%25d%26reply%3D%25A%26time%3D%25T");
	/* GSM-7: no coding; no outbox id or no mask: no report asked for; an
	 * empty from leaves it to smsbox's global-sender; a callback_url wins */
	cfg.kannel.from[0] = '\0';
	assert_int_equal(kannel_send_url(&url, &cfg, "+849", "HD", 0, 0), 0);
	assert_string_equal(url.data, "http://127.0.0.1:13013/cgi-bin/sendsms?username=gw"
				      "&password=p%26w%20d&to=%2B849&text=HD&charset=UTF-8");
	gw_strlcpy(cfg.kannel.callback_url, "http://gw.example:9000/", sizeof(cfg.kannel.callback_url));
	cfg.kannel.dlr_mask = 19;
	assert_int_equal(kannel_send_url(&url, &cfg, "+849", "HD", 0, 7), 0);
	assert_non_null(strstr(url.data, "&dlr-mask=19&dlr-url=http%3A%2F%2Fgw.example%3A9000"
					 "%2Fkannel%2Fdlr%3Foutbox%3D7%26"));
	cfg.kannel.dlr_mask = 0;
	assert_int_equal(kannel_send_url(&url, &cfg, "+849", "HD", 0, 7), 0);
	assert_null(strstr(url.data, "dlr"));
	/* an IPv6 listen address is bracketed */
	cfg.kannel.dlr_mask = 31;
	cfg.kannel.callback_url[0] = '\0';
	gw_strlcpy(cfg.kannel.listen, "::1", sizeof(cfg.kannel.listen));
	assert_int_equal(kannel_send_url(&url, &cfg, "+849", "HD", 0, 7), 0);
	assert_non_null(strstr(url.data, "dlr-url=http%3A%2F%2F%5B%3A%3A1%5D%3A8082%2F"));
	buf_release(&url);
}

static void test_send_answer(void **state)
{
	assert_int_equal(kannel_send_answer(202, "0: Accepted for delivery"), 0);
	assert_int_equal(kannel_send_answer(202, "3: Queued for later delivery"), 0);
	assert_int_equal(kannel_send_answer(200, "Sent."), 0);
	assert_int_equal(kannel_send_answer(400, "Empty receiver number not allowed, rejected"),
			 GW_ERR_SEND_PERM);
	assert_int_equal(kannel_send_answer(403, "Authorization failed for sendsms"), GW_ERR_AUTH);
	assert_int_equal(kannel_send_answer(404, ""), GW_ERR_CONFIG);
	assert_int_equal(kannel_send_answer(503, "Temporal failure, try again later."), GW_ERR_BUSY);
	assert_int_equal(kannel_send_answer(500, ""), GW_ERR_MODEM_GONE);
	assert_int_equal(kannel_send_answer(302, ""), GW_ERR_MODEM_GONE);
}

FIXTURE_DB_STATE("gwkannel", 1000, 0)

static void test_store_mo_once(void **state)
{
	struct fx *f = *state;
	struct kannel_mo m;
	int stored = -1;

	kannel_mo_init(&m);
	gw_strlcpy(m.from, "+84901234567", sizeof(m.from));
	gw_strlcpy(m.id, "k-1", sizeof(m.id));
	assert_int_equal(buf_adds(&m.text, vi_utf8), 0);
	assert_int_equal(kannel_store_mo(f->db, &m, 5000, &stored), 0);
	assert_int_equal(stored, 1);
	assert_int_equal(kannel_store_mo(f->db, &m, 5001, &stored), 0);
	assert_int_equal(stored, 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM inbox WHERE external_id = 'k-1'"
				      " AND status = 'new' AND sent_at = 5000 AND stored_at = 5000"), 1);
	/* without an id nothing can tell a repeat: each is stored */
	m.id[0] = '\0';
	assert_int_equal(kannel_store_mo(f->db, &m, 5002, &stored), 0);
	assert_int_equal(kannel_store_mo(f->db, &m, 5003, &stored), 0);
	assert_int_equal(stored, 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM inbox WHERE external_id IS NULL"), 2);
	/* malformed: recorded as skipped, never answered */
	gw_strlcpy(m.id, "k-2", sizeof(m.id));
	m.malformed = 1;
	m.sent_at = 4000;
	assert_int_equal(kannel_store_mo(f->db, &m, 5004, &stored), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM inbox WHERE external_id = 'k-2'"
				      " AND status = 'skipped' AND error = 'malformed message'"
				      " AND text = '' AND sent_at = 4000 AND handled_at = 5004"), 1);
	kannel_mo_release(&m);
}

static int64_t add_outbox(struct db *db, const char *phone, const char *kind, const char *status,
			  int64_t sent_at, const char *dlr, int64_t dlr_at)
{
	assert_int_equal(db_run(db, "INSERT INTO outbox (phone, text, kind, priority, status,"
				    " created_at, sent_at, dlr, dlr_at) VALUES (?, 'x', ?, 10, ?, 1, ?, ?, ?)",
				DB_ARGS(DB_TEXT(phone), DB_TEXT(kind), DB_TEXT(status),
					sent_at ? DB_INT(sent_at) : DB_NULL, DB_TEXT(dlr),
					dlr_at ? DB_INT(dlr_at) : DB_NULL)), 0);
	return db_last_id(db);
}

static void test_store_dlr(void **state)
{
	struct fx *f = *state;
	struct kannel_dlr d = { .type = 8, .state = OUTBOX_DLR_SUBMITTED, .at = 0 };
	int settled = -1;

	d.outbox_id = add_outbox(f->db, "+849", "reply", "sent_unknown", 0, "", 0);
	assert_int_equal(kannel_store_dlr(f->db, &d, 6000, &settled), 0);
	assert_int_equal(settled, 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE status = 'sent'"
				      " AND dlr = 'submitted' AND dlr_at = 6000"), 1);
	d.outbox_id = 99999;
	assert_int_equal(kannel_store_dlr(f->db, &d, 6000, &settled), GW_ERR_NOTFOUND);
}

static void test_doubt_resend(void **state)
{
	struct fx *f = *state;
	struct gw_settings cfg;
	int64_t reply, bcast, reported;
	int resent = -1;

	kannel_cfg(&cfg);
	cfg.kannel.resend_unknown_after_s = 60;
	/* in doubt since a crash before the daemon started at 1000 */
	reply = add_outbox(f->db, "+8491", "reply", "sent_unknown", 0, "", 0);
	bcast = add_outbox(f->db, "+8492", "broadcast", "sent_unknown", 0, "", 0);
	reported = add_outbox(f->db, "+8493", "reply", "sent_unknown", 0, "delivered", 990);
	/* nothing sent since the start: the SMSC may be down, wait */
	assert_int_equal(kannel_doubt_resend(f->db, &cfg, 1000, 2000, &resent), 0);
	assert_int_equal(resent, 0);
	/* one sent since, its report 30 s old: too early */
	add_outbox(f->db, "+8494", "reply", "sent", 1010, "delivered", 1011);
	assert_int_equal(kannel_doubt_resend(f->db, &cfg, 1000, 1041, &resent), 0);
	assert_int_equal(resent, 0);
	/* 60 s: the in-doubt answer is queued again; not the broadcast, not
	 * the one with a report */
	assert_int_equal(kannel_doubt_resend(f->db, &cfg, 1000, 1071, &resent), 0);
	assert_int_equal(resent, 1);
	{
		sqlite3_stmt *st;

		assert_int_equal(db_row(f->db, "SELECT (SELECT status FROM outbox WHERE id = ?1),"
					       " (SELECT status FROM outbox WHERE id = ?2),"
					       " (SELECT status FROM outbox WHERE id = ?3)",
					DB_ARGS(DB_INT(reply), DB_INT(bcast), DB_INT(reported)), &st), 0);
		assert_string_equal(db_col_text(st, 0), "queued");
		assert_string_equal(db_col_text(st, 1), "sent_unknown");
		assert_string_equal(db_col_text(st, 2), "sent_unknown");
		sqlite3_reset(st);
	}
	/* counted as a resend, its wait over */
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE resends = 1"
				      " AND unknown_at IS NULL AND status = 'queued'"), 1);
	/* a mask without a report for every message, or another transport: never */
	assert_int_equal(db_run(f->db, "UPDATE outbox SET status = 'sent_unknown' WHERE id = ?",
				DB_ARGS(DB_INT(reply))), 0);
	cfg.kannel.dlr_mask = 4;
	assert_int_equal(kannel_doubt_resend(f->db, &cfg, 1000, 1071, &resent), 0);
	assert_int_equal(resent, 0);
	cfg.kannel.dlr_mask = 31;
	gw_strlcpy(cfg.transport, "modem", sizeof(cfg.transport));
	assert_int_equal(kannel_doubt_resend(f->db, &cfg, 1000, 1071, &resent), 0);
	assert_int_equal(resent, 0);
}

/* A sendsms whose answer was lost leaves its row in doubt while the daemon
 * runs: only reports of rows sent after that say reports flow. */
static void test_doubt_mid_run(void **state)
{
	struct fx *f = *state;
	struct gw_settings cfg;
	int64_t lost;
	int resent = -1;

	kannel_cfg(&cfg);
	cfg.kannel.resend_unknown_after_s = 60;
	assert_true(kannel_doubt_settles(&cfg));
	add_outbox(f->db, "+8491", "reply", "sent", 1010, "delivered", 1011);
	lost = add_outbox(f->db, "+8492", "reply", "sent_unknown", 0, "", 0);
	assert_int_equal(db_run(f->db, "UPDATE outbox SET unknown_at = 1500 WHERE id = ?",
				DB_ARGS(DB_INT(lost))), 0);
	/* an earlier row's old report proves nothing about this one */
	assert_int_equal(kannel_doubt_resend(f->db, &cfg, 1000, 1600, &resent), 0);
	assert_int_equal(resent, 0);
	add_outbox(f->db, "+8493", "reply", "sent", 1510, "delivered", 1512);
	assert_int_equal(kannel_doubt_resend(f->db, &cfg, 1000, 1560, &resent), 0);
	assert_int_equal(resent, 0);
	assert_int_equal(kannel_doubt_resend(f->db, &cfg, 1000, 1572, &resent), 0);
	assert_int_equal(resent, 1);
	assert_int_equal(fixture_int(f->db, "SELECT resends FROM outbox WHERE phone = '+8492'"
				      " AND status = 'queued'"), 1);
	/* without a report for every message nothing settles a doubt */
	cfg.kannel.dlr_mask = 4;
	assert_false(kannel_doubt_settles(&cfg));
	cfg.kannel.dlr_mask = 31;
	cfg.kannel.resend_unknown_after_s = 0;
	assert_false(kannel_doubt_settles(&cfg));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_charsets),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_mo_decode),
		cmocka_unit_test(test_dlr_decode),
		cmocka_unit_test(test_send_url),
		cmocka_unit_test(test_send_answer),
		cmocka_unit_test_setup_teardown(test_store_mo_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_dlr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doubt_resend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doubt_mid_run, setup, teardown),
	};
	return cmocka_run_group_tests_name("kannel", tests, NULL, NULL);
}

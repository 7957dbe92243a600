/* Unit tests: handlers/broadcast (who gets a broadcast, opt-outs, no
 * duplicates, quiet hours, progress and ETA), the officer's TB command,
 * and gateway/sender's broadcast rules (quiet hours, daily cap, opt-out
 * after queueing, GW_FAKE_NOW) over a recording fake modem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "common/db.h"
#include "common/gw_err.h"
#include "gateway/daemon/link.h"
#include "gateway/daemon/sender.h"
#include "handlers/features/broadcast.h"
#include "handlers/features/officers.h"
#include "handlers/handler.h"

#define A "+84913000001" /* may, tan lap */
#define B "+84913000002" /* everything; lives in Tan Lap */
#define C "+84913000003" /* xkld, song lo */
#define D "+84913000004" /* may, opted out */
#define E "+84913000005" /* hai phong */

struct fake_modem {
	int sent;
	char phones[64][32];
};

struct fx {
	struct fixture fx;
	struct db *db;
	struct gw_settings cfg;
	struct modem modem;
	struct fake_modem fm;
	struct link link;
};

static int f_open(struct modem *m)
{
	(void)m;
	return 0;
}

static void f_close(struct modem *m)
{
	(void)m;
}

static int f_send(struct modem *m, const char *phone, const char *text,
		  const struct modem_send_req *req, struct modem_sent *out)
{
	struct fake_modem *fm = m->priv;

	(void)text;
	(void)req;
	if (fm->sent < 64)
		snprintf(fm->phones[fm->sent], sizeof(fm->phones[0]), "%s", phone);
	fm->sent++;
	out->parts = 1;
	out->total = 1;
	out->ref = 0;
	out->ucs2 = 0;
	out->network_error = 0;
	return 0;
}

static const struct modem_ops fake_ops = { .name = "fake", .open = f_open, .close = f_close,
					    .send = f_send };

static time_t office(int y, int mo, int d, int h, int mi)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return timegm(&tm) - 7 * 3600;
}

static void exec(struct fx *f, const char *sql)
{
	assert_int_equal(db_exec(f->db, sql), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	unsetenv("GW_FAKE_NOW");
	f->db = fixture_open(&f->fx, "gwbc", 1000, FIXTURE_LEXICON | FIXTURE_JOBS);
	settings_defaults(&f->cfg);
	exec(f, "INSERT INTO contacts (phone, opted_out, created_at, last_seen) VALUES"
		" ('" A "', 0, 1, 1), ('" B "', 0, 1, 1), ('" C "', 0, 1, 1), ('" D "', 1, 1, 1),"
		" ('" E "', 0, 1, 1); UPDATE contacts SET commune = 'xã Tân Lập' WHERE phone = '" B "';"
		"INSERT INTO subscriptions (phone, area, job_type, created_at) VALUES"
		" ('" A "', 'tan lap', 'may', 1), ('" B "', '', '', 1), ('" C "', 'song lo', 'xkld', 1),"
		" ('" D "', '', 'may', 1), ('" E "', 'hai phong', '', 1), ('" A "', '', 'may', 1)");
	assert_int_equal(officers_add(f->db, "+84911000001", "An", "officer", "Tan Lap", "123456",
				      OFFICERS_HASH_MIN, "test", 1), 0);
	f->modem.ops = &fake_ops;
	f->modem.priv = &f->fm;
	link_init(&f->link, &f->modem, &f->cfg.modems[0], f->db);
	assert_int_equal(link_register_all(f->db, &f->cfg), 0);
	exec(f, "UPDATE modem_status SET connected = 1"); /* as link_ready records it */
	f->link.connected = 1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	unsetenv("GW_FAKE_NOW");
	fixture_close(&f->fx, f->db);
	free(f);
	return 0;
}

static int queue_job(struct fx *f, int64_t job, time_t now, int64_t *id)
{
	int n = -1;

	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(broadcast_queue_job(f->db, &f->cfg, job, "", "", NULL, "test", now, id, &n), 0);
	assert_int_equal(db_commit(f->db), 0);
	return n;
}

static int queue_notice(struct fx *f, const char *places, const char *types, time_t now)
{
	struct broadcast_spec s = { "test", 0, "TB: hop dan", "", "", places, types, NULL };
	int64_t id = 0;
	int n = -1;

	assert_int_equal(broadcast_queue(f->db, &s, now, &id, &n), 0);
	return n;
}

static void test_quiet_hours(void **state)
{
	struct gw_settings cfg;

	(void)state;
	settings_defaults(&cfg); /* 21:00-07:00, UTC+7 */
	assert_true(broadcast_quiet(&cfg, office(2027, 1, 15, 22, 0)));
	assert_true(broadcast_quiet(&cfg, office(2027, 1, 15, 6, 59)));
	assert_true(broadcast_quiet(&cfg, office(2027, 1, 15, 21, 0)));
	assert_false(broadcast_quiet(&cfg, office(2027, 1, 15, 7, 0)));
	assert_false(broadcast_quiet(&cfg, office(2027, 1, 15, 20, 59)));
	assert_int_equal(broadcast_allowed_from(&cfg, office(2027, 1, 15, 22, 0)),
			 office(2027, 1, 16, 7, 0));
	assert_int_equal(broadcast_allowed_from(&cfg, office(2027, 1, 16, 3, 0)),
			 office(2027, 1, 16, 7, 0));
	assert_int_equal(broadcast_allowed_from(&cfg, office(2027, 1, 16, 12, 0)),
			 office(2027, 1, 16, 12, 0));
	assert_int_equal(broadcast_day_start(&cfg, office(2027, 1, 16, 3, 0)), office(2027, 1, 16, 0, 0));
	/* two hours of sending from 20:00: one tonight, one tomorrow from 07:00 */
	assert_int_equal(broadcast_finish_time(&cfg, office(2027, 1, 15, 20, 0), 7200),
			 office(2027, 1, 16, 8, 0));
	snprintf(cfg.broadcast.quiet_start, sizeof(cfg.broadcast.quiet_start), "12:00");
	snprintf(cfg.broadcast.quiet_end, sizeof(cfg.broadcast.quiet_end), "13:30");
	assert_true(broadcast_quiet(&cfg, office(2027, 1, 15, 12, 30)));
	assert_false(broadcast_quiet(&cfg, office(2027, 1, 15, 13, 30)));
	assert_false(broadcast_quiet(&cfg, office(2027, 1, 15, 23, 0)));
	snprintf(cfg.broadcast.quiet_end, sizeof(cfg.broadcast.quiet_end), "12:00");
	assert_false(broadcast_quiet(&cfg, office(2027, 1, 15, 12, 0))); /* none */
}

/* broadcast_eta: the pace, the quiet hours, the household cap and a SIM's
 * limits each move the finish. */
static void test_eta(void **state)
{
	struct gw_settings cfg;
	struct broadcast_load l;
	struct broadcast_eta e;
	struct broadcast_sim sim;

	(void)state;
	settings_defaults(&cfg); /* quiet 21:00-07:00 */
	memset(&l, 0, sizeof(l));
	l.messages = 120;
	l.per_min = 20;
	assert_int_equal(broadcast_eta(&cfg, office(2027, 1, 15, 10, 0), &l, &e), 0);
	assert_int_equal(e.finish, office(2027, 1, 15, 10, 6));
	assert_int_equal(e.days, 1);
	assert_false(e.quiet);
	/* from 20:55: 100 tonight, 20 from 07:00 */
	assert_int_equal(broadcast_eta(&cfg, office(2027, 1, 15, 20, 55), &l, &e), 0);
	assert_int_equal(e.finish, office(2027, 1, 16, 7, 1));
	assert_true(e.quiet);
	assert_int_equal(e.days, 2);
	/* two recipients had today's broadcast: theirs go tomorrow at 07:00 */
	l.messages = 5;
	l.deferred = 2;
	assert_int_equal(broadcast_eta(&cfg, office(2027, 1, 15, 10, 0), &l, &e), 0);
	assert_true(e.capped);
	assert_int_equal(e.finish, office(2027, 1, 16, 7, 0) + 6);
	/* a SIM that sends 3 identical messages in 5 minutes: 10 take 15 */
	memset(&sim, 0, sizeof(sim));
	sim.same_per_5min = 3;
	l.messages = 10;
	l.deferred = 0;
	l.nsims = 1;
	l.sims = &sim;
	assert_int_equal(broadcast_eta(&cfg, office(2027, 1, 15, 10, 0), &l, &e), 0);
	assert_true(e.sim_limited);
	assert_int_equal(e.finish, office(2027, 1, 15, 10, 15) + 3);
	/* ... and 100 a day, 99 already gone: 1 today, 2 tomorrow */
	memset(&sim, 0, sizeof(sim));
	sim.per_day = 100;
	sim.sent_today = 99;
	l.messages = 3;
	assert_int_equal(broadcast_eta(&cfg, office(2027, 1, 15, 10, 0), &l, &e), 0);
	assert_int_equal(e.finish, office(2027, 1, 16, 7, 0) + 6);
	assert_int_equal(e.days, 2);
	/* what is ahead counts against the pace */
	l.nsims = 0;
	l.ahead = 60;
	l.messages = 60;
	assert_int_equal(broadcast_eta(&cfg, office(2027, 1, 15, 10, 0), &l, &e), 0);
	assert_int_equal(e.finish, office(2027, 1, 15, 10, 6));
	l.per_min = 0;
	assert_int_equal(broadcast_eta(&cfg, office(2027, 1, 15, 10, 0), &l, &e), GW_ERR_INVAL);
}

static void test_who_gets_it(void **state)
{
	struct fx *f = *state;
	time_t now = office(2027, 1, 15, 10, 0);
	int64_t id = 0, again = 0;

	/* job 6: sewing in Tan Lap (Song Lo) */
	assert_int_equal(queue_job(f, 6, now, &id), 2);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE kind = 'broadcast' AND priority = 50"
				  " AND phone IN ('" A "', '" B "')"), 2);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE phone = '" D "'"), 0); /* opted out */
	assert_int_equal(fixture_int(f->db, "SELECT recipients FROM broadcasts WHERE id = 1"), 2);
	/* the same offer again: nobody gets it twice */
	assert_int_equal(queue_job(f, 6, now, &again), 0);
	/* job 14 (xkld, Vinh Yen): B only; C wants xkld but in Song Lo */
	assert_int_equal(queue_job(f, 14, now, &id), 1);
	assert_int_equal(queue_notice(f, "|tan lap|", NULL, now), 2);      /* A, B */
	assert_int_equal(queue_notice(f, NULL, "|xkld|", now), 3);         /* B, C, E */
	assert_int_equal(queue_notice(f, NULL, NULL, now), 4);             /* all but D */
	exec(f, "UPDATE jobs SET status = 'closed' WHERE id = 7");
	assert_int_equal(db_begin(f->db), 0);
	{
		int n = 0;

		assert_int_equal(broadcast_queue_job(f->db, &f->cfg, 7, "", "", NULL, "t", now, &id, &n),
				 GW_ERR_INVAL);
		assert_int_equal(broadcast_queue_job(f->db, &f->cfg, 99, "", "", NULL, "t", now, &id, &n),
				 GW_ERR_NOTFOUND);
	}
	db_rollback(f->db);
}

/* n more subscribers to everything (+84914000000 ...) */
static void subscribers(struct fx *f, int n)
{
	for (int i = 0; i < n; i++) {
		char sql[256];

		snprintf(sql, sizeof(sql), "INSERT INTO contacts (phone, created_at, last_seen)"
			 " VALUES ('+84914%06d', 1, 1); INSERT INTO subscriptions (phone, created_at)"
			 " VALUES ('+84914%06d', 1)", i, i);
		exec(f, sql);
	}
}

static void test_progress(void **state)
{
	struct fx *f = *state;
	struct broadcast_progress p;
	struct buf b;
	time_t now = office(2027, 1, 15, 10, 0);
	int64_t id = 0;

	subscribers(f, 40);
	assert_int_equal(queue_job(f, 6, now, &id), 42);
	/* 11 sent 3 s apart, one failed: 20 a minute measured */
	exec(f, "UPDATE outbox SET status = 'sent', sent_at = 1800000000 + 3 * (id - 1) WHERE id <= 11");
	exec(f, "UPDATE outbox SET status = 'failed' WHERE id = 12");
	{
		char sql[128];

		snprintf(sql, sizeof(sql), "UPDATE outbox SET sent_at = %lld + sent_at - 1800000030"
			 " WHERE status = 'sent'", (long long)now);
		exec(f, sql);
	}
	/* the modem's speed alone: no same-text limits */
	f->cfg.modems[0].same_text_per_5min = 0;
	f->cfg.modems[0].same_text_per_hour = 0;
	f->cfg.modems[0].same_text_per_day = 0;
	assert_int_equal(broadcast_progress(f->db, &f->cfg, id, now, &p), 0);
	assert_int_equal(p.recipients, 42);
	assert_int_equal(p.sent, 11);
	assert_int_equal(p.failed, 1);
	assert_int_equal(p.queued, 30);
	assert_true(p.measured);
	assert_true(p.per_min > 19.9 && p.per_min < 20.1);
	assert_int_equal(p.eta, now + 90); /* 30 left at 3 s */
	buf_init(&b, 512);
	assert_int_equal(broadcast_progress_text(&f->cfg, &p, 0, &b), 0);
	assert_string_equal(b.data, "xep 42, da gui 11, loi 1, con 30, xong ~10:01 15/01 (20 tin/phut)");
	buf_release(&b);
	/* at 20:59 the same 30 finish after the night */
	assert_int_equal(broadcast_progress(f->db, &f->cfg, id, office(2027, 1, 15, 20, 59), &p), 0);
	assert_false(p.measured); /* the sends are hours old: the default rate */
	assert_int_equal(p.eta, office(2027, 1, 16, 7, 0) + 30);
	assert_int_equal(broadcast_progress(f->db, &f->cfg, 77, now, &p), GW_ERR_NOTFOUND);
}

/* The operators' same-text limits, not the modem, set the pace: 30 of one
 * text at 10 an hour from one SIM take two more hours; a second SIM halves
 * it; more than the SIMs may send in a day says a brandname link is needed. */
static void test_progress_limits(void **state)
{
	struct fx *f = *state;
	struct broadcast_progress p;
	struct buf b;
	time_t now = office(2027, 1, 15, 10, 0);
	int64_t id = 0;

	subscribers(f, 300);
	assert_int_equal(queue_job(f, 6, now, &id), 302);
	exec(f, "UPDATE outbox SET status = 'sent', sent_at = 0 WHERE id > 30");
	/* defaults, one SIM: 3 in 5 min, 10 an hour: the 30th goes 2 h in */
	assert_int_equal(broadcast_progress(f->db, &f->cfg, id, now, &p), 0);
	assert_int_equal(p.queued, 30);
	assert_true(p.limit_bound);
	assert_false(p.needs_link);
	assert_int_equal(p.eta, now + 2 * 3600);
	buf_init(&b, 512);
	assert_int_equal(broadcast_progress_text(&f->cfg, &p, 1, &b), 0);
	assert_string_equal(b.data, "queued 302, sent 272, failed 0, left 30, done ~12:00 15/01"
				    " (20/min est.); the operators' same-text limits allow 10/hour"
				    " on 1 SIM(s)");
	/* two SIMs */
	f->cfg.modems[1] = f->cfg.modems[0];
	f->cfg.nmodems = 2;
	assert_int_equal(broadcast_progress(f->db, &f->cfg, id, now, &p), 0);
	assert_int_equal(p.eta, now + 3600);
	assert_int_equal(p.limit_per_hour, 20);
	/* 20 of it went 10 minutes ago: their hour is full, the 30 left need two more */
	{
		char sql[160];

		snprintf(sql, sizeof(sql), "UPDATE outbox SET claimed_at = %lld WHERE id > 282",
			 (long long)now - 600);
		exec(f, sql);
	}
	assert_int_equal(broadcast_progress(f->db, &f->cfg, id, now, &p), 0);
	assert_int_equal(p.eta, now - 600 + 2 * 3600);
	exec(f, "UPDATE outbox SET claimed_at = NULL");
	/* 250 left, 200 a day on two SIMs: tomorrow, and a link would be needed */
	exec(f, "UPDATE outbox SET status = 'queued' WHERE id <= 250");
	assert_int_equal(broadcast_progress(f->db, &f->cfg, id, now, &p), 0);
	assert_int_equal(p.queued, 250);
	assert_true(p.needs_link);
	assert_int_equal(p.limit_per_day, 200);
	assert_int_equal(p.eta, now + 86400 + 2 * 3600); /* 50 more at 20 an hour */
	buf_reset(&b);
	assert_int_equal(broadcast_progress_text(&f->cfg, &p, 1, &b), 0);
	assert_non_null(strstr(b.data, "a brandname or short-code link (Kannel) would be needed"));
	buf_reset(&b);
	assert_int_equal(broadcast_progress_text(&f->cfg, &p, 0, &b), 0);
	assert_non_null(strstr(b.data, "gioi han nha mang 20 tin/gio/2 SIM; qua 200 tin/ngay: can"
				       " dau so/brandname (Kannel)"));
	buf_release(&b);
	/* limits off: the modem's pace again */
	for (int i = 0; i < 2; i++)
		f->cfg.modems[i].same_text_per_5min = f->cfg.modems[i].same_text_per_hour =
			f->cfg.modems[i].same_text_per_day = 0;
	assert_int_equal(broadcast_progress(f->db, &f->cfg, id, now, &p), 0);
	assert_false(p.limit_bound || p.needs_link);
}

static int send_one(struct fx *f, time_t now)
{
	int sent = -1;

	assert_int_equal(sender_send_one(&f->link, &f->cfg, now, &sent), 0);
	return sent;
}

static void test_sender_quiet_hours(void **state)
{
	struct fx *f = *state;
	time_t night = office(2027, 1, 15, 22, 0), morning = office(2027, 1, 16, 7, 30);
	int64_t id = 0;
	long due = 0;

	assert_int_equal(queue_job(f, 6, night, &id), 2);
	exec(f, "INSERT INTO outbox (phone, text, kind, priority, created_at) VALUES"
		" ('+84915000001', 'a reply', 'reply', 10, 0)");
	assert_int_equal(send_one(f, night), 1); /* the reply goes */
	assert_string_equal(f->fm.phones[0], "+84915000001");
	assert_int_equal(send_one(f, night), 0); /* broadcasts wait */
	assert_int_equal(f->fm.sent, 1);
	assert_int_equal(fixture_int(f->db, "SELECT min(next_attempt_at) FROM outbox WHERE kind = 'broadcast'"
				  " AND status = 'queued'"), office(2027, 1, 16, 7, 0));
	assert_int_equal(fixture_int(f->db, "SELECT count(DISTINCT next_attempt_at) FROM outbox"
				  " WHERE kind = 'broadcast'"), 1);
	/* the daemon sleeps until 07:00 instead of polling */
	assert_int_equal(sender_next_due(f->db, night, &due), 0);
	assert_int_equal(due, office(2027, 1, 16, 7, 0) - night);
	assert_int_equal(send_one(f, morning), 1);
	assert_int_equal(send_one(f, morning), 1);
	assert_int_equal(send_one(f, morning), 0);
	assert_int_equal(f->fm.sent, 3);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE status = 'sent'"
				  " AND kind = 'broadcast'"), 2);
}

static void test_sender_fake_clock(void **state)
{
	struct fx *f = *state;
	time_t day = office(2027, 1, 15, 10, 0);
	int64_t id = 0;

	assert_int_equal(queue_job(f, 6, day, &id), 2);
	setenv("GW_FAKE_NOW", "2027-01-15 23:15", 1);
	assert_int_equal(send_one(f, day), 0); /* "now" is 23:15 office time */
	setenv("GW_FAKE_NOW", "2027-01-16 07:05", 1);
	assert_int_equal(send_one(f, day), 1);
	unsetenv("GW_FAKE_NOW");
	assert_int_equal(fixture_int(f->db, "SELECT sent_at FROM outbox WHERE status = 'sent'"),
			 office(2027, 1, 16, 7, 5));
}

static void test_sender_cap_and_opt_out(void **state)
{
	struct fx *f = *state;
	time_t t = office(2027, 1, 15, 9, 0);
	int64_t id = 0;

	f->cfg.broadcast.daily_cap = 1;
	assert_int_equal(queue_job(f, 6, t, &id), 2);  /* A, B */
	assert_int_equal(queue_job(f, 12, t, &id), 1); /* B (cong nhan, Tam Duong) */
	assert_int_equal(send_one(f, t), 1);
	assert_int_equal(send_one(f, t), 1);
	/* B's second broadcast today waits for tomorrow morning */
	assert_int_equal(send_one(f, t + 60), 1); /* deferred: "call again" */
	assert_int_equal(send_one(f, t + 60), 0);
	assert_int_equal(f->fm.sent, 2);
	assert_int_equal(fixture_int(f->db, "SELECT next_attempt_at FROM outbox WHERE status = 'queued'"),
			 office(2027, 1, 16, 7, 0));
	/* A opts out after a broadcast was queued for it: cancelled, never sent */
	f->cfg.broadcast.daily_cap = 3;
	assert_int_equal(queue_job(f, 7, t, &id), 2); /* A, B */
	exec(f, "UPDATE contacts SET opted_out = 1 WHERE phone = '" A "'");
	while (send_one(f, t + 120))
		;
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE phone = '" A "' AND status = 'cancelled'"
				  " AND error = 'opted out'"), 1);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE phone = '" A "' AND status = 'sent'"), 1);
}

static void sim(struct fx *f, const char *phone, const char *text, time_t at,
		struct handler_result *res)
{
	struct handler_env env = { f->db, &f->cfg };
	struct handler_msg msg = { phone, text, at, HANDLER_CHANNEL_SMS };

	handler_result_init(res);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(handler_process(&env, &msg, res), 0);
	assert_int_equal(db_commit(f->db), 0);
}

static void test_tb_command(void **state)
{
	struct fx *f = *state;
	struct handler_result res;
	time_t now = office(2027, 1, 15, 10, 0);
	char longer[1200];

	sim(f, "+84911000001", "TB 123456 VIEC 6", now, &res);
	assert_string_equal(res.intent, "officer_broadcast");
	assert_string_equal(res.ref, "JOB-VP-006");
	assert_non_null(strstr(res.out[0].text, "TB so 1: xep 2, da gui 0, loi 0, con 2, xong ~10:00"));
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE broadcast_id = 1 AND text LIKE"
				  " 'Viec moi: 6. CN may - Tan Lap - 6-9tr. Han 30/06. Nhan UT 6%'"), 2);
	sim(f, "+84911000001", "TB 123456 tân lập: Họp dân lúc 8h sáng mai", now, &res);
	assert_non_null(strstr(res.out[0].text, "TB so 2: xep 2"));
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE broadcast_id = 2 AND text ="
				  " 'TB: Hop dan luc 8h sang mai HUY: ngung nhan tin'"), 2);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM broadcasts WHERE id = 2 AND area = 'tan lap'"), 1);
	/* an officer's notice reaches their commune's households only: B (C
	 * and E want xkld news too, but live elsewhere) */
	sim(f, "+84911000001", "TB 123456 xkld: Hội thảo XKLĐ", now, &res);
	assert_non_null(strstr(res.out[0].text, "TB so 3: xep 1"));
	handler_result_release(&res);
	memset(longer, 'a', sizeof(longer) - 1);
	memcpy(longer, "TB 123456 ", 10);
	for (size_t i = 20; i < sizeof(longer) - 1; i += 10)
		longer[i] = ' ';
	longer[sizeof(longer) - 1] = '\0';
	sim(f, "+84911000001", longer, now, &res);
	assert_non_null(strstr(res.out[0].text, "TB qua dai"));
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM broadcasts"), 3);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'broadcast'"), 3);
	sim(f, "+84919999999", "TB 123456 VIEC 6", now, &res); /* not an officer */
	assert_non_null(strstr(res.out[0].text, "chua dang ky can bo"));
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM broadcasts"), 3);
}

/* Finding of issue 16: TB by an officer of another commune went to Tan
 * Lap's subscribers. Now refused, told, audited, nothing queued; an
 * administrator still reaches anyone. */
static void test_tb_scope(void **state)
{
	struct fx *f = *state;
	struct handler_result res;
	time_t now = office(2027, 1, 15, 10, 0);

	assert_int_equal(officers_add(f->db, "+84911000002", "Binh", "officer", "Thiện Kế", "123456",
				      OFFICERS_HASH_MIN, "test", 1), 0);
	assert_int_equal(officers_add(f->db, "+84911000003", "Quan tri", "admin", "", "123456",
				      OFFICERS_HASH_MIN, "test", 1), 0);
	sim(f, "+84911000002", "TB 123456 VIEC 6", now, &res);
	assert_string_equal(res.out[0].text, "Viec so 6 khong thuoc xa ban.");
	handler_result_release(&res);
	sim(f, "+84911000002", "TB 123456 Tan Lap: hop dan 8h", now, &res);
	assert_string_equal(res.out[0].text, "Tu choi: tan lap khong thuoc xa ban (Thien Ke).");
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM broadcasts"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM outbox WHERE kind = 'broadcast'"), 0);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM audit WHERE action = 'scope_refused' AND"
				  " actor = '+84911000002'"), 2);
	/* their own notice: nobody of Thien Ke subscribed, so nobody at all */
	sim(f, "+84911000002", "TB 123456 hop dan 8h", now, &res);
	assert_non_null(strstr(res.out[0].text, "khong co nguoi dang ky phu hop"));
	handler_result_release(&res);
	assert_int_equal(fixture_int(f->db, "SELECT count(*) FROM broadcasts WHERE area = 'thien ke'"), 1);
	/* the administrator's notice reaches every subscriber who wants it */
	sim(f, "+84911000003", "TB 123456 xkld: Hội thảo XKLĐ", now, &res);
	assert_non_null(strstr(res.out[0].text, "xep 3"));
	handler_result_release(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet_hours),
		cmocka_unit_test(test_eta),
		cmocka_unit_test_setup_teardown(test_who_gets_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_progress_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sender_quiet_hours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sender_fake_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sender_cap_and_opt_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tb_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tb_scope, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

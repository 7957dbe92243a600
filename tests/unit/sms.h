/* sms.h - one SMS through the real handler path, for unit tests.
 *
 *   struct sms s;
 *   sms_send(db, cfg, "+84912000001", "HEN mai 8h", at, &s);
 *   assert_string_equal(sms_extra(&s, "outcome"), "booked");
 *   assert_non_null(strstr(s.reply, "T3 8/12 8h00"));
 *   sms_done(&s);
 *
 * The message is handled in its own transaction (committed), as the
 * pipeline does. sms_fx_open/sms_fx_close make a cmocka setup and
 * teardown around a fresh database. Include after <cmocka.h>.
 */
#ifndef GW_TEST_SMS_H
#define GW_TEST_SMS_H

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "tests/unit/fixture.h"

#include "common/db.h"
#include "config/settings.h"
#include "handlers/features/calendar.h"
#include "handlers/handler.h"

/* A test's state: a fresh database with the shipped data, the default
 * settings, and a counter for new phones. */
struct sms_fx {
	struct fixture fx;
	struct db *db;
	struct gw_settings cfg;
	int phones;
};

/* For a cmocka setup: *state gets a new sms_fx (name: the folder's prefix;
 * load: FIXTURE_* as fixture_open). */
static inline int sms_fx_open(void **state, const char *name, unsigned load)
{
	struct sms_fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->db = fixture_open(&f->fx, name, 5000, load);
	settings_defaults(&f->cfg);
	*state = f;
	return 0;
}

static inline int sms_fx_close(void **state)
{
	struct sms_fx *f = *state;

	fixture_close(&f->fx, f->db);
	free(f);
	return 0;
}

struct sms {
	struct handler_result res;
	char reply[2048]; /* the last message to the sender, "" when none */
};

/* UTC of an office-local time at UTC+7 (the default office offset). */
static inline time_t sms_at(int y, int mo, int d, int h, int mi)
{
	return (time_t)(calendar_dayno(y, mo, d) * 86400 + h * 3600 + mi * 60 - 420 * 60);
}

static inline void sms_send(struct db *db, const struct gw_settings *cfg, const char *from,
			    const char *text, time_t when, struct sms *out)
{
	struct handler_env env = { db, cfg };
	struct handler_msg msg = { from, text, when, HANDLER_CHANNEL_SMS };

	handler_result_init(&out->res);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(handler_process(&env, &msg, &out->res), 0);
	assert_int_equal(db_commit(db), 0);
	out->reply[0] = '\0';
	for (size_t i = 0; i < out->res.nout; i++)
		if (!strcmp(out->res.out[i].phone, from))
			snprintf(out->reply, sizeof(out->reply), "%s", out->res.out[i].text);
}

/* A string of res.extra (simulate --json's facts), or NULL. */
static inline const char *sms_extra(const struct sms *s, const char *key)
{
	json_t *v = s->res.extra ? json_object_get(s->res.extra, key) : NULL;

	return v && json_is_string(v) ? json_string_value(v) : NULL;
}

/* The message of kind to phone, or NULL. */
static inline const struct handler_out *sms_to(const struct sms *s, const char *phone,
					       const char *kind)
{
	for (size_t i = 0; i < s->res.nout; i++)
		if (!strcmp(s->res.out[i].phone, phone) && !strcmp(s->res.out[i].kind, kind))
			return &s->res.out[i];
	return NULL;
}

static inline void sms_done(struct sms *s)
{
	handler_result_release(&s->res);
}

#endif

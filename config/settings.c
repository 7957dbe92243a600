#include "config/settings.h"

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "common/signing.h"

#define OFF(field) offsetof(struct gw_settings, field)
#define S(name, field, choices, def, help) \
	{ name, SETTING_STR, 0, 0, choices, def, OFF(field), help }
#define I(name, field, min, max, def, help) \
	{ name, SETTING_INT, min, max, NULL, def, OFF(field), help }
#define T(name, field, def, help) \
	{ name, SETTING_TIME, 0, 0, NULL, def, OFF(field), help }
#define B(name, field, def, help) \
	{ name, SETTING_BOOL, 0, 1, NULL, def, OFF(field), help }

/* One modem's keys, offsets into struct gw_modem_settings. */
#define MOFF(field) offsetof(struct gw_modem_settings, field)
#define MS(name, field, def, help) \
	{ name, SETTING_STR, 0, 0, NULL, def, MOFF(field), help }
#define MI(name, field, min, max, def, help) \
	{ name, SETTING_INT, min, max, NULL, def, MOFF(field), help }
#define MB(name, field, def, help) \
	{ name, SETTING_BOOL, 0, 1, NULL, def, MOFF(field), help }

const struct setting_def settings_modem_table[] = {
	MS("name", name, "modem", "unique name in logs, gatewayctl status and outbox.modem (letters, digits, . _ -)"),
	MS("model", model, "dummy", "libgammu model: \"dummy\", \"at\" or \"\" to autodetect"),
	MS("connection", connection, "none", "libgammu connection: \"none\" for dummy, \"at\" for a USB modem"),
	MS("device", device, "var/modem", "device node, or the folder acting as a phone for dummy"),
	MS("pin", pin, "", "SIM PIN entered when the SIM asks for one"),
	MS("own_number", own_number, "", "this SIM's own number: never auto-reply to it"),
	MS("operators", operators, "", "operators this SIM sends to first, e.g. \"viettel\" or \"vinaphone,mobifone\""),
	MI("poll_interval_ms", poll_interval_ms, 10, 600000, "1000", "how often to look for new messages"),
	MI("busy_read_share", busy_read_share, 1, 100, "3", "percent of the modem's time reads may take while the outbox drains (100: every poll)"),
	MI("busy_poll_max_ms", busy_poll_max_ms, 10, 600000, "20000", "longest gap between reads while the outbox drains"),
	MI("status_interval", status_interval_s, 5, 86400, "60", "seconds between signal/network checks"),
	MI("reconnect_min_ms", reconnect_min_ms, 10, 600000, "500", "first reconnect delay after the modem vanished"),
	MI("reconnect_max_ms", reconnect_max_ms, 100, 3600000, "60000", "reconnect delay cap (backoff doubles up to it)"),
	MI("send_attempts", send_attempts, 1, 100, "5", "attempts for a temporary send failure before giving up"),
	MI("retry_base", retry_base_s, 1, 86400, "30", "seconds before the first retry of a failed send (doubles)"),
	MI("multipart_timeout", multipart_timeout_s, 10, 604800, "600", "seconds to wait for missing parts of a long message"),
	MB("delivery_reports", delivery_reports, "true", "ask the network for a delivery report on every SMS part (some operators charge for them)"),
	MB("reject_calls", reject_calls, "true", "hang up incoming voice calls"),
	MB("call_reply_help", call_reply_help, "true", "answer a missed call with the help message by SMS"),
	MS("balance_code", balance_code, "", "USSD code of the periodic balance check, e.g. \"*101#\" (empty: off)"),
	MI("balance_interval", balance_interval_s, 60, 2592000, "86400", "seconds between balance checks"),
	MI("balance_low", balance_low, 0, 100000000, "10000", "warn officers when credit (VND) falls below this"),
	MI("balance_min", balance_min, 0, 100000000, "1000", "below this credit (VND) the SIM sends nothing until topped up (0: never)"),
	MI("same_text_per_5min", same_text_per_5min, 0, 100000, "3", "identical messages this SIM may send in 5 minutes (0: no limit)"),
	MI("same_text_per_hour", same_text_per_hour, 0, 100000, "10", "identical messages this SIM may send in an hour (0: no limit)"),
	MI("same_text_per_day", same_text_per_day, 0, 1000000, "100", "identical messages this SIM may send in 24 hours (0: no limit)"),
	MI("per_day", per_day, 0, 1000000, "0", "messages this SIM may send per office day, any text (0: no limit)"),
	MI("recheck_interval", recheck_interval_s, 5, 86400, "900", "seconds before a barred or out-of-credit SIM is tried again"),
	MI("stall_after", stall_after_s, 2, 3600, "30", "seconds one modem call may last before routing passes this modem over"),
	MS("fault_file", fault_file, "", "test only: file of injected modem faults (empty: off)"),
	MI("send_delay_ms", send_delay_ms, 0, 60000, "0", "test/bench only: simulated time per sent part"),
	{ NULL, SETTING_STR, 0, 0, NULL, NULL, 0, NULL },
};

const struct setting_def settings_table[] = {
	S("transport", transport, "modem|kannel", "modem", "how messages come and go: \"modem\" (libgammu, the modem group) or \"kannel\" (bearerbox + smsbox, the kannel group)"),
	S("database.path", database.path, NULL, "var/gateway.db", "SQLite database file"),
	I("database.busy_timeout_ms", database.busy_timeout_ms, 0, 600000, "5000", "how long to wait for a locked database"),
	I("database.cache_kib", database.cache_kib, 16, 1048576, "128", "SQLite page cache per connection, and for its temporary tables (KiB)"),
	S("log.level", log.level, "error|warning|notice|info|debug", "info", "least important level that is logged"),
	B("log.syslog", log.syslog, "false", "log to syslog instead of stderr"),
	B("log.mask_numbers", log.mask_numbers, "false", "mask the middle of phone numbers in logs"),
	I("sms.max_parts", sms.max_parts, 1, 10, "3", "most SMS parts in one reply"),
	S("sms.reply_diacritics", sms.reply_diacritics, "auto|always|never", "auto", "accented replies: auto drops accents when over budget"),
	I("sms.rate_limit_per_hour", sms.rate_limit_per_hour, 1, 100000, "30", "messages per sender per hour answered before one warning"),
	I("sms.unknown_resend_after", sms.unknown_resend_after_s, 0, 604800, "300", "seconds a message left in doubt by a crash waits for a delivery report before it is sent again (broadcasts never are; with transport = \"kannel\" kannel.resend_unknown_after decides instead)"),
	I("sms.part_price", sms.part_price, 0, 100000, "300", "price of one SMS part in dong, for the cost the web console shows"),
	I("office.utc_offset_min", office.utc_offset_min, -720, 840, "420", "office time zone as minutes east of UTC (Asia/Ho_Chi_Minh: 420)"),
	S("office.communes", office.communes, NULL, "", "communes this box serves, comma-separated (one: its officers see every household)"),
	I("privacy.retain_days", privacy.retain_days, 1, 36500, "180", "days inbound texts are kept before being purged"),
	T("broadcast.quiet_start", broadcast.quiet_start, "21:00", "no broadcasts from this time (HH:MM, office time)"),
	T("broadcast.quiet_end", broadcast.quiet_end, "07:00", "... until this time"),
	I("broadcast.daily_cap", broadcast.daily_cap, 0, 100, "3", "most broadcast messages one number gets per day (0: no cap)"),
	I("officers.max_pin_failures", officers.max_pin_failures, 1, 100, "5", "wrong PINs before a number is locked"),
	I("officers.lockout_minutes", officers.lockout_minutes, 1, 10080, "30", "how long a number stays locked the first time"),
	I("officers.lockout_max_minutes", officers.lockout_max_minutes, 1, 43200, "1440", "longest lock: each lock in a row doubles the last, up to this"),
	I("appointments.reminder_hour", appointments.reminder_hour, 0, 23, "17", "hour (office time) of the day-before reminder"),
	I("dialog.sms_timeout", dialog.sms_timeout_s, 60, 604800, "86400", "seconds an SMS dialog (menu, self-check) stays open"),
	I("dialog.ussd_timeout", dialog.ussd_timeout_s, 10, 3600, "180", "seconds a USSD session stays open"),
	B("ussd.enabled", ussd.enabled, "false", "serve the operator's USSD callback over HTTP"),
	S("ussd.listen", ussd.listen, NULL, "127.0.0.1", "address to listen on (loopback unless the operator must reach it)"),
	I("ussd.port", ussd.port, 1, 65535, "8080", "TCP port"),
	S("ussd.path", ussd.path, NULL, "/ussd", "URL path of the callback"),
	S("ussd.service_code", ussd.service_code, NULL, "*384*123#", "our USSD service code"),
	S("ussd.secret", ussd.secret, NULL, "", "shared secret the aggregator sends (empty: none)"),
	S("ussd.allow", ussd.allow, NULL, "", "comma-separated client addresses allowed (empty: any)"),
	I("ussd.max_body", ussd.max_body, 256, 65536, "4096", "largest request body in bytes"),
	I("ussd.timeout", ussd.timeout_s, 1, 120, "10", "seconds a request may take, from connecting to the answer"),
	B("web.enabled", web.enabled, "false", "serve the web console"),
	S("web.listen", web.listen, NULL, "127.0.0.1", "address to listen on (loopback unless configured)"),
	I("web.port", web.port, 1, 65535, "8081", "TCP port"),
	I("web.session_minutes", web.session_minutes, 5, 10080, "480", "minutes a login lasts"),
	S("web.trusted_proxy", web.trusted_proxy, NULL, "", "address of the reverse proxy whose X-Forwarded-For is believed (empty: none)"),
	I("web.timeout", web.timeout_s, 1, 300, "30", "seconds a request may take, from connecting to the answer"),
	S("sync.url", sync.url, NULL, "", "the hub's folder of signed content: https://, http:// or file:// (empty: no hub)"),
	S("sync.pubkey", sync.pubkey, NULL, "", "the hub's public key in base64, as `gatewayctl hub keygen` printed it"),
	I("sync.interval", sync.interval_s, 1, 604800, "3600", "seconds between the daemon's pulls from the hub"),
	I("sync.timeout", sync.timeout_s, 10, 86400, "600", "seconds one pull's downloads may take"),
	S("kannel.listen", kannel.listen, NULL, "127.0.0.1", "address smsbox calls: /kannel/mo and /kannel/dlr"),
	I("kannel.port", kannel.port, 1, 65535, "8082", "TCP port of that endpoint"),
	S("kannel.callback_url", kannel.callback_url, NULL, "", "how smsbox reaches the endpoint, for delivery reports (empty: http://listen:port)"),
	S("kannel.sendsms_url", kannel.sendsms_url, NULL, "http://127.0.0.1:13013/cgi-bin/sendsms", "smsbox's sendsms interface"),
	S("kannel.username", kannel.username, NULL, "gw", "a sendsms-user of smsbox"),
	S("kannel.password", kannel.password, NULL, "", "its password (needed with transport = \"kannel\")"),
	S("kannel.from", kannel.from, NULL, "", "short code or sender name of the answers (empty: smsbox's global-sender)"),
	I("kannel.dlr_mask", kannel.dlr_mask, 0, 31, "31", "delivery reports asked for (Kannel's dlr-mask; 0: none)"),
	S("kannel.allow", kannel.allow, NULL, "", "comma-separated addresses allowed to call the endpoint (empty: any)"),
	I("kannel.max_body", kannel.max_body, 256, 1048576, "16384", "largest request body in bytes"),
	I("kannel.timeout", kannel.timeout_s, 1, 120, "10", "seconds a request may take, smsbox's to us and ours to sendsms"),
	I("kannel.senders", kannel.senders, 1, SETTINGS_MODEMS_MAX, "4", "answers handed to sendsms (or, with link = \"box\", to bearerbox) at once (a worker process each)"),
	S("kannel.link", kannel.link, "sendsms|box", "sendsms", "how gatewayd talks to Kannel: \"sendsms\" (smsbox calls /kannel/mo, answers go to its sendsms) or \"box\" (gatewayd is a box of bearerbox itself, no smsbox)"),
	S("kannel.bearerbox_host", kannel.bearerbox_host, NULL, "127.0.0.1", "with link = \"box\": bearerbox's address"),
	I("kannel.bearerbox_port", kannel.bearerbox_port, 1, 65535, "13001", "with link = \"box\": bearerbox's smsbox-port"),
	S("kannel.box_id", kannel.box_id, NULL, "gatewayd", "with link = \"box\": the smsbox-id gatewayd gives bearerbox (smsbox-route sends messages to it; empty: none, messages no route claims)"),
	I("kannel.resend_unknown_after", kannel.resend_unknown_after_s, 0, 86400, "120", "an answer in doubt (a crash, or Kannel's reply lost) is sent again when later ones had their delivery reports this many seconds ago and it none (0: never; one whose reply was lost then goes again at once)"),
	{ NULL, SETTING_STR, 0, 0, NULL, NULL, 0, NULL },
};

int settings_time_minutes(const char *hhmm)
{
	int h, m;
	char extra;

	if (strlen(hhmm) != 5 || sscanf(hhmm, "%2d:%2d%c", &h, &m, &extra) != 2 || h < 0 || h > 23 ||
	    m < 0 || m > 59)
		return GW_ERR_INVAL;
	return h * 60 + m;
}

static const struct setting_def *find_in(const struct setting_def *table, const char *name)
{
	for (const struct setting_def *d = table; d->name; d++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

static int choice_ok(const char *choices, const char *value)
{
	size_t n = strlen(value);
	const char *p = choices;

	while (*p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && strncmp(p, value, n) == 0)
			return 1;
		if (!bar)
			break;
		p = bar + 1;
	}
	return 0;
}

static int parse_long(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end)
		return GW_ERR_INVAL;
	*out = v;
	return 0;
}

/* Store a value given as text (defaults) or native (from libconfig) at
 * base + d->offset: base is the struct gw_settings, or one modem's. */
static void store_str(void *base, const struct setting_def *d, const char *v)
{
	char *dst = (char *)base + d->offset;

	if (gw_strlcpy(dst, v, SETTINGS_STR_MAX) < 0)
		dst[0] = '\0';
}

static void store_int(void *base, const struct setting_def *d, long v)
{
	*(int *)((char *)base + d->offset) = (int)v;
}

static void table_defaults(void *base, const struct setting_def *table)
{
	for (const struct setting_def *d = table; d->name; d++) {
		long v = 0;

		if (d->type == SETTING_STR || d->type == SETTING_TIME)
			store_str(base, d, d->def);
		else if (d->type == SETTING_BOOL)
			store_int(base, d, strcmp(d->def, "true") == 0);
		else if (parse_long(d->def, &v) == 0)
			store_int(base, d, v);
	}
}

void settings_defaults(struct gw_settings *s)
{
	memset(s, 0, sizeof(*s));
	table_defaults(s, settings_table);
	table_defaults(&s->modems[0], settings_modem_table);
	s->nmodems = 1;
}

static void set_err(char *err, size_t errsz, const config_setting_t *st, const char *fallback_file,
		    const char *key, const char *what)
{
	const char *file = config_setting_source_file(st);
	struct buf b;

	buf_init(&b, errsz ? errsz - 1 : 1);
	/* without the place when the whole does not fit; empty if neither does */
	if (buf_addf(&b, "%s:%d: %s: %s", file ? file : fallback_file,
		     config_setting_source_line(st), key, what) < 0 &&
	    buf_addf(&b, "%s: %s", key, what) < 0)
		buf_reset(&b);
	if (errsz) {
		size_t n = b.len < errsz - 1 ? b.len : errsz - 1;
		memcpy(err, b.data, n);
		err[n] = '\0';
	}
	buf_release(&b);
}

static const char *type_word(enum setting_type t)
{
	return t == SETTING_STR ? "a string" : t == SETTING_TIME ? "a time \"HH:MM\""
	       : t == SETTING_INT ? "an integer" : "true or false";
}

/* Check one leaf setting against its row d and apply it at base. */
static int apply_value(void *base, const struct setting_def *d, const config_setting_t *st,
		       const char *key, const char *path, char *err, size_t errsz)
{
	int t = config_setting_type(st);
	char what[160];

	if (((d->type == SETTING_STR || d->type == SETTING_TIME) && t != CONFIG_TYPE_STRING) ||
	    (d->type == SETTING_INT && t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) ||
	    (d->type == SETTING_BOOL && t != CONFIG_TYPE_BOOL)) {
		snprintf(what, sizeof(what), "must be %s", type_word(d->type));
		set_err(err, errsz, st, path, key, what);
		return GW_ERR_CONFIG;
	}
	if (d->type == SETTING_TIME) {
		const char *v = config_setting_get_string(st);

		if (settings_time_minutes(v) < 0) {
			set_err(err, errsz, st, path, key, "must be a time \"HH:MM\" (00:00-23:59)");
			return GW_ERR_CONFIG;
		}
		store_str(base, d, v);
	} else if (d->type == SETTING_STR) {
		const char *v = config_setting_get_string(st);

		if (strlen(v) >= SETTINGS_STR_MAX) {
			set_err(err, errsz, st, path, key, "value is too long");
			return GW_ERR_CONFIG;
		}
		if (d->choices && !choice_ok(d->choices, v)) {
			snprintf(what, sizeof(what), "must be one of %s", d->choices);
			set_err(err, errsz, st, path, key, what);
			return GW_ERR_CONFIG;
		}
		store_str(base, d, v);
	} else if (d->type == SETTING_INT) {
		long long v = config_setting_get_int64(st);

		if (v < d->min || v > d->max) {
			snprintf(what, sizeof(what), "%lld is out of range [%ld, %ld]", v, d->min, d->max);
			set_err(err, errsz, st, path, key, what);
			return GW_ERR_CONFIG;
		}
		store_int(base, d, (long)v);
	} else {
		store_int(base, d, config_setting_get_bool(st));
	}
	return 0;
}

static int apply_leaf(struct gw_settings *s, const config_setting_t *st, const char *key,
		      const char *path, char *err, size_t errsz)
{
	const struct setting_def *d = find_in(settings_table, key);

	if (!d) {
		set_err(err, errsz, st, path, key, "unknown setting");
		return GW_ERR_CONFIG;
	}
	return apply_value(s, d, st, key, path, err, errsz);
}

static int apply_group(struct gw_settings *s, const config_setting_t *grp, const char *prefix,
		       const char *path, char *err, size_t errsz)
{
	int n = config_setting_length(grp);
	int r = 0;

	for (int i = 0; i < n && r == 0; i++) {
		const config_setting_t *st = config_setting_get_elem(grp, (unsigned)i);
		const char *name = config_setting_name(st);
		struct buf key;

		buf_init(&key, 512);
		if (!name || (*prefix && (buf_adds(&key, prefix) < 0 || buf_addch(&key, '.') < 0)) ||
		    buf_adds(&key, name) < 0) {
			set_err(err, errsz, st, path, name ? name : "(list)", "unexpected list element");
			r = GW_ERR_CONFIG;
		} else if (config_setting_type(st) == CONFIG_TYPE_GROUP) {
			r = apply_group(s, st, key.data, path, err, errsz);
		} else {
			r = apply_leaf(s, st, key.data, path, err, errsz);
		}
		buf_release(&key);
	}
	return r;
}

int settings_kannel(const struct gw_settings *s)
{
	return strcmp(s->transport, "kannel") == 0;
}

int settings_kannel_endpoint(const struct gw_settings *s, const struct gw_modem_settings *ms)
{
	return settings_kannel(s) && !settings_kannel_box(s) && ms == &s->modems[0];
}

int settings_kannel_box(const struct gw_settings *s)
{
	return settings_kannel(s) && strcmp(s->kannel.link, "box") == 0;
}

/* What a single row of the table cannot say. With transport = "kannel" the
 * one link is Kannel's sendsms: modem entry "kannel" (pacing and retry keys
 * from a modem group when one is given), which a worker opens as Kannel's
 * transport instead of a libgammu modem. */
static int check_together(struct gw_settings *s, const char *path, char *err, size_t errsz)
{
	struct gw_modem_settings *k = &s->modems[0];
	int r = 0;

	if (!settings_kannel(s))
		return 0;
	if (settings_kannel_box(s) && !*s->kannel.from) {
		snprintf(err, errsz, "%s: kannel.from: must be set when kannel.link = \"box\""
			 " (bearerbox has no global-sender)", path);
		r = GW_ERR_CONFIG;
	} else if (!settings_kannel_box(s) && !*s->kannel.password) {
		snprintf(err, errsz, "%s: kannel.password: must be set when transport = \"kannel\""
			 " (the password of smsbox's sendsms-user)", path);
		r = GW_ERR_CONFIG;
	} else if (s->nmodems > 1) {
		snprintf(err, errsz, "%s: modems: transport = \"kannel\" sends through Kannel only;"
			 " give no list of modems", path);
		r = GW_ERR_CONFIG;
	} else {
		gw_strlcpy(k->name, "kannel", sizeof(k->name));
		gw_strlcpy(k->model, "kannel", sizeof(k->model));
		/* shown where a modem's device is (logs, status); never cut: both
		 * are SETTINGS_STR_MAX */
		if (settings_kannel_box(s))
			snprintf(k->device, sizeof(k->device), "bearerbox %.200s:%d",
				 s->kannel.bearerbox_host, s->kannel.bearerbox_port);
		else
			gw_strlcpy(k->device, s->kannel.sendsms_url, sizeof(k->device));
		k->fault_file[0] = '\0';
		/* a short code's limits are the operator's, applied by Kannel's
		 * throughput per SMSC; no SIM credit to watch */
		k->same_text_per_5min = k->same_text_per_hour = k->same_text_per_day = 0;
		k->per_day = 0;
		k->balance_min = 0;
		k->balance_code[0] = '\0';
		/* sendsms answers one request at a time on a connection, in
		 * about 10 ms with delivery reports: several senders side by
		 * side, "kannel", "kannel-2", ... (only the first serves smsbox's
		 * calls) */
		for (int i = 1; i < s->kannel.senders; i++) {
			s->modems[i] = *k;
			snprintf(s->modems[i].name, sizeof(s->modems[i].name), "kannel-%d", i + 1);
		}
		s->nmodems = s->kannel.senders;
	}
	return r;
}

static int name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= SETTINGS_NAME_MAX)
		return 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			return 0;
	return 1;
}

/* "viettel, vinaphone": words of letters and digits between commas. */
static int operators_ok(const char *list)
{
	int letters = 0;

	for (const char *p = list; *p; p++) {
		if (isalnum((unsigned char)*p))
			letters++;
		else if (*p == ',' && letters)
			letters = 0;
		else if (*p != ' ')
			return 0;
	}
	return letters > 0 || !*list;
}

/* One modem's group: every key is one of settings_modem_table's; errors
 * name it prefix.key ("modem.device", "modems[1].device"). */
static int apply_modem(struct gw_modem_settings *m, const config_setting_t *grp, const char *prefix,
		       const char *path, char *err, size_t errsz)
{
	int n = config_setting_length(grp), r = 0;
	char key[160];

	for (int i = 0; i < n && r == 0; i++) {
		const config_setting_t *st = config_setting_get_elem(grp, (unsigned)i);
		const char *name = config_setting_name(st);
		const struct setting_def *d = name ? find_in(settings_modem_table, name) : NULL;

		snprintf(key, sizeof(key), "%s.%s", prefix, name ? name : "(list)");
		if (!d) {
			set_err(err, errsz, st, path, key, "unknown setting");
			r = GW_ERR_CONFIG;
		} else if ((r = apply_value(m, d, st, key, path, err, errsz)) == 0 &&
			   strcmp(name, "name") == 0 && !name_ok(m->name)) {
			set_err(err, errsz, st, path, key, "must be 1-31 letters, digits, '.', '_' or '-'");
			r = GW_ERR_CONFIG;
		} else if (r == 0 && strcmp(name, "operators") == 0 && !operators_ok(m->operators)) {
			set_err(err, errsz, st, path, key, "must be operator names separated by commas");
			r = GW_ERR_CONFIG;
		}
	}
	return r;
}

/* modems = ( {...}, ... ): one to SETTINGS_MODEMS_MAX groups, names unique. */
static int apply_modems(struct gw_settings *s, const config_setting_t *list, const char *path,
			char *err, size_t errsz)
{
	int n = config_setting_length(list), r = 0;
	char prefix[64];

	if (config_setting_type(list) != CONFIG_TYPE_LIST || n < 1 || n > SETTINGS_MODEMS_MAX) {
		snprintf(prefix, sizeof(prefix), "must be a list of 1 to %d groups ( {...}, ... )",
			 SETTINGS_MODEMS_MAX);
		set_err(err, errsz, list, path, "modems", prefix);
		return GW_ERR_CONFIG;
	}
	for (int i = 0; i < n && r == 0; i++) {
		const config_setting_t *grp = config_setting_get_elem(list, (unsigned)i);
		struct gw_modem_settings *m = &s->modems[i];

		snprintf(prefix, sizeof(prefix), "modems[%d]", i);
		table_defaults(m, settings_modem_table);
		s->nmodems = i + 1;
		if (config_setting_type(grp) != CONFIG_TYPE_GROUP) {
			set_err(err, errsz, grp, path, prefix, "must be a group { name = ...; ... }");
			r = GW_ERR_CONFIG;
		} else if ((r = apply_modem(m, grp, prefix, path, err, errsz)) == 0 &&
			   settings_modem(s, m->name) != m) {
			snprintf(prefix, sizeof(prefix), "modems[%d].name", i);
			set_err(err, errsz, grp, path, prefix, "two modems have this name");
			r = GW_ERR_CONFIG;
		}
	}
	return r;
}

/* The file's top level: groups of settings, and the modem or the modems
 * (one or the other). */
static int apply_root(struct gw_settings *s, const config_setting_t *root, const char *path,
		      char *err, size_t errsz)
{
	int n = config_setting_length(root), r = 0, modems_seen = 0;

	for (int i = 0; i < n && r == 0; i++) {
		const config_setting_t *st = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(st);
		int is_modem = name && strcmp(name, "modem") == 0;

		if (name && (is_modem || strcmp(name, "modems") == 0) && modems_seen++) {
			set_err(err, errsz, st, path, name,
				"give either modem = {...} or modems = (...), once");
			r = GW_ERR_CONFIG;
		} else if (is_modem && config_setting_type(st) != CONFIG_TYPE_GROUP) {
			set_err(err, errsz, st, path, name, "must be a group { ... }");
			r = GW_ERR_CONFIG;
		} else if (is_modem) {
			r = apply_modem(&s->modems[0], st, "modem", path, err, errsz);
		} else if (name && strcmp(name, "modems") == 0) {
			r = apply_modems(s, st, path, err, errsz);
		} else if (name && config_setting_type(st) == CONFIG_TYPE_GROUP) {
			r = apply_group(s, st, name, path, err, errsz);
		} else if (name) {
			r = apply_leaf(s, st, name, path, err, errsz);
		}
	}
	return r;
}

const struct gw_modem_settings *settings_modem(const struct gw_settings *s, const char *name)
{
	for (int i = 0; i < s->nmodems; i++)
		if (strcmp(s->modems[i].name, name) == 0)
			return &s->modems[i];
	return NULL;
}

int settings_operator_listed(const char *list, const char *op)
{
	size_t n = strlen(op);

	while (n && *list) {
		size_t len;

		list += strspn(list, " ,");
		len = strcspn(list, " ,");
		if (len == n && strncasecmp(list, op, n) == 0)
			return 1;
		list += len;
	}
	return 0;
}

/* libconfig 1.5 follows `@include "file"` lines, and on one naming a
 * directory its scanner calls exit() (hyperrealm/libconfig#292): a SIGHUP
 * reload would kill the daemon instead of being refused, and an include of
 * a FIFO or a device would hang it. The gateway needs no includes: refuse
 * any line libconfig would read as one (found by tests/fuzz/fuzz_config). */
static int refuse_includes(FILE *f, const char *path, char *err, size_t errsz)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, r = 0;

	while (getline(&line, &cap, f) >= 0) {
		const char *p = line + strspn(line, " \t");

		lineno++;
		if (strncmp(p, "@include", 8) == 0) {
			snprintf(err, errsz, "%s:%d: @include is not supported: put the settings"
				 " in this file", path, lineno);
			r = GW_ERR_CONFIG;
			break;
		}
	}
	free(line);
	return r;
}

/* A hub is a URL the downloader takes and a key that is one. */
static int check_sync(const struct gw_settings *s, const char *path, char *err, size_t errsz)
{
	static const char *const schemes[] = { "https://", "http://", "file://", NULL };
	int known = 0;

	if (!*s->sync.url)
		return 0;
	for (const char *const *sc = schemes; *sc; sc++)
		known |= strncmp(s->sync.url, *sc, strlen(*sc)) == 0;
	if (!known) {
		snprintf(err, errsz, "%s: sync.url: '%s' is not an https://, http:// or file:// URL", path,
			 s->sync.url);
		return GW_ERR_CONFIG;
	}
	if (signing_check_public(s->sync.pubkey) < 0) {
		snprintf(err, errsz, "%s: sync.pubkey: %s", path, *s->sync.pubkey
			 ? "not an Ed25519 public key in base64 (gatewayctl hub keygen prints one)"
			 : "missing: a hub's content is taken only with its public key");
		return GW_ERR_CONFIG;
	}
	return 0;
}

int settings_load(struct gw_settings *s, const char *path, char *err, size_t errsz)
{
	struct gw_settings tmp;
	config_t cfg;
	int r = GW_ERR_CONFIG;
	FILE *f;

	config_init(&cfg);
	settings_defaults(&tmp);
	if (!(f = fopen(path, "r"))) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		r = GW_ERR_IO;
		goto out;
	}
	r = refuse_includes(f, path, err, errsz);
	fclose(f);
	if (r < 0)
		goto out;
	r = GW_ERR_CONFIG;
	if (!config_read_file(&cfg, path)) {
		snprintf(err, errsz, "%s:%d: syntax error: %s",
			 config_error_file(&cfg) ? config_error_file(&cfg) : path,
			 config_error_line(&cfg), config_error_text(&cfg));
		goto out;
	}
	if ((r = apply_root(&tmp, config_root_setting(&cfg), path, err, errsz)) < 0 ||
	    (r = check_together(&tmp, path, err, errsz)) < 0 ||
	    (r = check_sync(&tmp, path, err, errsz)) < 0)
		goto out;
	*s = tmp;
	r = 0;
out:
	config_destroy(&cfg);
	return r;
}

static void dump_table(FILE *f, const void *base, const struct setting_def *table,
		       const char *prefix)
{
	for (const struct setting_def *d = table; d->name; d++) {
		const char *p = (const char *)base + d->offset;

		if (d->type == SETTING_STR || d->type == SETTING_TIME)
			fprintf(f, "%s%s = \"%s\"\n", prefix, d->name, p);
		else if (d->type == SETTING_BOOL)
			fprintf(f, "%s%s = %s\n", prefix, d->name, *(const int *)p ? "true" : "false");
		else
			fprintf(f, "%s%s = %d\n", prefix, d->name, *(const int *)p);
	}
}

void settings_dump(const struct gw_settings *s, void *stream)
{
	char prefix[32];

	dump_table(stream, s, settings_table, "");
	for (int i = 0; i < s->nmodems; i++) {
		snprintf(prefix, sizeof(prefix), "modems[%d].", i);
		dump_table(stream, &s->modems[i], settings_modem_table, prefix);
	}
}

/* settings.h - the gateway's settings: a declarative table over libconfig.
 *
 * Every key the gateway understands is one row of a table (name, type,
 * range or allowed words, default, one-line help) in settings.c. Loading a
 * file checks every key against the table: unknown keys, wrong types and
 * out-of-range values are errors naming the file, the line and the key.
 * struct gw_settings holds only configuration, never runtime state.
 */
#ifndef GW_SETTINGS_H
#define GW_SETTINGS_H

#include <stddef.h>

#define SETTINGS_STR_MAX 256
#define SETTINGS_MODEMS_MAX 8
#define SETTINGS_NAME_MAX 32 /* a modem's name: letters, digits, . _ - */

/* One modem (a USB stick with its SIM): libgammu settings, pacing, what
 * it prefers to send and the operators' sending limits for its number.
 * `modem = {...}` is one of these named "modem"; `modems = ({...}, ...)`
 * several, each with a unique name. */
struct gw_modem_settings {
	char name[SETTINGS_STR_MAX];   /* at most SETTINGS_NAME_MAX - 1 characters */
	char model[SETTINGS_STR_MAX];
	char connection[SETTINGS_STR_MAX];
	char device[SETTINGS_STR_MAX];
	char pin[SETTINGS_STR_MAX];
	char own_number[SETTINGS_STR_MAX];
	char operators[SETTINGS_STR_MAX]; /* "viettel,vinaphone": sends to these first */
	int poll_interval_ms;
	int busy_read_share;
	int busy_poll_max_ms;
	int status_interval_s;
	int reconnect_min_ms;
	int reconnect_max_ms;
	int send_attempts;
	int retry_base_s;
	int multipart_timeout_s;
	int delivery_reports;
	int reject_calls;
	int call_reply_help;
	char balance_code[SETTINGS_STR_MAX];
	int balance_interval_s;
	int balance_low;
	int balance_min;           /* below it: out of routing until topped up */
	int same_text_per_5min;    /* operators' anti-spam limits, 0: none */
	int same_text_per_hour;
	int same_text_per_day;
	int per_day;               /* every message, per office day, 0: none */
	int recheck_interval_s;    /* barred or out of credit: look again after */
	int stall_after_s;         /* silent this long: passed over by routing */
	char fault_file[SETTINGS_STR_MAX];
	int send_delay_ms;
};

struct gw_settings {
	char transport[SETTINGS_STR_MAX]; /* "modem" (libgammu) or "kannel" */
	struct gw_modem_settings modems[SETTINGS_MODEMS_MAX];
	int nmodems;               /* at least 1 after settings_defaults/load */
	struct {
		char path[SETTINGS_STR_MAX];
		int busy_timeout_ms;
		int cache_kib;
	} database;
	struct {
		char level[SETTINGS_STR_MAX];
		int syslog;
		int mask_numbers;
	} log;
	struct {
		int max_parts;
		char reply_diacritics[SETTINGS_STR_MAX];
		int rate_limit_per_hour;
		int unknown_resend_after_s;
		int part_price;     /* đồng an SMS part, for the console's cost figures */
	} sms;
	struct {
		int utc_offset_min;
		char communes[SETTINGS_STR_MAX]; /* "Tân Lập, Thiện Kế": what the box serves */
	} office;
	struct {
		int retain_days;
	} privacy;
	struct {
		char quiet_start[SETTINGS_STR_MAX]; /* "HH:MM" office time */
		char quiet_end[SETTINGS_STR_MAX];
		int daily_cap;
	} broadcast;
	struct {
		int max_pin_failures;
		int lockout_minutes;
		int lockout_max_minutes;
	} officers;
	struct {
		int reminder_hour;
	} appointments;
	struct {
		int sms_timeout_s;
		int ussd_timeout_s;
	} dialog;
	struct {
		int enabled;
		char listen[SETTINGS_STR_MAX];
		int port;
		char path[SETTINGS_STR_MAX];
		char service_code[SETTINGS_STR_MAX];
		char secret[SETTINGS_STR_MAX];
		char allow[SETTINGS_STR_MAX];
		int max_body;
		int timeout_s;
	} ussd;
	struct {
		int enabled;
		char listen[SETTINGS_STR_MAX];
		int port;
		int session_minutes;
		char trusted_proxy[SETTINGS_STR_MAX];
		int timeout_s;
	} web;
	struct {
		char url[SETTINGS_STR_MAX];    /* the hub's folder; "" = no hub */
		char pubkey[SETTINGS_STR_MAX]; /* its Ed25519 public key, base64 */
		int interval_s;
		int timeout_s;
	} sync;
	struct {
		char listen[SETTINGS_STR_MAX];       /* our /kannel/mo and /kannel/dlr */
		int port;
		char callback_url[SETTINGS_STR_MAX]; /* how smsbox reaches us ("": listen:port) */
		char sendsms_url[SETTINGS_STR_MAX];
		char username[SETTINGS_STR_MAX];
		char password[SETTINGS_STR_MAX];
		char from[SETTINGS_STR_MAX];
		int dlr_mask;
		char allow[SETTINGS_STR_MAX];
		int max_body;
		int timeout_s;
		int resend_unknown_after_s;
		int senders;                /* workers handing answers to sendsms */
		char link[SETTINGS_STR_MAX];           /* "sendsms" (smsbox) or "box" */
		char bearerbox_host[SETTINGS_STR_MAX]; /* link = "box": bearerbox's smsbox-port */
		int bearerbox_port;
		char box_id[SETTINGS_STR_MAX];         /* our smsbox-id ("" none) */
	} kannel;
};

enum setting_type { SETTING_STR, SETTING_INT, SETTING_BOOL, SETTING_TIME /* "HH:MM" */ };

struct setting_def {
	const char *name;     /* dotted path, e.g. "database.path"; a modem key alone, "device" */
	enum setting_type type;
	long min, max;        /* SETTING_INT range */
	const char *choices;  /* SETTING_STR: "a|b|c" or NULL for free text */
	const char *def;      /* default, as text */
	size_t offset;        /* into struct gw_settings (gw_modem_settings for a modem key) */
	const char *help;
};

/* The table itself, terminated by a row with name == NULL. */
extern const struct setting_def settings_table[];
/* The keys of one modem, in `modem = {...}` or each group of `modems`. */
extern const struct setting_def settings_modem_table[];

/* Fill s with every default. */
void settings_defaults(struct gw_settings *s);

/* Load path over the defaults. On error returns GW_ERR_CONFIG (or
 * GW_ERR_IO) and writes "file:line: key: problem" into err (size errsz);
 * s is then left untouched. Settings that only mean something together
 * are checked too (transport = "kannel" needs kannel.password): then the
 * message is "file: key: problem". */
int settings_load(struct gw_settings *s, const char *path, char *err, size_t errsz);

/* Minutes after midnight of a validated "HH:MM" setting value. */
int settings_time_minutes(const char *hhmm);

/* The modem called name, or NULL. */
const struct gw_modem_settings *settings_modem(const struct gw_settings *s, const char *name);

/* 1 when list ("viettel,vinaphone") names op, compared without case. */
int settings_operator_listed(const char *list, const char *op);

/* 1 with transport = "kannel": then modems[0..kannel.senders), named
 * "kannel", "kannel-2", ..., are links to Kannel's sendsms, not modems;
 * the first also serves smsbox's calls (settings_kannel_endpoint). */
int settings_kannel(const struct gw_settings *s);
int settings_kannel_endpoint(const struct gw_settings *s, const struct gw_modem_settings *ms);
/* 1 with transport = "kannel" and kannel.link = "box": each of those links
 * is a box connection to bearerbox (gateway/kannel/kannel_box.h), and no
 * endpoint for smsbox is served. */
int settings_kannel_box(const struct gw_settings *s);

/* Write every setting as "name = value" to a stream (FILE *). */
void settings_dump(const struct gw_settings *s, void *stream);

#endif

/* Unit tests: config/settings - the declarative settings table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "config/settings.h"

static char path[64];

static int write_conf(const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/gwconf-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return 0;
}

static int load(const char *text, struct gw_settings *s, char *err, size_t errsz)
{
	int r;

	assert_int_equal(write_conf(text), 0);
	r = settings_load(s, path, err, errsz);
	unlink(path);
	return r;
}

static void test_defaults(void **state)
{
	struct gw_settings s;

	settings_defaults(&s);
	assert_string_equal(s.modems[0].model, "dummy");
	assert_string_equal(s.modems[0].connection, "none");
	assert_string_equal(s.modems[0].device, "var/modem");
	assert_string_equal(s.database.path, "var/gateway.db");
	assert_string_equal(s.log.level, "info");
	assert_int_equal(s.sms.max_parts, 3);
	assert_int_equal(s.privacy.retain_days, 180);
	assert_int_equal(s.modems[0].reject_calls, 1);
}

static void test_required_keys_parse(void **state)
{
	struct gw_settings s;
	char err[256];

	assert_int_equal(load("modem = { model = \"\"; connection = \"at\"; device = \"/dev/ttyUSB0\"; pin = \"1234\"; };\n"
			      "database = { path = \"/var/lib/gw.db\"; };\nlog = { level = \"debug\"; };\n",
			      &s, err, sizeof(err)), 0);
	assert_string_equal(s.modems[0].connection, "at");
	assert_string_equal(s.modems[0].pin, "1234");
	assert_string_equal(s.database.path, "/var/lib/gw.db");
	assert_string_equal(s.log.level, "debug");
	assert_int_equal(s.sms.max_parts, 3); /* untouched keys keep defaults */
}

static void test_unknown_key_names_file_line_key(void **state)
{
	struct gw_settings s;
	char err[256];

	settings_defaults(&s);
	gw_strlcpy(s.modems[0].device, "keep", sizeof(s.modems[0].device));
	assert_int_equal(load("log = { level = \"info\"; };\nmodem = {\n  devise = \"x\";\n};\n", &s, err,
			      sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, ":3:"));
	assert_non_null(strstr(err, "modem.devise"));
	assert_non_null(strstr(err, "unknown"));
	assert_string_equal(s.modems[0].device, "keep"); /* nothing applied */
}

static void test_wrong_type(void **state)
{
	struct gw_settings s;
	char err[256];

	assert_int_equal(load("sms = { max_parts = \"three\"; };\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, ":1:"));
	assert_non_null(strstr(err, "sms.max_parts"));
	assert_non_null(strstr(err, "integer"));
	assert_int_equal(load("modem = { reject_calls = 1; };\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, "true or false"));
}

static void test_out_of_range_and_choices(void **state)
{
	struct gw_settings s;
	char err[256];

	assert_int_equal(load("\n\nsms = { max_parts = 11; };\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, ":3:"));
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(load("broadcast = { quiet_start = \"25:00\"; };\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, "HH:MM"));
	assert_int_equal(load("broadcast = { quiet_end = \"6:30\"; };\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_int_equal(load("broadcast = { quiet_end = \"06:30\"; };\n", &s, err, sizeof(err)), 0);
	assert_int_equal(settings_time_minutes(s.broadcast.quiet_end), 390);
	assert_int_equal(load("log = { level = \"loud\"; };\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, "log.level"));
	assert_non_null(strstr(err, "one of"));
}

static void test_syntax_error_and_missing_file(void **state)
{
	struct gw_settings s;
	char err[256];

	assert_int_equal(load("modem = { model = \"dummy\" \n", &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, "syntax error"));
	assert_int_equal(settings_load(&s, "/nonexistent/gw.conf", err, sizeof(err)), GW_ERR_IO);
	assert_non_null(strstr(err, "/nonexistent/gw.conf"));
	/* garbage bytes */
	assert_int_equal(load("\xff\xfe\x00garbage{{{;;\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
}

static void test_unknown_top_level(void **state)
{
	struct gw_settings s;
	char err[256];

	assert_int_equal(load("colour = \"blue\";\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, "colour"));
	assert_int_equal(load("modem = ( 1, 2 );\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
}

/* The shipped configs must load, and the example must document every key. */
/* A hub needs a URL the downloader takes and its public key. */
static void test_sync_needs_key_and_url(void **state)
{
	struct gw_settings s;
	char err[512];

	(void)state;
	assert_int_equal(load("sync = { url = \"https://hub.example/gw\"; };", &s, err, sizeof(err)),
			 GW_ERR_CONFIG);
	assert_non_null(strstr(err, "sync.pubkey: missing"));
	assert_int_equal(load("sync = { url = \"https://hub.example/gw\"; pubkey = \"AAAA\"; };", &s,
			      err, sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, "not an Ed25519 public key"));
	assert_int_equal(load("sync = { url = \"ftp://hub.example/gw\";"
			      " pubkey = \"vOcYRp/29B3U9de2GmnlROFzadIkCzIL3Y+hHFoRdoI=\"; };", &s, err,
			      sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, "sync.url"));
	assert_int_equal(load("sync = { url = \"file:///media/usb/hub\";"
			      " pubkey = \"vOcYRp/29B3U9de2GmnlROFzadIkCzIL3Y+hHFoRdoI=\"; interval = 60; };",
			      &s, err, sizeof(err)), 0);
	assert_int_equal(s.sync.interval_s, 60);
	/* no hub: no key needed */
	assert_int_equal(load("sync = { interval = 60; };", &s, err, sizeof(err)), 0);
}

/* kannel.link = "box": bearerbox's address instead of smsbox's keys; a
 * sender is needed (bearerbox has no global-sender), a password is not. */
static void test_kannel_box_link(void **state)
{
	struct gw_settings s;
	char err[512];

	assert_int_equal(load("transport = \"kannel\"; kannel = { link = \"box\"; };", &s, err,
			      sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, "kannel.from: must be set"));
	assert_int_equal(load("transport = \"kannel\"; kannel = { link = \"smpp\"; from = \"1022\"; };",
			      &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, "kannel.link"));
	assert_int_equal(load("transport = \"kannel\"; kannel = { link = \"box\"; from = \"1022\";"
			      " bearerbox_host = \"10.0.0.5\"; bearerbox_port = 13011; senders = 2; };",
			      &s, err, sizeof(err)), 0);
	assert_true(settings_kannel_box(&s));
	assert_string_equal(s.kannel.box_id, "gatewayd");
	assert_int_equal(s.nmodems, 2);
	assert_string_equal(s.modems[1].name, "kannel-2");
	assert_string_equal(s.modems[0].device, "bearerbox 10.0.0.5:13011");
	/* no endpoint for smsbox on this link */
	assert_false(settings_kannel_endpoint(&s, &s.modems[0]));
	/* the sendsms link is unchanged: it still needs the password */
	assert_int_equal(load("transport = \"kannel\"; kannel = { from = \"1022\"; };", &s, err,
			      sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, "kannel.password"));
	assert_int_equal(load("transport = \"kannel\"; kannel = { password = \"x\"; };", &s, err,
			      sizeof(err)), 0);
	assert_false(settings_kannel_box(&s));
	assert_true(settings_kannel_endpoint(&s, &s.modems[0]));
}

static void test_shipped_configs(void **state)
{
	struct gw_settings s;
	char err[256];
	FILE *f;
	char *text;
	long n;

	assert_int_equal(settings_load(&s, "config/gateway.conf", err, sizeof(err)), 0);
	assert_int_equal(settings_load(&s, "config/gateway.conf.example", err, sizeof(err)), 0);
	f = fopen("config/gateway.conf.example", "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	for (const struct setting_def *d = settings_table; d->name; d++) {
		const char *dot = strchr(d->name, '.');
		char needle[96];

		/* a group's keys are indented, a top-level one starts its line */
		if (dot)
			snprintf(needle, sizeof(needle), "  %s = ", dot + 1);
		else
			snprintf(needle, sizeof(needle), "\n%s = ", d->name);
		if (!strstr(text, needle))
			fail_msg("config/gateway.conf.example does not document %s", d->name);
	}
	for (const struct setting_def *d = settings_modem_table; d->name; d++) {
		char needle[96];

		snprintf(needle, sizeof(needle), "  %s = ", d->name);
		if (!strstr(text, needle))
			fail_msg("config/gateway.conf.example does not document modem key %s", d->name);
	}
	free(text);
}

/* Several modems, each with every modem key; untouched keys keep defaults. */
static void test_modems_list(void **state)
{
	struct gw_settings s;
	char err[256];

	assert_int_equal(load("modems = (\n"
			      "  { name = \"sim-viettel\"; device = \"/dev/a\"; operators = \"viettel\";\n"
			      "    same_text_per_hour = 10; per_day = 200; },\n"
			      "  { name = \"sim-vina\"; device = \"/dev/b\"; operators = \"vinaphone, mobifone\";\n"
			      "    poll_interval_ms = 500; own_number = \"+84911000003\"; }\n);\n",
			      &s, err, sizeof(err)), 0);
	assert_int_equal(s.nmodems, 2);
	assert_string_equal(s.modems[0].name, "sim-viettel");
	assert_string_equal(s.modems[0].device, "/dev/a");
	assert_int_equal(s.modems[0].same_text_per_hour, 10);
	assert_int_equal(s.modems[0].per_day, 200);
	assert_int_equal(s.modems[0].same_text_per_5min, 3);  /* default */
	assert_int_equal(s.modems[0].same_text_per_day, 100); /* default */
	assert_int_equal(s.modems[0].poll_interval_ms, 1000);
	assert_string_equal(s.modems[1].name, "sim-vina");
	assert_int_equal(s.modems[1].poll_interval_ms, 500);
	assert_string_equal(s.modems[1].model, "dummy");
	assert_true(settings_modem(&s, "sim-vina") == &s.modems[1]);
	assert_null(settings_modem(&s, "modem"));
	assert_true(settings_operator_listed(s.modems[1].operators, "mobifone"));
	assert_true(settings_operator_listed(s.modems[1].operators, "VinaPhone"));
	assert_false(settings_operator_listed(s.modems[1].operators, "viettel"));
	assert_false(settings_operator_listed(s.modems[1].operators, "vina"));
	assert_false(settings_operator_listed(s.modems[1].operators, ""));
	/* the single group is one modem named "modem", or as it says */
	assert_int_equal(load("modem = { device = \"/dev/x\"; };\n", &s, err, sizeof(err)), 0);
	assert_int_equal(s.nmodems, 1);
	assert_string_equal(s.modems[0].name, "modem");
	assert_int_equal(load("modem = { name = \"usb0\"; };\n", &s, err, sizeof(err)), 0);
	assert_string_equal(s.modems[0].name, "usb0");
	settings_defaults(&s);
	assert_int_equal(s.nmodems, 1);
	assert_string_equal(s.modems[0].name, "modem");
}

static void test_modems_errors(void **state)
{
	struct gw_settings s;
	char err[256];

	assert_int_equal(load("modems = (\n  { name = \"a\"; },\n  { name = \"a\"; }\n);\n", &s, err,
			      sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, ":3:"));
	assert_non_null(strstr(err, "modems[1].name"));
	assert_non_null(strstr(err, "two modems"));
	assert_int_equal(load("modems = ( { name = \"a\"; },\n { devise = \"x\"; } );\n", &s, err,
			      sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, ":2:"));
	assert_non_null(strstr(err, "modems[1].devise"));
	assert_non_null(strstr(err, "unknown"));
	assert_int_equal(load("modem = { device = \"x\"; };\nmodems = ( { name = \"a\"; } );\n", &s,
			      err, sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, "either"));
	assert_int_equal(load("modems = ();\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_int_equal(load("modems = { name = \"a\"; };\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_int_equal(load("modems = ( 1 );\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_int_equal(load("modem = { name = \"a b\"; };\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, "modem.name"));
	assert_int_equal(load("modem = { name = \"\"; };\n", &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_int_equal(load("modem = { operators = \"viettel;vina\"; };\n", &s, err, sizeof(err)),
			 GW_ERR_CONFIG);
	assert_non_null(strstr(err, "modem.operators"));
	assert_int_equal(load("modem = { same_text_per_hour = -1; };\n", &s, err, sizeof(err)),
			 GW_ERR_CONFIG);
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(load("modems = ( {name=\"a\";},{name=\"b\";},{name=\"c\";},{name=\"d\";},"
			      "{name=\"e\";},{name=\"f\";},{name=\"g\";},{name=\"h\";},{name=\"i\";} );\n",
			      &s, err, sizeof(err)), GW_ERR_CONFIG);
	assert_non_null(strstr(err, "1 to 8"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_required_keys_parse),
		cmocka_unit_test(test_unknown_key_names_file_line_key),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_out_of_range_and_choices),
		cmocka_unit_test(test_syntax_error_and_missing_file),
		cmocka_unit_test(test_unknown_top_level),
		cmocka_unit_test(test_sync_needs_key_and_url),
		cmocka_unit_test(test_kannel_box_link),
		cmocka_unit_test(test_shipped_configs),
		cmocka_unit_test(test_modems_list),
		cmocka_unit_test(test_modems_errors),
	};
	return cmocka_run_group_tests_name("settings", tests, NULL, NULL);
}

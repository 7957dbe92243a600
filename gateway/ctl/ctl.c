/* What several gatewayctl subcommands share (ctl.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/gw_err.h"
#include "gateway/content/content_io.h"
#include "gateway/ctl/ctl.h"
#include "handlers/core/contacts.h"
#include "handlers/features/jobs.h"
#include "handlers/features/officers.h"
#include "handlers/handler.h"

#define CTL_OPTS_MAX 16
#define CTL_LONG_ONLY 256 /* getopt's value of a long-only option: this + its index */

/* Apply one option's argument to its value. */
static int set_option(const struct ctl *c, const struct ctl_opt *o, const char *arg)
{
	char *end;
	long v;
	int r = 0;

	switch (o->type) {
	case CTL_OPT_FLAG: *(int *)o->value = 1; break;
	case CTL_OPT_STRING: *(const char **)o->value = arg; break;
	case CTL_OPT_LONG:
		v = strtol(arg, &end, 10);
		if (v < o->min || v > o->max || *end)
			r = GW_ERR_INVAL;
		else
			*(long *)o->value = v;
		break;
	case CTL_OPT_CALL: r = o->parse(c, arg, o->value) < 0 ? GW_ERR_INVAL : 0; break;
	}
	return r;
}

int ctl_options(const struct ctl *c, int argc, char **argv, const struct ctl_opt *opts)
{
	struct option longopts[CTL_OPTS_MAX + 1];
	char shortopts[2 * CTL_OPTS_MAX + 1];
	size_t n = 0, ns = 0;
	int ch, r = GW_ERR_INVAL;

	for (; opts[n].name; n++) {
		if (n == CTL_OPTS_MAX)
			goto out; /* our bug: a bigger table than the arrays */
		longopts[n].name = opts[n].name;
		longopts[n].has_arg = opts[n].type == CTL_OPT_FLAG ? no_argument : required_argument;
		longopts[n].flag = NULL;
		longopts[n].val = opts[n].short_name ? opts[n].short_name : CTL_LONG_ONLY + (int)n;
		if (opts[n].short_name) {
			shortopts[ns++] = opts[n].short_name;
			if (opts[n].type != CTL_OPT_FLAG)
				shortopts[ns++] = ':';
		}
	}
	memset(&longopts[n], 0, sizeof(longopts[n]));
	shortopts[ns] = '\0';
	optind = 0; /* GNU getopt: start afresh on this argv */
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct ctl_opt *o = NULL;

		if (ch >= CTL_LONG_ONLY && ch < CTL_LONG_ONLY + (int)n)
			o = &opts[ch - CTL_LONG_ONLY];
		for (size_t i = 0; !o && ch != '?' && i < n; i++)
			if (opts[i].short_name == ch)
				o = &opts[i];
		if (!o || set_option(c, o, optarg) < 0)
			goto out;
	}
	r = optind;
out:
	return r;
}

int ctl_opt_since(const struct ctl *c, const char *arg, void *since)
{
	time_t now = time(NULL);
	struct tm tm;
	int y, m, d, n;
	char extra;
	int r = GW_ERR_INVAL;

	if (sscanf(arg, "%d%c%c", &n, &extra, &extra) == 2 && arg[strlen(arg) - 1] == 'd' && n >= 0 &&
	    n <= 36500) {
		*(time_t *)since = now - (time_t)n * 86400;
		r = 0;
	} else if (strlen(arg) == 10 && sscanf(arg, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3 &&
		   m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d;
		*(time_t *)since = timegm(&tm) - (time_t)c->cfg.office.utc_offset_min * 60;
		r = 0;
	}
	return r;
}

int ctl_opt_format(const struct ctl *c, const char *arg, void *format)
{
	return content_io_format(arg, format);
}

int ctl_usage(const char *text)
{
	fputs(text, stderr);
	return 2;
}

int ctl_open_db(const struct ctl *c, struct db **out)
{
	int r = handler_store_open(out, c->cfg.database.path, c->cfg.database.busy_timeout_ms);

	if (r == 0 && (r = db_set_cache_kib(*out, c->cfg.database.cache_kib)) < 0) {
		db_close(*out);
		*out = NULL;
	}
	if (r < 0)
		fprintf(stderr, "gatewayctl: cannot open database %s: %s\n", c->cfg.database.path,
			gw_strerror(r));
	return r;
}

int ctl_commit(struct db *db, int r, const char *what)
{
	if (r == 0 && (r = db_commit(db)) == 0)
		goto out;
	db_rollback(db);
	fprintf(stderr, "gatewayctl: %s: %s\n", what, gw_strerror(r));
out:
	return r;
}

void ctl_office_time(const struct ctl *c, int64_t t, char *out, size_t outsz)
{
	time_t local = (time_t)(t + (c->utc ? 0 : (int64_t)c->cfg.office.utc_offset_min * 60));
	struct tm tm;

	gmtime_r(&local, &tm);
	if (strftime(out, outsz, c->utc ? "%Y-%m-%d %H:%M UTC" : "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, outsz, "-");
}

void ctl_when(const struct ctl *c, int64_t t, char *out, size_t outsz)
{
	if (t)
		ctl_office_time(c, t, out, outsz);
	else
		snprintf(out, outsz, "-");
}

int ctl_content_kind(const char *s, enum content_kind *kind)
{
	static const enum content_kind kinds[] = { CONTENT_PROGRAMS, CONTENT_JOBS };
	int r = GW_ERR_INVAL;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && r < 0; i++) {
		if (strcmp(s, content_kind_name(kinds[i])) == 0) {
			*kind = kinds[i];
			r = 0;
		}
	}
	return r;
}

int ctl_phone(const char *text, char *out, size_t outsz)
{
	int r = contacts_normalize_phone(text, out, outsz);

	if (r < 0)
		fprintf(stderr, "gatewayctl: '%s' is not a phone number\n", text);
	return r;
}

int ctl_officer(struct db *db, const char *text, struct officer *out)
{
	char phone[32];
	int r;

	if ((r = contacts_normalize_phone(text, phone, sizeof(phone))) < 0 ||
	    (r = officers_find(db, phone, out)) < 0)
		fprintf(stderr, "gatewayctl: '%s' is not a registered officer\n", text);
	return r;
}

int ctl_job(struct db *db, const char *ref, struct job *out)
{
	int r = jobs_find(db, ref, out);

	if (r < 0)
		fprintf(stderr, "gatewayctl: no job '%s'\n", ref);
	return r;
}

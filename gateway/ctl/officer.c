/* gatewayctl officer: add, list and remove the officers who may use the
 * officer commands by SMS (with a PIN), `officer pin` (a new PIN),
 * `officer unlock` (lift the SMS and web console locks of an account) and
 * `officer passwd`, the web console password of one of them.
 *
 * Secrets never come from argv unless asked (--pin, for scripts): on a
 * terminal they are asked without echo (twice), otherwise they are the
 * first line of standard input (printf '%s\n' "$pw" | gatewayctl officer
 * passwd 0912345678), so they stay out of the shell history. A password
 * is stored as an Argon2id hash (web_auth.h) and the officer's open web
 * sessions end. Every change is one transaction with its audit row. */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/gw_err.h"
#include "gateway/ctl/ctl.h"
#include "gateway/web/web_auth.h"
#include "handlers/features/officers.h"

#define PASSWORD_LINE (WEB_PASSWORD_MAX + 8)

static const char officer_usage[] =
	"usage: gatewayctl officer add PHONE --name NAME [--commune C] [--role officer|admin]\n"
	"                              [--pin PIN]   (no --pin: asked without echo)\n"
	"       gatewayctl officer list\n"
	"       gatewayctl officer remove PHONE\n"
	"       gatewayctl officer pin PHONE [--pin PIN]   (a new SMS PIN, 6-8 digits)\n"
	"       gatewayctl officer unlock PHONE   (lift the SMS PIN and web login locks)\n"
	"       gatewayctl officer passwd PHONE   (web console password; stdin when not a terminal)\n";

/* One line from in into out, without its end of line. When term is set,
 * in is a terminal: the prompt goes to term and the typing is not echoed.
 * GW_ERR_TOOBIG when the line does not fit (out gets its start). */
static int read_line(FILE *in, FILE *term, const char *prompt, char *out, size_t outsz)
{
	struct termios old, quiet;
	int restore = 0, r = GW_ERR_IO;

	if (term) {
		fputs(prompt, term);
		fflush(term);
		if (tcgetattr(fileno(in), &old) == 0) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			restore = tcsetattr(fileno(in), TCSAFLUSH, &quiet) == 0;
		}
	}
	if (fgets(out, (int)outsz, in)) {
		size_t n = strcspn(out, "\r\n");

		r = out[n] || feof(in) ? 0 : GW_ERR_TOOBIG; /* no newline and more to come: too long */
		out[n] = '\0';
	}
	if (restore)
		tcsetattr(fileno(in), TCSAFLUSH, &old);
	if (term)
		fputs("\n", term);
	return r;
}

/* A PIN from the terminal (/dev/tty) when stdin is one too, else from
 * stdin (scripts: echo 1234 | gatewayctl officer add ...). A long line is
 * cut: it is no PIN anyway. */
static int read_pin(const char *prompt, char *out, size_t outsz)
{
	FILE *tty = fopen("/dev/tty", "r+");
	int r;

	if (tty && isatty(fileno(tty)) && isatty(STDIN_FILENO))
		r = read_line(tty, tty, prompt, out, outsz);
	else
		r = read_line(stdin, NULL, prompt, out, outsz);
	if (tty)
		fclose(tty);
	return r == GW_ERR_TOOBIG ? 0 : r;
}

/* A new PIN from --pin, or asked (twice on a terminal); 0 when it is one,
 * else the exit status (1, or 2 for a PIN that is not 6 to 8 digits). */
static int new_pin(const char *pin_arg, char *pin, size_t pinsz)
{
	char again[64];
	int rc = 1;

	again[0] = '\0';
	if (pin_arg) {
		snprintf(pin, pinsz, "%s", pin_arg);
	} else if (read_pin("PIN (6-8 digits): ", pin, pinsz) < 0 ||
		   (isatty(STDIN_FILENO) && (read_pin("PIN again: ", again, sizeof(again)) < 0 ||
					     strcmp(pin, again) != 0))) {
		fprintf(stderr, "gatewayctl: the PINs differ or none was given\n");
		goto out;
	}
	rc = 2;
	if (!officers_new_pin_valid(pin)) {
		fprintf(stderr, "gatewayctl: the PIN must be %d to 8 digits\n", OFFICERS_NEW_PIN_MIN);
		goto out;
	}
	rc = 0;
out:
	memset(again, 0, sizeof(again));
	return rc;
}

static int officer_add(struct ctl *c, struct db *db, int argc, char **argv)
{
	const char *name = NULL, *commune = "", *role = "officer", *pin_arg = NULL;
	const struct ctl_opt opts[] = {
		CTL_STRING(0, "name", &name), CTL_STRING(0, "commune", &commune),
		CTL_STRING(0, "role", &role), CTL_STRING(0, "pin", &pin_arg), CTL_END,
	};
	char phone[32], pin[64];
	int first, r, rc = 1;

	pin[0] = '\0';
	if ((first = ctl_options(c, argc, argv, opts)) != argc - 1 || !name ||
	    (strcmp(role, "officer") != 0 && strcmp(role, "admin") != 0))
		return ctl_usage(officer_usage);
	if (ctl_phone(argv[first], phone, sizeof(phone)) < 0)
		return 2;
	if ((rc = new_pin(pin_arg, pin, sizeof(pin))) != 0)
		goto out;
	rc = 1;
	if ((r = db_begin(db)) < 0)
		goto out;
	r = officers_add(db, phone, name, role, commune, pin, OFFICERS_HASH_INTERACTIVE, c->actor,
			 time(NULL));
	if (ctl_commit(db, r, r == GW_ERR_EXISTS ? "officer add: already registered" : "officer add") < 0)
		goto out;
	printf("registered %s %s (%s)\n", role, phone, name);
	rc = 0;
out:
	memset(pin, 0, sizeof(pin));
	return rc;
}

static int officer_pin(struct ctl *c, struct db *db, int argc, char **argv)
{
	const char *pin_arg = NULL;
	const struct ctl_opt opts[] = { CTL_STRING(0, "pin", &pin_arg), CTL_END };
	char phone[32], pin[64];
	int first, r, rc = 2;

	pin[0] = '\0';
	if ((first = ctl_options(c, argc, argv, opts)) != argc - 1)
		return ctl_usage(officer_usage);
	if (ctl_phone(argv[first], phone, sizeof(phone)) < 0 || (rc = new_pin(pin_arg, pin, sizeof(pin))) != 0)
		goto out;
	rc = 1;
	if ((r = db_begin(db)) < 0)
		goto out;
	r = officers_set_pin(db, phone, pin, OFFICERS_HASH_INTERACTIVE, c->actor, time(NULL));
	if (ctl_commit(db, r, r == GW_ERR_NOTFOUND ? "officer pin: not registered" : "officer pin") < 0)
		goto out;
	printf("new SMS PIN set for %s; its lock, if any, is lifted\n", phone);
	rc = 0;
out:
	memset(pin, 0, sizeof(pin));
	return rc;
}

static int officer_unlock(struct ctl *c, struct db *db, const char *text)
{
	char phone[32];
	int web = 0, r;

	if (ctl_phone(text, phone, sizeof(phone)) < 0)
		return 2;
	if ((r = db_begin(db)) < 0)
		return 1;
	r = officers_unlock(db, phone, c->actor, time(NULL), &web);
	if (ctl_commit(db, r, r == GW_ERR_NOTFOUND ? "officer unlock: not registered" : "officer unlock") < 0)
		return 1;
	printf("%s unlocked: SMS PIN lock lifted, %d web login counter(s) cleared\n", phone, web);
	return 0;
}

static int officer_list(struct ctl *c, struct db *db)
{
	sqlite3_stmt *st;
	time_t now = time(NULL);
	char until[24];
	int r;

	int shorts = 0;

	if ((r = db_prepare(db, "SELECT phone, role, name, commune, failed_attempts, locked_until,"
				" coalesce(pin_short, 1) FROM officers ORDER BY id", &st)) < 0)
		return 1;
	printf("%-14s %-7s %-24s %-16s %s\n", "PHONE", "ROLE", "NAME", "COMMUNE", "STATE");
	while ((r = db_step(st)) == DB_ROW) {
		time_t locked = (time_t)sqlite3_column_int64(st, 5);
		int is_short = sqlite3_column_int(st, 6);

		printf("%-14s %-7s %-24s %-16s ", db_col_text(st, 0), db_col_text(st, 1),
		       db_col_text(st, 2), db_col_text(st, 3));
		if (locked > now) {
			ctl_office_time(c, locked, until, sizeof(until));
			printf("locked until %s", until);
		} else {
			printf("ok (%d wrong PIN)", sqlite3_column_int(st, 4));
		}
		printf("%s\n", is_short ? "; PIN under 6 digits or of unknown length" : "");
		shorts += is_short;
	}
	/* a warning, on stderr, so scripts reading the table are not fooled */
	if (r == DB_DONE && shorts)
		fprintf(stderr, "gatewayctl: warning: %d officer(s) may have a PIN shorter than %d digits"
				" (set before the rule, or not used since): give them a new one with"
				" 'gatewayctl officer pin PHONE'\n", shorts, OFFICERS_NEW_PIN_MIN);
	return r < 0 ? 1 : 0;
}

static int officer_remove(struct ctl *c, struct db *db, const char *text)
{
	char phone[32];
	int r;

	if (ctl_phone(text, phone, sizeof(phone)) < 0)
		return 2;
	if ((r = db_begin(db)) < 0)
		return 1;
	r = officers_remove(db, phone, c->actor, time(NULL));
	if (ctl_commit(db, r, r == GW_ERR_NOTFOUND ? "officer remove: not registered"
						   : "officer remove") < 0)
		return 1;
	printf("removed %s\n", phone);
	return 0;
}

/* officer passwd PHONE: argv[0] is "passwd". */
static int officer_passwd(struct ctl *c, int argc, char **argv)
{
	char phone[32], pw[PASSWORD_LINE], again[PASSWORD_LINE];
	FILE *term = isatty(STDIN_FILENO) ? stderr : NULL;
	int r, rc = 2;
	struct db *db = NULL;

	pw[0] = again[0] = '\0';
	if (argc != 2) {
		fprintf(stderr, "usage: gatewayctl officer passwd PHONE   (password from the terminal,"
				" or the first line of stdin)\n");
		goto out;
	}
	if (ctl_phone(argv[1], phone, sizeof(phone)) < 0)
		goto out;
	rc = 1;
	if (read_line(stdin, term, "New web password: ", pw, sizeof(pw)) < 0 ||
	    (term && (read_line(stdin, term, "Again: ", again, sizeof(again)) < 0 || strcmp(pw, again) != 0))) {
		fprintf(stderr, "gatewayctl: no password given, too long, or the two differ\n");
		goto out;
	}
	if (!web_auth_password_ok(pw)) {
		fprintf(stderr, "gatewayctl: the password must be %d to %d characters, without control"
				" characters\n", WEB_PASSWORD_MIN, WEB_PASSWORD_MAX);
		rc = 2;
		goto out;
	}
	if (ctl_open_db(c, &db) < 0)
		goto out;
	r = web_auth_set_password(db, phone, pw, PWHASH_INTERACTIVE, c->actor);
	if (r == GW_ERR_NOTFOUND) {
		fprintf(stderr, "gatewayctl: %s is not a registered officer (gatewayctl officer add)\n", phone);
		goto out;
	}
	if (r < 0) {
		fprintf(stderr, "gatewayctl: officer passwd: %s\n", gw_strerror(r));
		goto out;
	}
	printf("web password set for %s; their open sessions are closed\n", phone);
	rc = 0;
out:
	memset(pw, 0, sizeof(pw));
	memset(again, 0, sizeof(again));
	db_close(db);
	return rc;
}

int ctl_cmd_officer(struct ctl *c, int argc, char **argv)
{
	struct db *db = NULL;
	int rc = 1;

	if (argc < 2)
		return ctl_usage(officer_usage);
	if (strcmp(argv[1], "passwd") == 0) /* opens the database only once the password is good */
		return officer_passwd(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0 && strcmp(argv[1], "pin") != 0 &&
	    !((strcmp(argv[1], "remove") == 0 || strcmp(argv[1], "unlock") == 0) && argc == 3))
		return ctl_usage(officer_usage);
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if (strcmp(argv[1], "add") == 0)
		rc = officer_add(c, db, argc - 1, argv + 1);
	else if (strcmp(argv[1], "pin") == 0)
		rc = officer_pin(c, db, argc - 1, argv + 1);
	else if (strcmp(argv[1], "list") == 0)
		rc = officer_list(c, db);
	else if (strcmp(argv[1], "unlock") == 0)
		rc = officer_unlock(c, db, argv[2]);
	else
		rc = officer_remove(c, db, argv[2]);
out:
	db_close(db);
	return rc;
}

/* gatewayctl officer passwd PHONE: the web console password of a
 * registered officer or administrator.
 *
 * On a terminal the password is asked twice without echo; otherwise it is
 * the first line of standard input (scripts: printf '%s\n' "$pw" |
 * gatewayctl officer passwd 0912345678), so it never appears in argv or
 * the shell history. Stored as an Argon2id hash (web_auth.h); the
 * officer's open web sessions end. */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common/gw_err.h"
#include "gateway/ctl/ctl.h"
#include "gateway/web/web_auth.h"
#include "handlers/core/contacts.h"

#define PASSWORD_LINE (WEB_PASSWORD_MAX + 8)

/* One line into out without its end of line. From the terminal without
 * echo when tty is set, else from stdin. */
static int read_line(FILE *in, int tty, const char *prompt, char *out, size_t outsz)
{
	struct termios old, quiet;
	int restore = 0, r = GW_ERR_IO;

	if (tty) {
		fputs(prompt, stderr);
		fflush(stderr);
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
	if (tty)
		fputs("\n", stderr);
	return r;
}

int ctl_cmd_officer_passwd(struct ctl *c, int argc, char **argv)
{
	char phone[32], pw[PASSWORD_LINE], again[PASSWORD_LINE];
	int tty = isatty(STDIN_FILENO), r, rc = 2;
	struct db *db = NULL;

	pw[0] = again[0] = '\0';
	if (argc != 2) {
		fprintf(stderr, "usage: gatewayctl officer passwd PHONE   (password from the terminal,"
				" or the first line of stdin)\n");
		goto out;
	}
	if (contacts_normalize_phone(argv[1], phone, sizeof(phone)) < 0) {
		fprintf(stderr, "gatewayctl: '%s' is not a phone number\n", argv[1]);
		goto out;
	}
	rc = 1;
	if (read_line(stdin, tty, "New web password: ", pw, sizeof(pw)) < 0 ||
	    (tty && (read_line(stdin, tty, "Again: ", again, sizeof(again)) < 0 || strcmp(pw, again) != 0))) {
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
	r = web_auth_set_password(db, phone, pw, WEB_HASH_INTERACTIVE, c->actor);
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

/* gatewayctl ussd CODE [--modem NAME]: dial a USSD code on one of our SIMs
 * (balance, data packs); without --modem, the first modem free. The
 * daemon's workers own the modems: the request goes through the database
 * and we wait for the answer. */
#include <poll.h>
#include <stdio.h>
#include <time.h>

#include "common/gw_err.h"
#include "gateway/ctl/ctl.h"
#include "gateway/daemon/ussd_requests.h"

int ctl_cmd_ussd(struct ctl *c, int argc, char **argv)
{
	long timeout_s = 60;
	const char *modem = "";
	const struct ctl_opt opts[] = { CTL_LONG('t', "timeout", &timeout_s, 1, 600),
					CTL_STRING('m', "modem", &modem), CTL_END };
	struct db *db = NULL;
	char answer[512];
	int64_t id = 0;
	int first, done = 0, r, rc = 1;

	if ((first = ctl_options(c, argc, argv, opts)) < 0)
		return ctl_usage("usage: gatewayctl ussd CODE [--modem NAME] [--timeout SECONDS (1-600)]\n");
	if (first != argc - 1)
		return ctl_usage("usage: gatewayctl ussd CODE [--modem NAME] [--timeout SECONDS]\n");
	if (*modem && !settings_modem(&c->cfg, modem)) {
		fprintf(stderr, "gatewayctl: no modem called '%s' in %s\n", modem, c->config_path);
		return 2;
	}
	if (!ussd_code_valid(argv[first])) {
		fprintf(stderr, "gatewayctl: '%s' is not a USSD code (digits, * and #)\n", argv[first]);
		return 2;
	}
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if ((r = ussd_requests_file(db, modem, argv[first], time(NULL), &id)) < 0) {
		fprintf(stderr, "gatewayctl: %s\n", gw_strerror(r));
		goto out;
	}
	/* The daemon owns the modem; wait for it to dial and store the answer. */
	for (long waited = 0; waited < timeout_s * 10; waited++) {
		if ((r = ussd_requests_poll(db, id, answer, sizeof(answer), &done)) < 0 && done) {
			fprintf(stderr, "gatewayctl: USSD failed: %s\n", answer);
			goto out;
		}
		if (done) {
			printf("%s\n", answer);
			rc = 0;
			goto out;
		}
		poll(NULL, 0, 100);
	}
	fprintf(stderr, "gatewayctl: no answer within %ld s (is gatewayd running?)\n", timeout_s);
	ussd_requests_expire(db, id);
out:
	db_close(db);
	return rc;
}

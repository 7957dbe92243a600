/* gatewayctl sync: pull the hub's signed content now (gateway/hub/hub_sync.h).
 * The daemon runs it every sync.interval with --from-daemon: then it logs
 * as the daemon does (syslog when the daemon does) and says nothing when
 * there is nothing new. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/signing.h"
#include "gateway/ctl/ctl.h"
#include "gateway/hub/hub_sync.h"

#define SYNC_ERR_MAX 1024

static int url_ok(const char *url)
{
	return strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0 ||
	       strncmp(url, "file://", 7) == 0;
}

int ctl_cmd_sync(struct ctl *c, int argc, char **argv)
{
	static const char usage[] = "usage: gatewayctl sync [--url URL] [--from-daemon]\n";
	const char *url = c->cfg.sync.url;
	int daemon = 0, first, r, rc = 1;
	const struct ctl_opt opts[] = {
		CTL_STRING('u', "url", &url), CTL_FLAG(0, "from-daemon", &daemon), CTL_END,
	};
	struct hub_pull_result res;
	struct hub_pull p;
	struct db *db = NULL;
	char err[SYNC_ERR_MAX], actor[SETTINGS_STR_MAX + 8];
	struct buf said;

	if ((first = ctl_options(c, argc, argv, opts)) < 0 || first != argc)
		return ctl_usage(usage);
	if (daemon) {
		int level = log_level_parse(c->cfg.log.level);

		log_setup("gatewayd-sync", level < 0 ? LOG_LVL_INFO : level, c->cfg.log.syslog,
			  c->cfg.log.mask_numbers);
	}
	if (!*url || !url_ok(url) || signing_check_public(c->cfg.sync.pubkey) < 0) {
		fprintf(stderr, "gatewayctl: sync: %s\n", !*url ? "no hub: set sync.url (or give --url)"
			: !url_ok(url) ? "the URL is not https://, http:// or file://"
				       : "sync.pubkey is not set to the hub's public key");
		return 1;
	}
	snprintf(actor, sizeof(actor), "sync:%s", url);
	p.url = url;
	p.pubkey = c->cfg.sync.pubkey;
	p.timeout_s = c->cfg.sync.timeout_s;
	p.actor = actor;
	buf_init(&said, 1024);
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if ((r = hub_sync_pull(db, &p, (int64_t)time(NULL), &res, err, sizeof(err))) < 0) {
		/* one line: what went wrong, and that nothing changed */
		if (daemon)
			log_error("sync from %s: %s; content unchanged", url, err);
		else
			fprintf(stderr, "gatewayctl: sync from %s: %s; content unchanged\n", url, err);
		goto out;
	}
	if (!res.applied) {
		if (daemon)
			log_info("sync from %s: at version %lld, the hub's latest", url, (long long)res.version);
		else
			printf("content is at version %lld, the hub's latest\n", (long long)res.version);
	} else if (hub_report_text(&res.rep, &said) == 0) {
		if (daemon)
			log_notice("sync from %s: content version %lld applied: %s", url,
				   (long long)res.version, said.data);
		else
			printf("content version %lld applied from %s: %s\n", (long long)res.version, url,
			       said.data);
	}
	rc = 0;
out:
	buf_release(&said);
	db_close(db);
	return rc;
}

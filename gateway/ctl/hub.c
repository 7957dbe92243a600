/* gatewayctl hub: a province's box publishing content for its communes
 * (gateway/hub/hub_publish.h): a signing key, and the signed bundle. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/signing.h"
#include "gateway/ctl/ctl.h"
#include "gateway/hub/hub_publish.h"

static const char usage[] =
	"usage: gatewayctl hub keygen KEYFILE\n"
	"       gatewayctl hub publish DIR --key KEYFILE\n";

static int keygen(int argc, char **argv)
{
	char pub[SIGNING_PUBLIC_B64];
	int r;

	if (argc != 3)
		return ctl_usage(usage);
	if ((r = signing_keygen(argv[2], pub)) < 0) {
		fprintf(stderr, "gatewayctl: hub keygen: %s: %s\n", argv[2],
			r == GW_ERR_EXISTS ? "exists already (a new key would orphan every box that trusts"
					     " the old one: remove it first if you mean it)"
					   : "cannot be written");
		return 1;
	}
	printf("secret key written to %s (mode 0600): keep it on this machine only.\n"
	       "Give the boxes this public key as sync.pubkey:\n%s\n", argv[2], pub);
	return 0;
}

static int publish(struct ctl *c, int argc, char **argv)
{
	const char *keyfile = NULL;
	const struct ctl_opt opts[] = { CTL_STRING('k', "key", &keyfile), CTL_END };
	struct hub_published pub;
	struct signing_key key;
	struct db *db = NULL;
	char err[1024];
	int first, r, rc = 1;

	if ((first = ctl_options(c, argc - 1, argv + 1, opts)) < 0 || first != argc - 2 || !keyfile)
		return ctl_usage(usage);
	if ((r = signing_load(keyfile, &key)) < 0) {
		fprintf(stderr, "gatewayctl: hub publish: %s: %s\n", keyfile,
			r == GW_ERR_IO ? "cannot be read" : "not a key from `gatewayctl hub keygen`");
		return 1;
	}
	if (ctl_open_db(c, &db) < 0)
		goto out;
	if ((r = hub_publish(db, argv[argc - 1], &key, c->actor, (int64_t)time(NULL), &pub, err,
			     sizeof(err))) < 0) {
		fprintf(stderr, "gatewayctl: hub publish: %s\n", err);
		goto out;
	}
	printf("published version %lld in %s: bundle-%lld.json (%zu bytes: %zu programmes, %zu offers)\n",
	       (long long)pub.version, argv[argc - 1], (long long)pub.version, pub.bytes, pub.programs,
	       pub.jobs);
	rc = 0;
out:
	signing_forget(&key);
	db_close(db);
	return rc;
}

int ctl_cmd_hub(struct ctl *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "keygen") == 0)
		return keygen(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "publish") == 0)
		return publish(c, argc, argv);
	return ctl_usage(usage);
}

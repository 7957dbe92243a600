#include "gateway/hub/hub_sync.h"

#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/signing.h"
#include "gateway/hub/hub_fetch.h"
#include "gateway/hub/hub_state.h"

#define SYNC_NAME_MAX 128

/* One of the folder's files into out. */
static int fetch_file(const struct hub_pull *p, const char *name, size_t max, struct buf *out,
		      char *err, size_t errsz)
{
	struct buf url;
	int r;

	buf_init(&url, 4 * SYNC_NAME_MAX + strlen(p->url));
	if ((r = hub_fetch_url(p->url, name, &url)) == 0)
		r = hub_fetch(url.data, max, p->timeout_s, out, err, errsz);
	buf_release(&url);
	return r;
}

/* The version the hub's pointer names, signature first. */
static int latest_version(const struct hub_pull *p, int64_t *version, char *err, size_t errsz)
{
	struct buf ptr;
	int r;

	buf_init(&ptr, HUB_POINTER_MAX);
	if ((r = fetch_file(p, "latest", HUB_POINTER_MAX, &ptr, err, errsz)) < 0)
		goto out;
	r = hub_pointer_read(ptr.data, ptr.len, p->pubkey, version);
	if (r == GW_ERR_AUTH)
		snprintf(err, errsz, "latest: not signed by the hub's key (sync.pubkey)");
	else if (r < 0)
		snprintf(err, errsz, "latest: not a hub's pointer to its content");
out:
	buf_release(&ptr);
	return r;
}

/* bundle-N.json and its signature, checked; then parsed. */
static int fetch_bundle(const struct hub_pull *p, int64_t version, struct hub_bundle *b, char *err,
			size_t errsz)
{
	struct buf name, signame, sig, data;
	char why[512];
	int r;

	buf_init(&name, SYNC_NAME_MAX);
	buf_init(&signame, SYNC_NAME_MAX);
	buf_init(&sig, HUB_POINTER_MAX);
	buf_init(&data, HUB_BUNDLE_MAX);
	if ((r = hub_bundle_name(version, &name)) < 0 || (r = buf_addf(&signame, "%s.sig", name.data)) < 0 ||
	    (r = fetch_file(p, signame.data, HUB_POINTER_MAX, &sig, err, errsz)) < 0 ||
	    (r = fetch_file(p, name.data, HUB_BUNDLE_MAX, &data, err, errsz)) < 0)
		goto out;
	/* nothing of it is read before this */
	if ((r = signing_verify(p->pubkey, data.data, data.len, sig.data)) < 0) {
		snprintf(err, errsz, "%s: %s", name.data, r == GW_ERR_AUTH
			 ? "the signature does not match (changed or cut short on the way)"
			 : "its signature file is not a signature");
		r = GW_ERR_AUTH;
		goto out;
	}
	if ((r = hub_bundle_parse(data.data, data.len, b, why, sizeof(why))) < 0) {
		snprintf(err, errsz, "%s: %s", name.data, why);
		goto out;
	}
	if (b->version != version) {
		snprintf(err, errsz, "%s: holds version %lld", name.data, (long long)b->version);
		hub_bundle_release(b);
		r = GW_ERR_INVAL;
	}
out:
	buf_release(&name);
	buf_release(&signame);
	buf_release(&sig);
	buf_release(&data);
	return r;
}

/* Apply b in one transaction with the record of this pull. */
static int apply(struct db *db, const struct hub_pull *p, const struct hub_bundle *b, int64_t now,
		 struct hub_pull_result *res, char *err, size_t errsz)
{
	int64_t current = 0;
	int r;

	if ((r = db_begin(db)) < 0) {
		snprintf(err, errsz, "the database is busy or cannot be written");
		return r;
	}
	if ((r = hub_bundle_apply(db, b, p->actor, p->url, now, &res->rep, &current, err, errsz)) < 0 ||
	    (r = hub_state_pulled(db, p->url, now, 1, "")) < 0 || (r = db_commit(db)) < 0) {
		db_rollback(db);
		return r;
	}
	res->applied = 1;
	res->version = b->version;
	return 0;
}

int hub_sync_pull(struct db *db, const struct hub_pull *p, int64_t now,
		  struct hub_pull_result *res, char *err, size_t errsz)
{
	struct hub_bundle b;
	struct hub_state st;
	int64_t offered = 0;
	int r;

	memset(&b, 0, sizeof(b));
	memset(res, 0, sizeof(*res));
	if ((r = latest_version(p, &offered, err, errsz)) < 0)
		goto out;
	if ((r = hub_state_get(db, &st)) < 0) {
		snprintf(err, errsz, "cannot read the version applied here");
		goto out;
	}
	if (offered < st.version) {
		snprintf(err, errsz, "the hub offers version %lld, older than the %lld applied here: refused",
			 (long long)offered, (long long)st.version);
		r = GW_ERR_EXISTS;
		goto out;
	}
	if (offered == st.version) { /* nothing new */
		res->version = st.version;
		r = hub_state_pulled(db, p->url, now, 1, "");
		goto out;
	}
	if ((r = fetch_bundle(p, offered, &b, err, errsz)) < 0 ||
	    (r = apply(db, p, &b, now, res, err, errsz)) < 0)
		goto out;
out:
	hub_bundle_release(&b);
	/* the failure itself is recorded; the content stays as it was */
	if (r < 0 && hub_state_pulled(db, p->url, now, 0, err) < 0)
		snprintf(err + strlen(err), errsz - strlen(err), " (not recorded: database busy)");
	return r;
}

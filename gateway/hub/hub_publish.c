#include "gateway/hub/hub_publish.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/audit.h"
#include "common/buf.h"
#include "common/fdio.h"
#include "common/gw_err.h"
#include "gateway/content/content.h"
#include "gateway/hub/hub_bundle.h"
#include "gateway/hub/hub_state.h"

#define PUBLISH_PATH_MAX 4096
#define PUBLISH_POINTER_MAX 1024

/* dir/name made whole or not at all: written to a temporary name, synced,
 * renamed over. */
static int write_file(const char *dir, const char *name, const char *data, size_t len, char *err,
		      size_t errsz)
{
	struct buf path, tmp;
	int fd = -1, r;

	buf_init(&path, PUBLISH_PATH_MAX);
	buf_init(&tmp, PUBLISH_PATH_MAX);
	if ((r = buf_addf(&path, "%s/%s", dir, name)) < 0 || (r = buf_addf(&tmp, "%s.tmp", path.data)) < 0)
		goto out;
	r = GW_ERR_IO;
	if ((fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		goto fail;
	if (fdio_write_all(fd, data, len) < 0)
		goto fail;
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp.data, path.data) != 0)
		goto fail;
	r = 0;
	goto out;
fail:
	snprintf(err, errsz, "%s: %s", path.data, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp.data);
out:
	buf_release(&path);
	buf_release(&tmp);
	return r;
}

/* The version DIR's pointer names, 0 when there is none yet. */
static int dir_version(const char *dir, int64_t *version, char *err, size_t errsz)
{
	char data[PUBLISH_POINTER_MAX], path[PUBLISH_PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/latest", dir);
	*version = 0;
	if (!(f = fopen(path, "re"))) {
		if (errno == ENOENT) /* a new folder */
			return 0;
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return GW_ERR_IO;
	}
	n = fread(data, 1, sizeof(data), f);
	fclose(f);
	if (hub_pointer_version(data, n, version) < 0) {
		snprintf(err, errsz, "%s: not a hub's pointer; not publishing over it", path);
		return GW_ERR_INVAL;
	}
	return 0;
}

/* Bundle, signature, pointer, in that order. */
static int write_all(const char *dir, int64_t v, const struct buf *bundle,
		     const struct signing_key *key, char *err, size_t errsz)
{
	char sig[SIGNING_SIG_B64];
	struct buf name, signame, sigline, ptr;
	int r;

	buf_init(&name, PUBLISH_PATH_MAX);
	buf_init(&signame, PUBLISH_PATH_MAX);
	buf_init(&sigline, PUBLISH_POINTER_MAX);
	buf_init(&ptr, PUBLISH_POINTER_MAX);
	if ((r = hub_bundle_name(v, &name)) < 0 || (r = buf_addf(&signame, "%s.sig", name.data)) < 0 ||
	    (r = signing_sign(key, bundle->data, bundle->len, sig)) < 0 ||
	    (r = buf_addf(&sigline, "%s\n", sig)) < 0 || (r = hub_pointer_make(v, key, &ptr)) < 0) {
		snprintf(err, errsz, "cannot sign: %s", gw_strerror(r));
		goto out;
	}
	if ((r = write_file(dir, name.data, bundle->data, bundle->len, err, errsz)) < 0 ||
	    (r = write_file(dir, signame.data, sigline.data, sigline.len, err, errsz)) < 0 ||
	    (r = write_file(dir, "latest", ptr.data, ptr.len, err, errsz)) < 0)
		goto out;
out:
	buf_release(&name);
	buf_release(&signame);
	buf_release(&sigline);
	buf_release(&ptr);
	return r;
}

/* The bundle as of one moment: a read transaction (the daemon keeps
 * answering and writing meanwhile, which a write lock held through a
 * large export would stop). */
static int snapshot(struct db *db, int64_t in_dir, int64_t now, struct hub_published *pub,
		    struct buf *bundle, char *err, size_t errsz)
{
	struct hub_bundle check;
	struct hub_state st;
	int r;

	memset(&check, 0, sizeof(check));
	if ((r = db_exec(db, "BEGIN DEFERRED")) < 0) {
		snprintf(err, errsz, "the database cannot be read");
		return r;
	}
	if ((r = hub_state_get(db, &st)) < 0)
		goto out;
	pub->version = (in_dir > st.published ? in_dir : st.published) + 1;
	if ((r = hub_bundle_build(db, pub->version, now, bundle, err, errsz)) < 0)
		goto out;
	/* what the boxes will read, read here first */
	if ((r = hub_bundle_parse(bundle->data, bundle->len, &check, err, errsz)) < 0)
		goto out;
	pub->bytes = bundle->len;
	pub->programs = json_array_size(check.programs);
	pub->jobs = json_array_size(check.jobs);
out:
	db_rollback(db); /* nothing was written */
	hub_bundle_release(&check);
	return r;
}

int hub_publish(struct db *db, const char *dir, const struct signing_key *key, const char *actor,
		int64_t now, struct hub_published *out, char *err, size_t errsz)
{
	struct hub_published pub;
	struct buf bundle, detail;
	int64_t in_dir = 0;
	int r;

	memset(&pub, 0, sizeof(pub));
	buf_init(&bundle, HUB_BUNDLE_MAX);
	buf_init(&detail, 256);
	if ((r = dir_version(dir, &in_dir, err, errsz)) < 0 ||
	    (r = snapshot(db, in_dir, now, &pub, &bundle, err, errsz)) < 0 ||
	    (r = write_all(dir, pub.version, &bundle, key, err, errsz)) < 0 ||
	    (r = buf_addf(&detail, "version %lld: %zu programmes, %zu offers, %zu bytes",
			  (long long)pub.version, pub.programs, pub.jobs, pub.bytes)) < 0)
		goto out;
	/* the files are out: recorded, so the next version is higher still */
	if ((r = db_begin(db)) < 0 || (r = hub_state_published(db, pub.version)) < 0 ||
	    (r = audit_write(db, (time_t)now, actor, "hub publish", dir, detail.data)) < 0 ||
	    (r = db_commit(db)) < 0) {
		db_rollback(db);
		snprintf(err, errsz, "version %lld written to %s but not recorded here (%s): the next"
			 " publish still goes higher, from the folder", (long long)pub.version, dir,
			 gw_strerror(r));
		goto out;
	}
	*out = pub;
out:
	buf_release(&bundle);
	buf_release(&detail);
	return r;
}

/* bench/broadcast.c - queue one broadcast to 100,000 subscribers.
 *
 * Builds a fresh database in a temporary folder with N subscribed
 * households (plus 1% that opted out, which must not be queued), then
 * times broadcast_queue() - the one INSERT ... SELECT - and its commit,
 * the progress/ETA query the TB reply and `gatewayctl broadcast status`
 * run, and the sender's "next message" query with the queue full. Prints
 * the times and the peak resident memory (getrusage).
 *
 * Build (optimised library objects from `make`):
 *   make bin/gatewayctl && cc -std=c11 -D_GNU_SOURCE -O2 \
 *     $(pkg-config --cflags gammu sqlite3 libconfig jansson libutf8proc) \
 *     -o build/bench_broadcast bench/broadcast.c \
 *     $(find build/obj -name '*.o' ! -name gatewayd.o ! -name gatewayctl.o ! -name 'ctl_*') \
 *     $(pkg-config --libs gammu sqlite3 libconfig jansson libmicrohttpd libutf8proc libsodium libsystemd) -lm
 * Run: build/bench_broadcast [N]   (default 100000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common/db.h"
#include "common/gw_err.h"
#include "common/store.h"
#include "config/settings.h"
#include "handlers/features/broadcast.h"

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* n subscribers on "may" in "tan lap" (every 7th subscribed to all
 * offers), and n/100 more who opted out. */
static int populate(struct db *db, long n, time_t now)
{
	char phone[32];
	long extra = n / 100;
	int r;

	if ((r = db_begin(db)) < 0)
		return r;
	for (long i = 0; i < n + extra; i++) {
		snprintf(phone, sizeof(phone), "+8491%07ld", i);
		if ((r = db_run(db, "INSERT INTO contacts (phone, opted_out, created_at, last_seen)"
				    " VALUES (?, ?, ?3, ?3)",
				DB_ARGS(DB_TEXT(phone), DB_INT(i >= n), DB_INT(now)))) < 0 ||
		    (r = db_run(db, "INSERT INTO subscriptions (phone, area, job_type, created_at)"
				    " VALUES (?, ?, ?, ?)",
				DB_ARGS(DB_TEXT(phone), DB_TEXT(i % 7 ? "tan lap" : ""),
					DB_TEXT(i % 7 ? "may" : ""), DB_INT(now)))) < 0)
			goto fail;
	}
	return db_commit(db);
fail:
	db_rollback(db);
	return r;
}

int main(int argc, char **argv)
{
	struct gw_settings cfg;
	struct broadcast_spec spec;
	struct broadcast_progress p;
	struct timespec t0;
	struct db *db = NULL;
	sqlite3_stmt *st;
	char dir[] = "/tmp/gwbench-XXXXXX", path[64], cmd[96];
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
	time_t now = time(NULL);
	int64_t id = 0;
	int recipients = 0, rc = 1, r;
	double q, ins, prog, pick;
	long rss_before;

	if (n <= 0 || !mkdtemp(dir))
		return 2;
	snprintf(path, sizeof(path), "%s/gw.db", dir);
	settings_defaults(&cfg);
	if ((r = store_open(&db, path, 5000)) < 0 || (r = populate(db, n, now)) < 0) {
		fprintf(stderr, "bench: setup failed: %s\n", gw_strerror(r));
		goto out;
	}
	rss_before = peak_rss_kb();
	memset(&spec, 0, sizeof(spec));
	spec.created_by = "bench";
	spec.text = "TB: Hop dan luc 8h sang mai tai nha van hoa thon. HUY: ngung nhan tin";
	spec.area = "tan lap";
	spec.job_type = "may";
	spec.places = "|tan lap|song lo|";
	spec.types = "|may|cong nhan|";
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((r = db_begin(db)) < 0 || (r = broadcast_queue(db, &spec, now, &id, &recipients)) < 0) {
		db_rollback(db);
		fprintf(stderr, "bench: queueing failed: %s\n", gw_strerror(r));
		goto out;
	}
	ins = seconds_since(&t0);
	if ((r = db_commit(db)) < 0)
		goto out;
	q = seconds_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((r = broadcast_progress(db, &cfg, id, now, &p)) < 0)
		goto out;
	prog = seconds_since(&t0);
	/* the sender's pick with the whole broadcast queued */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((r = db_prepare(db, "SELECT id, phone, text, attempts, kind = 'broadcast' FROM outbox"
				" WHERE status = 'queued' AND next_attempt_at <= ?1"
				" AND (?2 = 0 OR kind <> 'broadcast')"
				" ORDER BY priority, next_attempt_at, id LIMIT 1", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int(st, 2, 0);
	if ((r = db_step(st)) == DB_ROW)
		sqlite3_reset(st);
	pick = seconds_since(&t0);
	printf("subscribers: %ld (+%ld opted out)\n", n, n / 100);
	printf("queued:      %d messages in %.3f s (one transaction; INSERT %.3f s, COMMIT %.3f s)\n",
	       recipients, q, ins, q - ins);
	printf("progress:    %.3f s (queued %d, left %d)\n", prog, p.recipients, p.queued);
	printf("sender pick: %.3f s\n", pick);
	printf("peak RSS:    %ld KiB (%ld KiB before queueing)\n", peak_rss_kb(), rss_before);
	rc = recipients == n ? 0 : 1;
	if (rc)
		fprintf(stderr, "bench: expected %ld recipients\n", n);
out:
	db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}

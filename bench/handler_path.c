/* handler_path.c - messages per second through the handler path on one core.
 *
 * The 150 labelled fixture messages, repeated to N messages (default
 * 100,000), handled as the daemon does (gateway/daemon/inbound.c): each
 * message and its answer one unit of work (a savepoint), 64 units
 * committed in one transaction: normalise -> route (commands, intent cues)
 * -> programme search (FTS5) -> compose the reply within sms.max_parts
 * (handler_process) -> queue it in the outbox (outbox_queue). Prints
 * messages/second, the mean time a message, the intents seen and the peak
 * RSS (getrusage).
 *
 * With --inbound the messages are stored as inbox rows first (not timed)
 * and answered by inbound_process(), which adds the per-sender rate-limit
 * check and marks each row handled: the daemon's whole loop.
 *
 * Build (after `make`, from the top of the tree):
 *   cc -O2 -std=c11 -D_GNU_SOURCE $(pkg-config --cflags gammu sqlite3 jansson libutf8proc) \
 *     bench/handler_path.c $(find build/obj -name '*.o' ! -name gatewayd.o \
 *     ! -name gatewayctl.o ! -name 'ctl_*') \
 *     $(pkg-config --libs gammu sqlite3 libconfig jansson libmicrohttpd libutf8proc) \
 *     -lsodium -lsystemd -lm -o bin/bench_handler_path
 * Run: taskset -c 0 bin/bench_handler_path [--inbound] [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common/db.h"
#include "common/log.h"
#include "common/store.h"
#include "config/settings.h"
#include "gateway/content/content.h"
#include "gateway/daemon/inbound.h"
#include "gateway/outbox.h"
#include "handlers/handler.h"
#include "handlers/understand/lexicon.h"

#define BENCH_ROWS_MAX 512
#define BENCH_LINE_MAX 4096
#define BENCH_BATCH 1000
#define BENCH_TX 64 /* units a transaction, as inbound.c's batch */

static int load_texts(const char *path, char **texts, int max)
{
	char line[BENCH_LINE_MAX];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) { /* header */
		fclose(f);
		return -1;
	}
	while (n < max && fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');

		if (!tab)
			continue;
		*tab = '\0';
		if (!(texts[n] = strdup(line)))
			break;
		n++;
	}
	fclose(f);
	return n;
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this process: the wall clock also counts waiting for the
 * disk (WAL checkpoints fsync), which says more about the disk than about
 * the handler path. */
static double cpu_s(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static int store_inbox(struct db *db, char **texts, int ntexts, long from, long count, time_t at)
{
	int r;

	if ((r = db_begin(db)) < 0)
		return r;
	for (long i = from; i < from + count; i++) {
		char phone[32];

		snprintf(phone, sizeof(phone), "+8490%07ld", i % 5000);
		if ((r = db_run(db, "INSERT INTO inbox (sender, text, sent_at, stored_at)"
				    " VALUES (?, ?, ?3, ?3)",
				DB_ARGS(DB_TEXT(phone), DB_TEXT(texts[i % ntexts]), DB_INT(at)))) < 0)
			goto fail;
	}
	return db_commit(db);
fail:
	db_rollback(db);
	return r;
}

/* One message, one unit of work in the open transaction: handler, queue. */
static int handle_one(struct db *db, const struct gw_settings *cfg, const char *text, long i,
		      time_t at)
{
	struct handler_env env = { db, cfg };
	struct handler_msg msg;
	struct handler_result res;
	char phone[32];
	int r;

	snprintf(phone, sizeof(phone), "+8490%07ld", i % 5000);
	msg.phone = phone;
	msg.text = text;
	msg.at = at;
	msg.channel = HANDLER_CHANNEL_SMS;
	handler_result_init(&res);
	if ((r = db_unit_begin(db)) < 0)
		goto out;
	if ((r = handler_process(&env, &msg, &res)) < 0 || (r = outbox_queue(db, &res, 0, at)) < 0 ||
	    (r = db_unit_keep(db)) < 0)
		db_unit_undo(db);
out:
	handler_result_release(&res);
	return r;
}

/* Messages from..to, BENCH_TX units a transaction. */
static int handle_range(struct db *db, const struct gw_settings *cfg, char **texts, int ntexts,
			long from, long to, time_t at)
{
	int r = 0;

	for (long i = from; i < to && r == 0; i += BENCH_TX) {
		long end = i + BENCH_TX < to ? i + BENCH_TX : to;

		if ((r = db_begin(db)) < 0)
			break;
		for (long k = i; k < end && r == 0; k++)
			r = handle_one(db, cfg, texts[k % ntexts], k, at);
		if (r == 0 && (r = db_commit(db)) == 0)
			continue;
		db_rollback(db);
	}
	return r;
}

int main(int argc, char **argv)
{
	char *texts[BENCH_ROWS_MAX], dir[] = "/tmp/gw-bench-XXXXXX", path[512], err[512];
	int inbound = argc > 1 && !strcmp(argv[1], "--inbound");
	long total = argc > 1 + inbound ? strtol(argv[1 + inbound], NULL, 10) : 100000, done = 0;
	struct gw_settings cfg;
	struct content_counts c;
	struct rusage ru;
	struct db *db = NULL;
	double busy = 0, cpu = 0;
	time_t at = 1767225600;
	int ntexts, rc = 1;

	log_setup("bench", LOG_LVL_ERROR, 0, 0);
	if (total < 1 || (ntexts = load_texts("tests/fixtures/messages-dev.tsv", texts, BENCH_ROWS_MAX)) < 1) {
		fprintf(stderr, "run from the top of the tree: tests/fixtures/messages-dev.tsv\n");
		return 2;
	}
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/gw.db", dir);
	if (store_open(&db, path, 5000) < 0 ||
	    lexicon_import(db, "data/lexicon.json", err, sizeof(err)) < 0 ||
	    content_import_programs(db, "data/programs.json", "bench", &c, err, sizeof(err)) < 0 ||
	    content_import_jobs(db, "data/jobs.json", "bench", &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "setup failed: %s\n", err);
		goto out;
	}
	settings_defaults(&cfg);
	cfg.sms.rate_limit_per_hour = 100000; /* 5000 senders: no rate-limit warnings */
	while (done < total) {
		long batch = total - done < BENCH_BATCH ? total - done : BENCH_BATCH;
		int handled = 0;
		double t0;

		if (!inbound) {
			double c0 = cpu_s();

			t0 = now_s();
			if (handle_range(db, &cfg, texts, ntexts, done, done + batch, at) < 0)
				goto out;
			busy += now_s() - t0;
			cpu += cpu_s() - c0;
			done += batch;
			continue;
		}
		if (store_inbox(db, texts, ntexts, done, batch, at) < 0)
			goto out;
		{
			double c0 = cpu_s();

			t0 = now_s();
			while (handled < batch) {
				int n = 0;

				if (inbound_process(db, &cfg, at, (int)(batch - handled), &n) < 0 || n == 0)
					goto out;
				handled += n;
			}
			busy += now_s() - t0;
			cpu += cpu_s() - c0;
		}
		done += batch;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("messages: %ld (%d fixture texts repeated), %s\n", done, ntexts,
	       inbound ? "inbound_process" : "handler_process + queue");
	printf("handler path: %.0f messages/s wall clock, %.3f ms a message\n", (double)done / busy,
	       1000.0 * busy / (double)done);
	printf("CPU: %.0f messages/s, %.3f ms a message (user + system)\n", (double)done / cpu,
	       1000.0 * cpu / (double)done);
	printf("peak RSS: %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
	{
		sqlite3_stmt *st;

		if (db_prepare(db, "SELECT count(*), sum(length(text)) FROM outbox", &st) == 0 &&
		    db_step(st) == DB_ROW) {
			printf("replies queued: %d (%.0f bytes mean)\n", sqlite3_column_int(st, 0),
			       sqlite3_column_double(st, 1) / (sqlite3_column_int(st, 0) ? sqlite3_column_int(st, 0) : 1));
			sqlite3_reset(st);
		}
	}
	rc = 0;
out:
	db_close(db);
	for (int i = 0; i < ntexts; i++)
		free(texts[i]);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		rc = 1;
	return rc;
}

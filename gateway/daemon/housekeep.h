/* housekeep.h - periodic clean-up: personal data kept only as long as
 * configured (privacy.retain_days), expired conversation sessions. */
#ifndef GW_HOUSEKEEP_H
#define GW_HOUSEKEEP_H

#include <time.h>

#include "common/db.h"
#include "config/settings.h"

struct housekeep_counts {
	int texts_purged;
	int sessions_expired;
};

int housekeep_run(struct db *db, const struct gw_settings *cfg, time_t now);
int housekeep_purge(struct db *db, const struct gw_settings *cfg, time_t now,
		    struct housekeep_counts *out);

/* gatewayctl purge: inbound texts older than retain_days still to blank,
 * and blanking at most max_rows of them (and their parts) in one short
 * transaction, so a big first purge shows progress and never holds the
 * write lock long while the daemon is answering. */
int housekeep_purge_pending(struct db *db, int retain_days, time_t now, int64_t *count);
int housekeep_purge_batch(struct db *db, int retain_days, time_t now, int max_rows,
			  int *purged);

#endif

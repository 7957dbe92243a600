/* housekeep.h - periodic clean-up: personal data kept only as long as
 * configured (privacy.retain_days), expired conversation sessions. */
#ifndef GW_HOUSEKEEP_H
#define GW_HOUSEKEEP_H

#include <time.h>

#include "../common/db.h"
#include "../config/settings.h"

struct housekeep_counts {
	int texts_purged;
	int sessions_expired;
};

int housekeep_run(struct db *db, const struct gw_settings *cfg, time_t now);
int housekeep_purge(struct db *db, const struct gw_settings *cfg, time_t now,
		    struct housekeep_counts *out);

#endif

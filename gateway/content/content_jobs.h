/* content_jobs.h - job offers in the database, one record at a time.
 *
 * The record shape (content.h, data/jobs.json) as stored in jobs. Callers
 * validate first (content_validate) and hold the transaction.
 *
 * Canonical form (what export writes and what change detection compares):
 * every field present in a fixed order; location reduced to what is stored
 * (province_now, district_old, commune_old); age_min/age_max given or read
 * from the requirements ("Nam/nữ 18–35 tuổi"); status given, else the
 * stored one, else "open". Jobs keep no history: a changed job is updated.
 */
#ifndef GW_CONTENT_JOBS_H
#define GW_CONTENT_JOBS_H

#include <jansson.h>
#include <stdint.h>

#include "common/db.h"
#include "gateway/content/content.h"

/* The stored job (canonical form); GW_ERR_NOTFOUND. */
int content_jobs_get(struct db *db, const char *code, json_t **rec);

/* Insert or update one validated record. hub: the record comes from a
 * hub (content_opts.hub): it is marked as the hub's, and when its code is
 * one of this box's own offers nothing is written (CONTENT_KEPT). A local
 * write leaves a stored offer's mark as it was. */
int content_jobs_save(struct db *db, json_t *rec, int64_t now, int hub,
		      enum content_outcome *outcome);

/* Close an open job (a sync without it); *closed = 1 when it was open. */
int content_jobs_close(struct db *db, const char *code, int64_t now, int *closed);

/* Codes of the open jobs (hub_only: the hub's), oldest first. */
int content_jobs_open_codes(struct db *db, int hub_only, json_t **codes);

/* Every stored job, canonical, oldest first. */
int content_jobs_export(struct db *db, json_t **records);

#endif

/* hub_bundle.h - the content a province's hub shares with its boxes, as
 * one versioned JSON document.
 *
 *   {"format": "gateway-content", "format_version": 1, "version": 7,
 *    "published_at": 1767225600,
 *    "programs": [ records as data/programs.json holds them ],
 *    "jobs": [ the hub's open offers, as data/jobs.json holds them ],
 *    "tables": {"commands": [{"name": ..., "intent": ...}, ...],
 *               "command_aliases": [...], "intent_cues": [...],
 *               "menu_nodes": [...], "program_categories": [...],
 *               "program_category_rules": [...], "poverty_standards": [...],
 *               "poverty_indicators": [...], "poverty_benefits": [...],
 *               "holidays": [{"day": "2027-01-01", "note": "..."}]}}
 *
 * A table's rows are objects holding exactly its columns (hub_bundle.c
 * names them); holidays are calendar_days of kind 'holiday'.
 *
 * Applying a bundle (in the caller's transaction) goes through the same
 * writers as an import (gateway/content/content.h): programs are made the
 * bundle's (changed ones keep their history, absent ones are removed with
 * their last version kept), the hub's offers likewise (absent ones
 * closed), each with its audit row; the tables are replaced whole. What is
 * the commune's own stays: offers it posted (a hub offer with the code of
 * one is left out, and reported), office hours, closed and special days
 * (a hub holiday on such a day is left out), officers, appointments,
 * contacts, subscriptions. A version not above the one applied is refused.
 */
#ifndef GW_HUB_BUNDLE_H
#define GW_HUB_BUNDLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/signing.h"
#include "gateway/content/content.h"

#define HUB_BUNDLE_FORMAT "gateway-content"
#define HUB_BUNDLE_FORMAT_VERSION 1
#define HUB_BUNDLE_MAX CONTENT_FILE_MAX

/* The shared content of db as bundle `version` (compact JSON into out). */
int hub_bundle_build(struct db *db, int64_t version, int64_t published_at, struct buf *out,
		     char *err, size_t errsz) GW_WARN_UNUSED;

struct hub_bundle {
	json_t *root;         /* owned */
	int64_t version;
	int64_t published_at;
	json_t *programs, *jobs, *tables; /* borrowed from root */
};

/* Read a bundle and check its shape: format, version, the record lists,
 * every table row's columns and types (the records themselves are
 * validated when applied). Nothing is written; err says what is wrong. */
int hub_bundle_parse(const char *data, size_t len, struct hub_bundle *out, char *err,
		     size_t errsz) GW_WARN_UNUSED;
void hub_bundle_release(struct hub_bundle *b);

/* What applying did. */
struct hub_report {
	struct content_counts programs, jobs;
	int rows;      /* table rows written */
	int holidays;  /* holidays written (those on the commune's own days left out) */
};

/* Apply b in the caller's transaction, as actor (audit and history) from
 * source (the URL). GW_ERR_EXISTS when b->version is not above the
 * version applied here (*current gets it); GW_ERR_INVAL with err when a
 * record or row is refused. */
int hub_bundle_apply(struct db *db, const struct hub_bundle *b, const char *actor,
		     const char *source, int64_t now, struct hub_report *rep, int64_t *current,
		     char *err, size_t errsz) GW_WARN_UNUSED;

/* "programs +1 ~2 -0, offers +3 ~0 -1 (2 of our own kept), 123 rows, 11 holidays" */
int hub_report_text(const struct hub_report *rep, struct buf *out) GW_WARN_UNUSED;

/* The file name of bundle `version`: "bundle-7.json" (its signature is
 * the same name + ".sig": one base64 line). */
int hub_bundle_name(int64_t version, struct buf *out) GW_WARN_UNUSED;

/* The folder's pointer to its latest bundle, the file "latest": one line
 * naming it and, on the next, that line's signature, so the two arrive
 * together (one file, replaced at once):
 *
 *   gateway-content 7 bundle-7.json
 *   <base64 Ed25519 signature of the line above, its newline included>
 */
int hub_pointer_make(int64_t version, const struct signing_key *key, struct buf *out) GW_WARN_UNUSED;

/* The version a pointer names, its signature checked with pubkey before
 * anything in it is read: GW_ERR_AUTH when the signature is not the key's,
 * GW_ERR_INVAL when it is not a pointer. */
int hub_pointer_read(const char *data, size_t len, const char *pubkey, int64_t *version) GW_WARN_UNUSED;

/* The same without the signature: a hub reading its own folder. */
int hub_pointer_version(const char *data, size_t len, int64_t *version) GW_WARN_UNUSED;

#endif

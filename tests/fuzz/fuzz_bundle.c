/* fuzz_bundle.c - libFuzzer target for what a box reads from its hub
 * (gateway/hub/hub_bundle.c): the "latest" pointer and the content
 * bundle, past the signature check (which a fuzzer cannot pass), applied
 * to a database built once like a box (`gatewayctl init` + the sample
 * programmes and offers + a commune offer of its own).
 *
 * Input: one control byte, then the file. Bit 0 of the control byte: a
 * pointer (hub_pointer_version, and hub_pointer_read against a fixed key)
 * rather than a bundle. A bundle that parses is applied in a transaction
 * that is rolled back, so each input sees the same database.
 *
 * Contract, checked (the process aborts on a breach): a refusal says why;
 * a parsed bundle has a version >= 1 and its lists; applying it counts
 * every record once and never touches the box's own offer; a pointer's
 * version is >= 1, and one that verifies names the same; the database is
 * as it was afterwards. Seeds in corpus/bundle/ (first byte: control).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "common/db.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "common/store.h"
#include "gateway/content/content.h"
#include "tests/fuzz/fuzz_db.h"
#include "gateway/hub/hub_bundle.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the key corpus/bundle/pointer was signed with (its secret was not kept) */
#define FUZZ_PUBKEY "vOcYRp/29B3U9de2GmnlROFzadIkCzIL3Y+hHFoRdoI="

static struct {
	struct db *db;
	int64_t fingerprint;
} fz;

static int64_t db_fingerprint(void)
{
	return fuzz_db_int(fz.db, "SELECT (SELECT count(*) FROM programs) * 1000003"
				  " + (SELECT count(*) FROM jobs) * 10007"
				  " + (SELECT count(*) FROM commands) * 101"
				  " + (SELECT count(*) FROM audit) + (SELECT version FROM sync_state)"
				  " + (SELECT count(*) FROM calendar_days) * 7"
				  " + (SELECT count(*) FROM jobs WHERE status = 'open')");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[64];

	(void)argc;
	(void)argv;
	log_setup("fuzz_bundle", LOG_LVL_ERROR, 0, 0);
	fz.db = fuzz_db_sample("bundle", dir, sizeof(dir));
	fuzz_check(db_exec(fz.db, "INSERT INTO jobs (code, title, created_at, updated_at)"
			     " VALUES ('JOB-CLI-900', 'Phụ hồ', 1, 1)") == 0);
	fz.fingerprint = db_fingerprint();
	return 0;
}

static void pointer(const char *data, size_t size)
{
	int64_t v = 0, signed_v = 0;
	int plain = hub_pointer_version(data, size, &v);

	fuzz_check(plain < 0 ? v == 0 : v >= 1);
	/* a pointer that verifies names what its first line names */
	if (hub_pointer_read(data, size, FUZZ_PUBKEY, &signed_v) == 0)
		fuzz_check(plain == 0 && signed_v == v);
	else
		fuzz_check(signed_v == 0);
}

static void bundle(const char *data, size_t size)
{
	struct hub_bundle b;
	struct hub_report rep;
	char err[512] = "";
	int64_t current = 0;
	int r;

	if (hub_bundle_parse(data, size, &b, err, sizeof(err)) < 0) {
		fuzz_check(err[0] != '\0' && strnlen(err, sizeof(err)) < sizeof(err));
		return;
	}
	fuzz_check(b.version >= 1 && json_is_array(b.programs) && json_is_array(b.jobs) &&
	      json_is_object(b.tables));
	fuzz_check(db_begin(fz.db) == 0);
	err[0] = '\0';
	r = hub_bundle_apply(fz.db, &b, "sync:fuzz", "fuzz", 1, &rep, &current, err, sizeof(err));
	if (r < 0) {
		fuzz_check(err[0] != '\0' && strnlen(err, sizeof(err)) < sizeof(err));
	} else {
		int64_t mine = 0;

		fuzz_check((size_t)(rep.programs.added + rep.programs.changed + rep.programs.unchanged) ==
		      json_array_size(b.programs));
		fuzz_check((size_t)(rep.jobs.added + rep.jobs.changed + rep.jobs.unchanged + rep.jobs.kept) ==
		      json_array_size(b.jobs));
		fuzz_check(db_query_int64(fz.db, "SELECT count(*) FROM jobs WHERE code = 'JOB-CLI-900'"
					    " AND title = 'Phụ hồ' AND hub = 0 AND status = 'open'", &mine) == 0);
		fuzz_check(mine == 1);
	}
	db_rollback(fz.db);
	hub_bundle_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 1024 * 1024)
		return 0;
	if (data[0] & 1)
		pointer((const char *)data + 1, size - 1);
	else
		bundle((const char *)data + 1, size - 1);
	fuzz_check(!db_in_tx(fz.db));
	fuzz_check(db_fingerprint() == fz.fingerprint);
	return 0;
}

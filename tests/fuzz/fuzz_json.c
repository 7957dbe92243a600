/* fuzz_json.c - libFuzzer target for the JSON content importer
 * (gateway/content/content.c: content_load_json, content_validate, content_apply)
 * into a temporary SQLite database built once like `gatewayctl init` +
 * `import programs` + `import jobs`.
 *
 * Input: one control byte, then the file. Bit 0 of the control byte picks
 * the kind (programs or jobs), bit 1 a sync import (absent codes removed or
 * closed). Every apply is a dry run, so each input sees the same database.
 *
 * Beyond not crashing, the contract is checked and the process aborts on a
 * breach: a failure writes a message; a successful apply agrees with
 * content_validate, counts every record once (added + changed + unchanged),
 * and - being a dry run - leaves the database as it was.
 * Run: make fuzz (FUZZ_SECONDS=N); seeds in corpus/json/ (the first byte
 * of each seed is the control byte).
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

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	struct db *db;
	char in_path[256];
	int64_t fingerprint;
} fz;

/* Rows and total changes of the tables an import writes. */
static int64_t db_fingerprint(void)
{
	return fuzz_db_int(fz.db, "SELECT (SELECT count(*) FROM programs) * 1000003"
				  " + (SELECT count(*) FROM jobs) * 10007"
				  " + (SELECT count(*) FROM program_history) * 101"
				  " + (SELECT count(*) FROM audit)"
				  " + (SELECT coalesce(sum(length(title_vi)), 0) FROM programs)"
				  " + (SELECT count(*) FROM jobs WHERE status = 'open')");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[64];

	(void)argc;
	(void)argv;
	log_setup("fuzz_json", LOG_LVL_ERROR, 0, 0);
	fz.db = fuzz_db_sample("json", dir, sizeof(dir));
	snprintf(fz.in_path, sizeof(fz.in_path), "%s/in.json", dir);
	fz.fingerprint = db_fingerprint();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum content_kind kind;
	struct content_report rep;
	struct content_opts o;
	json_t *records = NULL;
	char err[512];
	FILE *f;
	int r;

	if (size < 1 || size > 256 * 1024)
		return 0;
	kind = (data[0] & 1) ? CONTENT_JOBS : CONTENT_PROGRAMS;
	if (!(f = fopen(fz.in_path, "wb")))
		return 0;
	if (size > 1 && fwrite(data + 1, 1, size - 1, f) != size - 1) {
		fclose(f);
		return 0;
	}
	fclose(f);
	err[0] = '\0';
	r = content_load_json(fz.in_path, kind, &records, err, sizeof(err));
	if (r < 0) {
		fuzz_check(err[0] != '\0' && strnlen(err, sizeof(err)) < sizeof(err));
		return 0;
	}
	fuzz_check(json_is_array(records));
	content_opts_init(&o, "fuzz", "in.json");
	o.dry_run = 1;
	o.sync = (data[0] & 2) != 0;
	content_report_init(&rep);
	err[0] = '\0';
	r = content_apply(fz.db, kind, records, &o, &rep, err, sizeof(err));
	if (r < 0) {
		fuzz_check(err[0] != '\0' && strnlen(err, sizeof(err)) < sizeof(err));
	} else {
		char err2[512];

		fuzz_check(content_validate(kind, records, &o, err2, sizeof(err2)) == 0);
		fuzz_check((size_t)(rep.n.added + rep.n.changed + rep.n.unchanged) ==
		      json_array_size(records));
		fuzz_check(rep.n.removed >= 0 && (o.sync || rep.n.removed == 0));
	}
	fuzz_check(!db_in_tx(fz.db));
	fuzz_check(db_fingerprint() == fz.fingerprint);
	content_report_release(&rep);
	json_decref(records);
	return 0;
}

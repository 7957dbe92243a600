/* poverty.h - the multidimensional poverty standard, as data.
 *
 * Decree 07/2021/ND-CP (2022-2025, still applied in 2026): a household
 * whose income per person per month is at or below the line (rural
 * 1,500,000, urban 2,000,000 VND) is POOR with min_deprivations (3) or
 * more of the deprivation indicators and NEAR-POOR with fewer; above the
 * line and up to msl_line (2,250,000 / 3,000,000) it has an AVERAGE
 * living standard (not defined by deprivations); above that, ABOVE. From
 * 2027 the lines are 2,200,000 / 2,800,000 (Decree 351/2025/ND-CP).
 *
 * All of it lives in poverty_standards (valid_from, area, income_line,
 * msl_line, min_deprivations, names), poverty_indicators (the questions
 * of each standard, with cue phrases) and poverty_benefits (programs a
 * category opens): a new standard is a data change. The standard that
 * applies on a day is the row with the latest valid_from not after it.
 * A msl_line of 0 means the average-living band is not set: above the
 * income line is then ABOVE.
 *
 * Only the commune's review decides; these are likely categories.
 */
#ifndef GW_POVERTY_H
#define GW_POVERTY_H

#include "common/buf.h"
#include "common/db.h"

#define POVERTY_MAX_INDICATORS 16

enum poverty_area { POVERTY_RURAL = 1, POVERTY_URBAN = 2 };

enum poverty_class {
	POVERTY_POOR = 0,
	POVERTY_NEAR_POOR,
	POVERTY_AVERAGE,
	POVERTY_ABOVE,
};

struct poverty_standard {
	char valid_from[11];       /* "YYYY-MM-DD" */
	int area;                  /* enum poverty_area */
	long long income_line;     /* VND per person per month, inclusive */
	long long msl_line;        /* upper end of the average band, 0 = none */
	int min_deprivations;      /* poor from this many on */
	int indicators;            /* questions of this standard (<= 16) */
	char name_vi[64], name_en[64];
};

/* The standard for area on day ("YYYY-MM-DD"). GW_ERR_NOTFOUND when the
 * data holds none that early. */
int poverty_standard_for(struct db *db, int area, const char *day, struct poverty_standard *out);

/* The valid_from of the standard in force on day (any area), for the
 * questions; GW_ERR_NOTFOUND when none. out: 11 bytes. */
int poverty_in_force(struct db *db, const char *day, char *out);

/* Pure. income_pp: VND per person per month (>= 0); deprivations: how
 * many indicators the household lacks. */
enum poverty_class poverty_classify(const struct poverty_standard *s, long long income_pp,
				    int deprivations);

/* "poor", "near_poor", "average", "above" (the poverty_benefits keys). */
const char *poverty_class_key(enum poverty_class c);

/* How many indicators the standard of valid_from has (0..16). */
int poverty_indicator_count(struct db *db, const char *valid_from, int *out);

/* The question of indicator i (0-based) in lang ("vi"/"en"), appended. */
int poverty_question(struct db *db, const char *valid_from, int i, const char *lang,
		     struct buf *out);

/* Bit i of *yes set when the normalised text names deprivation i with one
 * of its cue phrases (whole words), e.g. "chua co bhyt". */
int poverty_cues(struct db *db, const char *valid_from, const char *norm, unsigned *yes);

/* Up to max program codes category c opens, as "CS A, CS B" (only codes
 * present among the programs), appended; nothing when none. */
int poverty_benefits(struct db *db, enum poverty_class c, int max, struct buf *out);

/* 1200000 -> "1.200.000d" appended. */
int poverty_money(long long vnd, struct buf *out);

#endif

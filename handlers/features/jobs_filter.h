/* jobs_filter.h - what a household's job question asks for, and what kind
 * of work an offer is.
 *
 * Pure text functions, no database: the caller passes the places it knows.
 * All input is folded text (lower-case ASCII, see normalize.h/textfold.h)
 * unless a function says otherwise.
 *
 * Types are derived from the text: an offer is of type "may"
 * when its title, keywords or place read like sewing ("cong nhan may",
 * "may gia cong", a bare "may" that is not "xe may" or "nha may"), and so
 * on for each type below. The same cue table reads a household's question,
 * so "VIEC may" and an offer's title agree by construction.
 *
 * Places are "keys": folded, without administrative prefixes ("thi tran
 * Huong Canh" -> "huong canh", "TP Vinh Yen (so tuyen)" -> "vinh yen"). An
 * offer's places are kept as "|tan lap|song lo|phu tho|" for exact
 * matching in C and in SQL (instr).
 *
 * Both are stored per offer when it is written (jobs_board.h): raise
 * JOBS_BOARD_DERIVED there when these rules change.
 */
#ifndef GW_JOBS_FILTER_H
#define GW_JOBS_FILTER_H

#include "common/buf.h"

#define JOBS_AREA_MAX 64

enum jobs_type {
	JOBS_TYPE_MAY = 1u << 0,           /* sewing, garments */
	JOBS_TYPE_CONG_NHAN = 1u << 1,     /* factory worker */
	JOBS_TYPE_BAO_VE = 1u << 2,        /* security guard */
	JOBS_TYPE_LAI_XE = 1u << 3,        /* driver, forklift */
	JOBS_TYPE_KHO = 1u << 4,           /* warehouse, loading */
	JOBS_TYPE_THOI_VU = 1u << 5,       /* seasonal */
	JOBS_TYPE_BAN_THOI_GIAN = 1u << 6, /* part-time, at home */
	JOBS_TYPE_XKLD = 1u << 7,          /* contract work abroad */
};
#define JOBS_TYPE_COUNT 8

struct jobs_filter {
	char area[JOBS_AREA_MAX]; /* place key, "" = anywhere */
	unsigned types;           /* every bit must match; 0 = any type */
	int age;                  /* 0 = not said */
	char gender;              /* 'm', 'f', or 0 = not said */
	int page;                 /* 1-based */
};

/* The type bits an offer's folded text shows. */
unsigned jobs_filter_types_of(const char *folded);

/* "may", "cong nhan", ...; NULL for an unknown bit. */
const char *jobs_filter_type_name(unsigned bit);

/* Type names of types joined by sep ("may,cong nhan"); nothing for 0. */
int jobs_filter_types_text(unsigned types, const char *sep, struct buf *out);

/* Bits for a folded type name or cue ("may", "xkld", "di nhat"); 0 if none. */
unsigned jobs_filter_type_named(const char *folded);

/* Place key of raw UTF-8 text (folds it). */
int jobs_filter_place_key(const char *text, struct buf *out);

/* How a place is shown: unaccented, case kept, prefix and "(...)" dropped,
 * first of a comma-separated list ("thi tran Huong Canh" -> "Huong Canh"). */
int jobs_filter_place_label(const char *text, struct buf *out);

/* "|key|key|" for an offer's location fields (raw UTF-8; NULL or "" for
 * none). Communes listed with commas become one key each; an industrial
 * zone counts only when named as one ("KCN ...", "Lam viec tai ..."). */
int jobs_filter_places(const char *province, const char *district, const char *commune,
		       const char *zone, struct buf *out);

/* 'm', 'f' or 0 (either) from an offer's requirements (raw UTF-8):
 * "Nam 18-40 tuoi" -> 'm', "Nu/nam ..." -> 0. */
char jobs_filter_gender_of(const char *requirements);

/* Read a household's folded question: area (the longest known place key
 * found in it, else a country for work abroad: "nhat ban", or "nhat" after
 * "di"/"sang"/"don" ("co don di nhat" is Japan), else the words after
 * "o"/"tai"/"xa"/"huyen" up to a function word, "o nha" being no place),
 * types, age ("25 tuoi", "25t", "nu 30"), gender, and a trailing page
 * number. known_places is "|key|key|" (may be NULL). */
int jobs_filter_parse(const char *norm, const char *known_places, struct jobs_filter *out);

/* Every run of consecutive words of a folded question, as
 * jobs_filter_parse reads its words, shorter than JOBS_AREA_MAX: the
 * phrases a known place could be, as a JSON array of strings (words are
 * [a-z0-9] only), for looking them up instead of passing every place. */
int jobs_filter_phrases(const char *norm, struct buf *json);

/* Words of folded text as " w1 w2 ... " (only [a-z0-9] runs kept), so a
 * phrase is found with strstr(" phrase "). */
int jobs_filter_squash(const char *text, struct buf *out);

#endif

/* income_vi.h - household income and household size as Vietnamese
 * households write them in an SMS ("nha 4 nguoi, thu nhap 6tr/thang").
 *
 * The text is folded with textfold_ascii first ("Triệu" = "trieu",
 * "nghìn" = "nghin", "đ" = "d"). Pure: no locale, no globals.
 *
 * Amounts read:
 *   6tr  6 trieu  6trieu  2tr5 (2 500 000)  1tr250 (1 250 000)
 *   2 trieu 500 nghin  2 trieu ruoi  2 trieu 5 tram  1ty2  1 ty
 *   1.200.000  1,200,000  1 200 000  1200000  1.200.000d  1tr2 = 1 200 000
 *   1200k  800k  800 nghin  800 ngan  5 tram nghin  5 tram (500 000)
 *   1,5 trieu  1.5tr  0,5 trieu  mot trieu ruoi  hai muoi trieu
 *   50.000 dong  50000d  50000 vnd
 * Qualifiers (after the amount, or within 5 words before it in the same
 * clause):
 *   per person     /nguoi  /ng  /khau  moi nguoi  1 nguoi  mot nguoi
 *                  dau nguoi  binh quan  bq  moi khau
 *   per household  /ho  moi ho  ca nha  ca ho  (the default)
 *   per year       /nam  mot nam  1 nam  moi nam  hang nam  ca nam
 *   per month      /thang  mot thang  moi thang  hang thang (the default)
 *   per day        /ngay  mot ngay  moi ngay  hang ngay
 * Household size: "N nguoi", "N khau", "N nhan khau", "N thanh vien"
 * with N 1..30 in digits or words (nha 4 nguoi, gia dinh nam nguoi).
 *
 * Rules a caller must know:
 *   - "." and "," followed by exactly three digits group thousands
 *     (1.200.000, 1.500 trieu = 1 500 000 000); followed by one or two
 *     digits they are a decimal point, and only before a unit (1,5 trieu,
 *     1.5tr). Digits glued after a unit are its decimals: 2tr5, 1tr250.
 *   - A number with no unit is an amount only when it is 100 000 or more,
 *     has at most 10 digits and does not start with 0: small bare
 *     numbers are ages, counts and house numbers; leading-0 ones are
 *     phone and ID numbers. "X tram" alone is X * 100 000 as spoken.
 *   - Dates and fractions (3/12, 1/2), ranges (5-6tr), times (8h30),
 *     ages (30 tuoi) are never amounts.
 *   - The first amount is taken; amount_count tells how many there were
 *     so the caller can ask when it is more than one.
 *   - vnd is the amount as written (per year stays per year);
 *     income_vi_monthly_per_person() normalises.
 */
#ifndef GW_INCOME_VI_H
#define GW_INCOME_VI_H

#include <stddef.h>

/* Longer texts are refused with GW_ERR_TOOBIG. */
#define INCOME_VI_MAX_TEXT 4096
/* Larger amounts are a typo or not an income: GW_ERR_INVAL. */
#define INCOME_VI_MAX_VND 10000000000LL

struct income_vi {
	int has_income;
	long long vnd;          /* 0..INCOME_VI_MAX_VND, as written */
	int per_person;         /* else per household */
	int per_year;           /* else per month (or per day, below) */
	int per_day;
	int amount_count;       /* amounts seen in the text; the first is used */
	int has_household_size;
	int household_size;     /* 1..30 when has_household_size */
};

/* Read the first income amount and the household size in text
 * (NUL-terminated, any bytes). Returns:
 *   0              *out filled; no amount is has_income == 0.
 *   GW_ERR_INVAL   the first amount is unusable or an argument is bad;
 *                  *why (when why is not NULL) gets a static English
 *                  reason: "amount too large", "negative amount",
 *                  "bad argument".
 *   GW_ERR_TOOBIG  text longer than INCOME_VI_MAX_TEXT ("text too long").
 *   GW_ERR_NOMEM   out of memory ("out of memory").
 * *out is written only on success, *why only on failure. */
int income_vi_parse(const char *text, struct income_vi *out, const char **why);

/* Monthly income per person in dong, rounded to the nearest dong: a
 * yearly amount is divided by 12, a household amount by the household
 * size. -1 when it cannot be known: no amount, a per-day amount (days
 * worked a month are unknown), or a household amount without a size. */
long long income_vi_monthly_per_person(const struct income_vi *in);

#endif

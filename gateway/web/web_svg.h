/* web_svg.h - the dashboard's chart, drawn by the server as SVG.
 *
 * Messages per day, stacked by intent: one bar a day, one colour a series,
 * a <title> on every piece (hover shows "2026-11-29 policy: 12"), a y axis
 * with round steps, a date under every fifth day. Plain SVG attributes,
 * no script and no style attribute, so the page's Content-Security-Policy
 * holds. Every label is escaped.
 */
#ifndef GW_WEB_SVG_H
#define GW_WEB_SVG_H

#include <stdint.h>

#include "common/buf.h"

#define WEB_CHART_DAYS_MAX 92
#define WEB_CHART_SERIES_MAX 8

struct web_chart {
	int64_t first_day;   /* day number (calendar.h) of the first bar */
	int days;            /* bars, 1..WEB_CHART_DAYS_MAX */
	int nseries;         /* 0..WEB_CHART_SERIES_MAX */
	char names[WEB_CHART_SERIES_MAX][32];
	int counts[WEB_CHART_SERIES_MAX][WEB_CHART_DAYS_MAX];
};

/* The colour of series i ("#rrggbb"). */
const char *web_svg_colour(int i);

/* The round step and top of a y axis for a maximum (max 0 gives 0..1). */
void web_svg_axis(int max, int *step, int *top);

/* The chart as an <svg> element; label is its accessible name. */
int web_svg_chart(const struct web_chart *c, const char *label, struct buf *out);

/* The legend: one coloured square and name a series (HTML). */
int web_svg_legend(const struct web_chart *c, struct buf *out);

#endif

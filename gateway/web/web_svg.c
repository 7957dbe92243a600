#include "gateway/web/web_svg.h"

#include <stdio.h>

#include "common/gw_err.h"
#include "gateway/web/web_html.h"
#include "handlers/features/calendar.h"

#define W 720
#define H 240
#define LEFT 40
#define RIGHT 8
#define TOP 10
#define BOTTOM 26

/* Distinguishable, also for the common colour blindnesses (Okabe-Ito). */
static const char *const colours[WEB_CHART_SERIES_MAX] = {
	"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#7f7f7f",
};

const char *web_svg_colour(int i)
{
	return colours[(i < 0 ? 0 : i) % WEB_CHART_SERIES_MAX];
}

void web_svg_axis(int max, int *step, int *top)
{
	static const int steps[] = { 1, 2, 5 };
	int s = 1;

	/* about four lines: the smallest 1/2/5 x 10^k step that covers max */
	for (int mag = 1; mag <= 100000000; mag *= 10) {
		int found = 0;

		for (int i = 0; i < 3; i++) {
			s = steps[i] * mag;
			if ((long)s * 4 >= max) {
				found = 1;
				break;
			}
		}
		if (found)
			break;
	}
	*step = s;
	*top = max <= 0 ? s : ((max + s - 1) / s) * s;
}

int web_svg_chart(const struct web_chart *c, const char *label, struct buf *out)
{
	int days = c->days < 1 ? 1 : c->days > WEB_CHART_DAYS_MAX ? WEB_CHART_DAYS_MAX : c->days;
	int plot_w = W - LEFT - RIGHT, plot_h = H - TOP - BOTTOM, max = 0, step, top, r;
	int slot = plot_w / days, bar = slot * 3 / 4 > 1 ? slot * 3 / 4 : 1;

	for (int d = 0; d < days; d++) {
		int sum = 0;

		for (int s = 0; s < c->nseries; s++)
			sum += c->counts[s][d];
		if (sum > max)
			max = sum;
	}
	web_svg_axis(max, &step, &top);
	if ((r = web_h(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\""
			    " aria-label=\"%s\" font-family=\"sans-serif\" font-size=\"11\">",
		       W, H, label)) < 0)
		return r;
	for (int v = 0; v <= top; v += step) {
		int y = TOP + plot_h - (int)((long)v * plot_h / top);

		if ((r = web_h(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d5dadd\"/>"
				    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#5f6b73\">%d</text>",
			       LEFT, y, W - RIGHT, y, LEFT - 4, y + 4, v)) < 0)
			return r;
	}
	for (int d = 0; d < days; d++) {
		int x = LEFT + d * slot + (slot - bar) / 2, base = TOP + plot_h, yr, mo, dd;
		char day[16];

		calendar_date(c->first_day + d, &yr, &mo, &dd);
		/* the console's one date format (web_words.h) */
		snprintf(day, sizeof(day), "%02d/%02d/%04d", dd, mo, yr);
		for (int s = 0; s < c->nseries; s++) {
			int n = c->counts[s][d], h = (int)((long)n * plot_h / top);

			if (n <= 0)
				continue;
			if (h < 1)
				h = 1;
			base -= h;
			if ((r = web_h(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%.*s\">"
					    "<title>%s %s: %d</title></rect>",
				       x, base, bar, h, WEB_RAW, web_svg_colour(s), day, c->names[s],
				       n)) < 0)
				return r;
		}
		if ((d % 5 == 0 || d == days - 1) &&
		    (r = web_h(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#5f6b73\">"
				    "%d/%d</text>", x + bar / 2, H - 8, dd, mo)) < 0)
			return r;
	}
	return web_h(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#5f6b73\"/></svg>",
		     LEFT, TOP + plot_h, W - RIGHT, TOP + plot_h);
}

int web_svg_legend(const struct web_chart *c, struct buf *out)
{
	int r = buf_adds(out, "<div class=\"legend\">");

	for (int s = 0; s < c->nseries && r == 0; s++)
		r = web_h(out, "<span><svg width=\"12\" height=\"12\" aria-hidden=\"true\">"
			       "<rect width=\"12\" height=\"12\" rx=\"2\" fill=\"%.*s\"/></svg> %s</span>",
			  WEB_RAW, web_svg_colour(s), c->names[s]);
	if (r == 0)
		r = buf_adds(out, "</div>");
	return r;
}

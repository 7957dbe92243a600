/* web_html.h - HTML for the web console: escaping, the page frame, the two
 * languages.
 *
 * Everything a page writes goes through web_h(), a little printf whose %s
 * ESCAPES its argument: text from the database, the form or the URL can
 * only be shown as text (a program titled "<script>" renders as those
 * characters). Markup of our own is the format string itself, or a %.*s
 * whose precision is WEB_RAW. Its format language is a subset of printf's,
 * so the compiler checks every call (format attribute, -Wformat=2):
 *
 *   %s    string, HTML-escaped (& < > " ' become entities; NULL is "")
 *   %.*s  with WEB_RAW: string, raw (only for markup we built ourselves)
 *         with WEB_URL: string, percent-encoded for a URL query or path
 *         segment; any other precision is our bug: GW_ERR_INVAL
 *   %d    int     %lld  long long (cast int64_t values)     %%  a percent sign
 *
 *   web_h(b, "<a href=\"/contacts/%.*s\">%s</a>", WEB_URL, phone, name);
 *
 * Any other conversion is refused with GW_ERR_INVAL, loudly, not printed.
 *
 * Language: Vietnamese unless the visitor chose English (cookie gw_lang,
 * set by /lang); every string is written in both at the place it is used,
 * web_t(rq, "Tiếng Việt", "English"), so no message catalogue can drift.
 *
 * The frame (web_page_begin/end) is the same on every page: a header with
 * the navigation, the language switch and the logout button, one
 * stylesheet and one small script from /static, no inline script or
 * style (the Content-Security-Policy forbids them).
 */
#ifndef GW_WEB_HTML_H
#define GW_WEB_HTML_H

#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "gateway/web/web_request.h"

int web_html_esc(struct buf *b, const char *s);
int web_url_enc(struct buf *b, const char *s);

/* The precisions of web_h's %.*s: negative, as printf ignores them, and
 * unlikely values for a computed precision. */
enum web_h_mode {
	WEB_RAW = -1001, /* the string as it is */
	WEB_URL = -1002, /* percent-encoded */
};

int web_h(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* vi or en, as the visitor reads. */
const char *web_t(const struct web_req *rq, const char *vi, const char *en);

/* The page frame. nav names the active menu entry ("dash", "programs",
 * "jobs", "appts", "inbox", "contacts", or "" for none). */
int web_page_begin(struct web_req *rq, struct web_resp *rs, const char *title, const char *nav);
int web_page_end(struct web_req *rq, struct web_resp *rs);

/* <input type=hidden name=csrf ...>: every form carries it. */
int web_csrf_field(const struct web_req *rq, struct buf *b);

/* A whole page with one message: 400, 403, 404, 409, 500 ... */
int web_error(struct web_req *rq, struct web_resp *rs, unsigned status, const char *vi,
	      const char *en);

/* A notice box (kind "ok" or "err"). */
int web_notice(struct buf *b, const char *kind, const char *text);

/* The message named by ?ok=KEY after a redirect (Post/Redirect/Get). */
int web_flash(const struct web_req *rq, struct buf *b);

/* The end of a list built in a loop that left r (negative: an error,
 * returned as it is) and n items: "Không có." when there were none, then
 * close ("</ul></section>"). */
int web_list_end(const struct web_req *rq, struct buf *b, int r, int n, const char *close);

/* A list table's opening: <div class="tbl"><table id="id"> and a header
 * row of one <th> per (vi, en) pair of the NULL-terminated list ("", "":
 * an empty heading), up to <tbody>. Close it with WEB_TABLE_END. */
int web_table_begin(const struct web_req *rq, struct buf *b, const char *id, ...);
#define WEB_TABLE_END "</tbody></table></div>"

/* An <option> with value, label and selected when value equals current. */
int web_option(struct buf *b, const char *value, const char *label, const char *current);

#endif

#include "gateway/web/web_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "common/store.h"
#include "gateway/http/http_body.h"
#include "gateway/http/http_listen.h"
#include "gateway/web/web_assets.h"
#include "gateway/web/web_auth.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_request.h"
#include "gateway/web/web_scope.h"
#include "gateway/web/web_session.h"
#include "handlers/handler.h"
#include "handlers/vi/textfold.h"

/* Room for many slow clients at once, while one address holds at most
 * an eighth (http_listen.h): a real request finds a free connection. */
#define WEB_CONNECTIONS 256
#define WEB_PER_IP 32
#define WEB_DB_WAIT_MS 5000
/* An oversized body is read and dropped up to this many times the limit
 * (so the browser shows our 413 instead of a reset), refused at once above. */
#define WEB_DRAIN_FACTOR 8

static const char csp[] =
	"default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:;"
	" connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

struct web_server {
	struct http_listen *http; /* the server, once its address is known */
	char proxy[64];           /* web.trusted_proxy, canonical; "" = none */
	struct gw_settings cfg;   /* own copy: reloads on the main thread never race us */
	struct db *db;            /* used by the MHD thread only */
	struct db *scratch;       /* in-memory, for previews */
	struct web_auth *auth;
	const struct web_route *routes; /* the pages, from the caller */
	size_t nroutes;
};

/* The first segment of a path, for the log: "/contacts/8491..." logs as
 * "/contacts/…" so no phone number reaches the log from here. */
static int log_len(const char *path)
{
	return (int)(1 + strcspn(path + 1, "/"));
}

/* 1 when path matches pattern segment by segment ('*' = one segment). */
static int path_matches(const char *pattern, const char *path)
{
	while (*pattern && *path) {
		if (*pattern == '*') {
			size_t n = strcspn(path, "/");

			if (n == 0)
				return 0;
			path += n;
			pattern++;
		} else if (*pattern++ != *path++) {
			return 0;
		}
	}
	return !*pattern && !*path;
}

/* The client's address: the peer's, or, when the peer is the trusted
 * reverse proxy (web.trusted_proxy), the last address of X-Forwarded-For,
 * the one the proxy itself saw (earlier ones are the client's own word). */
static void client_address(const struct web_server *w, struct MHD_Connection *c, char *out,
			   size_t outsz)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *xff, *last;
	unsigned char bin[sizeof(struct in6_addr)];
	char hop[64];
	size_t n;

	http_listen_addr_text(ci ? ci->client_addr : NULL, out, outsz);
	if (!*w->proxy || strcmp(out, w->proxy) != 0 ||
	    !(xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For")))
		return;
	last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	last += strspn(last, " \t");
	n = strcspn(last, " \t");
	if (n == 0 || n >= sizeof(hop))
		return;
	memcpy(hop, last, n);
	hop[n] = '\0';
	if (inet_pton(AF_INET, hop, bin) == 1 || inet_pton(AF_INET6, hop, bin) == 1)
		gw_strlcpy(out, hop, outsz);
}

struct query_fill {
	struct web_form *form;
	int bad;
};

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct query_fill *q = cls;
	const char *v = value ? value : "";

	if (!textfold_utf8_valid(key, strlen(key)) || !textfold_utf8_valid(v, strlen(v)) ||
	    web_form_add(q->form, key, v) < 0) {
		q->bad = 1;
		return MHD_NO;
	}
	return MHD_YES;
}

static enum MHD_Result count_query(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	size_t *n = cls;

	*n += strlen(key) + (value ? strlen(value) : 0) + 2;
	return MHD_YES;
}

/* Path and query together (MHD hands them apart). */
static size_t url_length(struct MHD_Connection *c, const char *url)
{
	size_t n = strlen(url);

	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_query, &n);
	return n;
}

static enum MHD_Result send_resp(struct MHD_Connection *c, struct web_resp *rs)
{
	struct MHD_Response *resp;
	enum MHD_Result ret = MHD_NO;
	size_t len = 0;
	char *data;

	if (!(data = buf_detach(&rs->body, &len)))
		return MHD_NO;
	if (!(resp = MHD_create_response_from_buffer_with_free_callback(len, data, free))) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				rs->type ? rs->type : "text/html; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				rs->cacheable ? "public, max-age=3600" : "no-store");
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	if (rs->location[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, rs->location);
	for (int i = 0; i < rs->ncookies; i++)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, rs->cookies[i]);
	if (rs->status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD, POST");
	if (rs->retry_after > 0) {
		struct buf ra;

		buf_init(&ra, 32);
		if (buf_addf(&ra, "%d", rs->retry_after) == 0)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra.data);
		buf_release(&ra);
	}
	ret = MHD_queue_response(c, rs->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* A bare answer before any page logic (limits, bad requests). */
static enum MHD_Result plain(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct web_resp rs;
	enum MHD_Result ret = MHD_NO;

	web_resp_init(&rs);
	rs.status = status;
	rs.type = "text/plain; charset=utf-8";
	if (buf_adds(&rs.body, text) == 0 && buf_addch(&rs.body, '\n') == 0)
		ret = send_resp(c, &rs);
	web_resp_release(&rs);
	return ret;
}

/* The pre-login CSRF token: the browser's gw_pre cookie, or a new one. */
static int pre_token(struct MHD_Connection *c, struct web_req *rq, struct web_resp *rs)
{
	const char *have = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_PRE_COOKIE);
	struct buf cookie;
	int r = 0;

	if (web_token_valid(have))
		return gw_strlcpy(rq->csrf, have, sizeof(rq->csrf));
	if (rq->post) /* a POST without the cookie cannot match any token */
		return 0;
	buf_init(&cookie, WEB_COOKIE_MAX - 1);
	if ((r = web_token_new(rq->csrf)) == 0 &&
	    (r = web_cookie(&cookie, WEB_PRE_COOKIE, rq->csrf, 3600, 1)) == 0)
		r = web_resp_cookie(rs, cookie.data);
	buf_release(&cookie);
	return r;
}

/* The logged-in account, if the session cookie names a live session. */
static int load_session(struct web_server *w, struct MHD_Connection *c, struct web_req *rq)
{
	const char *tok = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_SESSION_COOKIE);
	int64_t officer = 0;
	int r;

	if (!web_token_valid(tok))
		return 0;
	gw_strlcpy(rq->session_token, tok, sizeof(rq->session_token));
	r = web_session_lookup(w->db, tok, rq->now, &officer, rq->csrf);
	if (r == 0)
		r = scope_account_load(w->db, officer, &rq->acct);
	if (r == 0)
		r = scope_account_box(&rq->acct, rq->cfg->office.communes);
	if (r == GW_ERR_NOTFOUND) {
		rq->csrf[0] = '\0';
		return 0;
	}
	if (r == 0)
		rq->logged_in = 1;
	return r;
}

static int serve_route(struct web_server *w, struct MHD_Connection *c, struct web_req *rq,
		       struct web_resp *rs)
{
	const char *method = strcmp(rq->method, "HEAD") == 0 ? "GET" : rq->method;
	const struct web_route *hit = NULL;
	int other_method = 0, r;

	for (size_t i = 0; i < w->nroutes && !hit; i++) {
		if (!path_matches(w->routes[i].pattern, rq->path))
			continue;
		if (strcmp(w->routes[i].method, method) == 0)
			hit = &w->routes[i];
		else
			other_method = 1;
	}
	if (!hit) {
		if (other_method)
			return web_error(rq, rs, 405, "Phương thức không được phép.", "Method not allowed.");
		return web_error(rq, rs, 404, "Không có trang này.", "No such page.");
	}
	if (hit->access == WEB_PUBLIC) {
		/* the login form's token is the pre-login cookie, also for a
		 * browser that still holds a session (rotation replaces it) */
		rq->csrf[0] = '\0';
		if ((r = pre_token(c, rq, rs)) < 0)
			return r;
	} else if (!rq->logged_in) {
		struct buf next;

		if (rq->post)
			return web_error(rq, rs, 403, "Phiên đăng nhập đã hết. Hãy đăng nhập lại.",
					 "Your session has ended. Please log in again.");
		buf_init(&next, WEB_URL_MAX);
		r = buf_adds(&next, "/login?next=");
		if (r == 0)
			r = web_url_enc(&next, rq->path);
		if (r == 0)
			r = web_redirect(rs, next.data);
		buf_release(&next);
		return r;
	}
	if (rq->post && !web_token_equal(rq->csrf, web_form_get(&rq->form, "csrf"))) {
		log_notice("web: %s %.*s… refused: missing or wrong CSRF token", rq->method,
			   log_len(rq->path), rq->path);
		return web_error(rq, rs, 403, "Biểu mẫu đã cũ hoặc không hợp lệ. Hãy tải lại trang và thử lại.",
				 "The form is stale or invalid. Reload the page and try again.");
	}
	if (hit->access == WEB_ADMIN && !rq->acct.admin)
		return web_error(rq, rs, 403, "Chỉ quản trị viên được làm việc này.",
				 "Only an administrator may do this.");
	return hit->fn(rq, rs);
}

static enum MHD_Result finish(struct web_server *w, struct MHD_Connection *c, const char *url,
			      const char *method, struct http_body *q)
{
	const char *lang = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_LANG_COOKIE);
	const struct web_asset *asset;
	struct query_fill qf;
	struct web_resp rs;
	struct web_req rq;
	enum MHD_Result ret = MHD_NO;
	int r;

	memset(&rq, 0, sizeof(rq));
	web_resp_init(&rs);
	rq.db = w->db;
	rq.scratch = w->scratch;
	rq.auth = w->auth;
	rq.cfg = &w->cfg;
	rq.method = method;
	rq.post = strcmp(method, "POST") == 0;
	rq.path = url;
	rq.en = lang && strcmp(lang, "en") == 0;
	rq.now = gw_now(w->cfg.office.utc_offset_min);
	client_address(w, c, rq.client, sizeof(rq.client));
	if (q->too_big) {
		ret = plain(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
		goto out;
	}
	if (!textfold_utf8_valid(url, strlen(url))) {
		ret = plain(c, MHD_HTTP_BAD_REQUEST, "malformed URL");
		goto out;
	}
	qf.form = &rq.query;
	qf.bad = 0;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query, &qf);
	if (qf.bad) {
		ret = plain(c, MHD_HTTP_BAD_REQUEST, "malformed query");
		goto out;
	}
	if (rq.post && web_form_parse(q->buf.data, q->buf.len, &rq.form) < 0) {
		ret = plain(c, MHD_HTTP_BAD_REQUEST, "malformed form body");
		goto out;
	}
	if (!rq.post && (asset = web_assets_find(url))) {
		rs.type = asset->type;
		rs.cacheable = 1;
		if (buf_add(&rs.body, asset->data, asset->len) < 0)
			goto out;
		ret = send_resp(c, &rs);
		goto out;
	}
	if ((r = load_session(w, c, &rq)) < 0 || (r = serve_route(w, c, &rq, &rs)) < 0) {
		log_warn("web: %s %.*s… failed: %s", method, log_len(url), url, gw_strerror(r));
		db_rollback(w->db);
		web_error(&rq, &rs, r == GW_ERR_BUSY ? 503 : 500,
			  "Lỗi máy chủ; không có gì được lưu. Hãy thử lại.",
			  "Server error; nothing was saved. Please try again.");
	}
	log_debug("web: %s %.*s… -> %u", method, log_len(url), url, rs.status);
	ret = send_resp(c, &rs);
out:
	web_form_release(&rq.query);
	web_form_release(&rq.form);
	web_resp_release(&rs);
	return ret;
}

static int is_form(struct MHD_Connection *c)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	static const char form[] = "application/x-www-form-urlencoded";

	return ct && !strncasecmp(ct, form, sizeof(form) - 1) &&
	       (ct[sizeof(form) - 1] == '\0' || ct[sizeof(form) - 1] == ';');
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct web_server *w = cls;
	struct http_body *q = *con_cls;
	long long declared;

	if (q) {
		int more = http_body_feed(q, upload, upload_size);

		if (more < 0) /* far past the cap: stop reading, close */
			return MHD_NO;
		if (more)
			return MHD_YES;
		return finish(w, c, url, method, q);
	}
	/* First call: headers only. */
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "POST") != 0)
		return plain(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed");
	if (url_length(c, url) >= WEB_URL_MAX)
		return plain(c, MHD_HTTP_URI_TOO_LONG, "URL too long");
	declared = http_body_declared(c);
	if (strcmp(method, "POST") == 0) {
		if (!is_form(c))
			return plain(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "form-encoded body expected");
		if (http_body_refused(declared, WEB_BODY_MAX, WEB_DRAIN_FACTOR))
			return plain(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
	} else if (declared > 0) {
		return plain(c, MHD_HTTP_BAD_REQUEST, "a GET has no body");
	}
	if (http_body_new(&q, WEB_BODY_MAX, WEB_DRAIN_FACTOR, declared) < 0)
		return MHD_NO;
	*con_cls = q;
	return MHD_YES;
}

int web_server_start(struct web_server **out, const struct gw_settings *cfg,
		     const struct web_route *routes, size_t nroutes)
{
	struct web_server *w = NULL;
	struct http_listen_spec spec;
	int v6, busy, r = GW_ERR_NOMEM;

	if (!(w = calloc(1, sizeof(*w))))
		goto out;
	w->cfg = *cfg;
	w->routes = routes;
	w->nroutes = nroutes;
	spec = (struct http_listen_spec){
		.section = "web",
		.mhd_tag = "web",
		.listen = w->cfg.web.listen,
		.port = cfg->web.port,
		.timeout_s = (unsigned)cfg->web.timeout_s,
		.deadline_s = (unsigned)cfg->web.timeout_s,
		.connections = WEB_CONNECTIONS,
		.per_ip = WEB_PER_IP,
		.memory = WEB_HEADER_MEMORY,
		.exempt = w->cfg.web.trusted_proxy,
	};
	if ((r = http_listen_new(&w->http, &spec)) < 0)
		goto out;
	/* as the peer's address will read (http_listen checked it is numeric) */
	gw_strlcpy(w->proxy, http_listen_exempt(w->http), sizeof(w->proxy));
	/* a page never waits for the database longer than a person would */
	busy = cfg->database.busy_timeout_ms < WEB_DB_WAIT_MS ? cfg->database.busy_timeout_ms
							       : WEB_DB_WAIT_MS;
	if ((r = handler_store_open(&w->db, cfg->database.path, busy)) < 0 ||
	    (r = db_set_cache_kib(w->db, cfg->database.cache_kib)) < 0 ||
	    (r = store_open(&w->scratch, ":memory:", busy)) < 0 ||
	    (r = web_auth_create(&w->auth, PWHASH_INTERACTIVE)) < 0 ||
	    (r = http_listen_start(w->http, on_request, w)) < 0)
		goto out;
	v6 = http_listen_v6(w->http);
	log_notice("web: console on http://%s%s%s:%d/", v6 ? "[" : "", cfg->web.listen, v6 ? "]" : "",
		   cfg->web.port);
	*out = w;
	w = NULL;
	r = 0;
out:
	web_server_stop(w);
	return r;
}

void web_server_stop(struct web_server *w)
{
	if (!w)
		return;
	http_listen_stop(w->http);
	web_auth_destroy(w->auth);
	db_close(w->scratch);
	db_close(w->db);
	free(w);
}

/* web_request.h - one web console request as the pages see it.
 *
 * web_server.c reads the HTTP request (libmicrohttpd), checks the limits,
 * the session and the CSRF token, and hands a page function a struct
 * web_req with everything already decoded: the query and the form body as
 * name/value lists, the logged-in account, the language, "now". The page
 * fills a struct web_resp (status, body, redirect, cookies) and returns 0;
 * a negative GW_ERR_* becomes a 500 page. Pages never see libmicrohttpd.
 *
 * Form bodies are application/x-www-form-urlencoded, parsed here rather than
 * by MHD's post processor so that a malformed body ("%zz", bytes that are
 * not UTF-8, more than WEB_FORM_FIELDS_MAX fields) is a clear 400.
 */
#ifndef GW_WEB_REQUEST_H
#define GW_WEB_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/db.h"
#include "config/settings.h"
#include "handlers/features/scope.h"

#define WEB_FORM_FIELDS_MAX 64
#define WEB_TOKEN_HEX 64       /* 32 random bytes as hex */
#define WEB_URL_MAX 1024
#define WEB_COOKIES_MAX 3
#define WEB_COOKIE_MAX 512

struct web_field {
	char *name;
	char *value;
};

/* Decoded name/value pairs, in the order sent. */
struct web_form {
	struct web_field *f;
	size_t n, alloc;
};


struct web_auth;

struct web_req {
	struct db *db;                 /* the web thread's own connection */
	struct db *scratch;            /* in-memory database for previews */
	struct web_auth *auth;         /* login rate limits */
	const struct gw_settings *cfg;
	const char *method;            /* "GET", "HEAD" or "POST" */
	int post;
	const char *path;              /* decoded, starts with '/' */
	struct web_form query;
	struct web_form form;          /* POST body */
	char client[64];               /* numeric address of the client */
	int en;                        /* English interface */
	time_t now;
	int logged_in;
	struct scope_account acct;     /* read fresh on every request (scope.h) */
	char csrf[WEB_TOKEN_HEX + 1];  /* the token forms must carry */
	char session_token[WEB_TOKEN_HEX + 1]; /* the cookie's token, "" = none */
};

struct web_resp {
	unsigned status;
	const char *type;              /* Content-Type; NULL = HTML */
	struct buf body;
	char location[WEB_URL_MAX];    /* redirects */
	char cookies[WEB_COOKIES_MAX][WEB_COOKIE_MAX];
	int ncookies;
	int retry_after;               /* seconds, 429 */
	int cacheable;                 /* static assets: may be cached */
	int refresh;                   /* seconds: the page reloads itself (set before web_page_begin) */
};

typedef int (*web_page_fn)(struct web_req *rq, struct web_resp *rs);

void web_form_init(struct web_form *f);
void web_form_release(struct web_form *f);
/* Parse an urlencoded body ('+' is a space, %XX a byte). GW_ERR_INVAL for
 * a bad escape, a field without a name, text that is not UTF-8 or control
 * characters other than tab/CR/LF; GW_ERR_TOOBIG over WEB_FORM_FIELDS_MAX. */
int web_form_parse(const char *data, size_t len, struct web_form *out);
/* Append one pair (copied). */
int web_form_add(struct web_form *f, const char *name, const char *value);
/* The first value of name, or NULL. */
const char *web_form_get(const struct web_form *f, const char *name);
/* The value, or "" when absent. */
const char *web_form_str(const struct web_form *f, const char *name);
/* A whole number in [min, max]; GW_ERR_INVAL when absent or not one. */
int web_form_int(const struct web_form *f, const char *name, long long min, long long max,
		 long long *out);

/* A parameter of the form (POST) or else of the query. */
const char *web_arg(const struct web_req *rq, const char *name);

void web_resp_init(struct web_resp *rs);
void web_resp_release(struct web_resp *rs);
/* 303 See Other to a local path (must start with one '/'). */
int web_redirect(struct web_resp *rs, const char *path);
/* Add a Set-Cookie value. GW_ERR_TOOBIG when there is no room. */
int web_resp_cookie(struct web_resp *rs, const char *cookie);

/* 1 when s is a safe place to go back to after login or a language
 * switch: a local path ("/x"), not "//host" nor anything with a scheme,
 * backslash or control character. */
int web_local_path(const char *s);

/* The path segment after prefix ("/jobs/12/close", "/jobs/" -> "12"),
 * up to the next '/' into out; rest gets what follows it ("/close" or "").
 * GW_ERR_NOTFOUND when path does not start with prefix or the segment is
 * empty, GW_ERR_TOOBIG when it does not fit. */
int web_path_segment(const char *path, const char *prefix, char *out, size_t outsz,
		     const char **rest);

/* Parse a positive id ("12"). */
int web_parse_id(const char *s, int64_t *out);

#endif

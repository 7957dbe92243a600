#include "gateway/ussd/ussd_http.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/http/http_body.h"
#include "gateway/http/http_listen.h"
#include "gateway/outbox.h"
#include "gateway/ussd/ussd_form.h"
#include "handlers/core/contacts.h"
#include "handlers/dialog/dialog.h"
#include "handlers/handler.h"

/* Room for many slow clients at once, while one address holds at most
 * an eighth (http_listen.h). */
#define USSD_HTTP_CONNECTIONS 256
#define USSD_HTTP_PER_IP 32
#define USSD_HTTP_MEMORY (64 * 1024)  /* headers of one connection */
/* An oversized body is read and dropped up to this many times max_body
 * (so the client reads our 413 instead of a reset), refused at once above. */
#define USSD_HTTP_DRAIN_FACTOR 16

struct ussd_http {
	struct http_listen *http; /* the server, once its address is known */
	struct gw_settings cfg; /* own copy: reloads on the main thread never race us */
	struct db *db;          /* used by the MHD thread only */
};

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *resp;
	enum MHD_Result ret = MHD_NO;
	struct buf b;
	size_t len = 0;
	char *data;

	buf_init(&b, 4096);
	if (buf_adds(&b, text) < 0 || buf_addch(&b, '\n') < 0 || !(data = buf_detach(&b, &len)))
		goto out;
	if (!(resp = MHD_create_response_from_buffer_with_free_callback(len, data, free))) {
		free(data);
		goto out;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "POST");
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
out:
	buf_release(&b);
	return ret;
}

/* Equal secrets, in time independent of where they differ. */
static int secret_ok(const char *want, const char *got)
{
	size_t wn = strlen(want), gn = got ? strlen(got) : 0;
	unsigned char diff = wn != gn;

	for (size_t i = 0; i < wn; i++)
		diff |= (unsigned char)(want[i] ^ (i < gn ? got[i] : 0));
	return diff == 0;
}

/* Run the conversation for one valid request; *screen gets "CON ..." or
 * "END ...". */
static int serve(struct ussd_http *u, const struct ussd_form *f, const char *phone,
		 struct buf *screen)
{
	struct handler_env env = { u->db, &u->cfg };
	struct handler_result res;
	struct handler_msg msg;
	struct buf text;
	int end = 0, r;

	handler_result_init(&res);
	buf_init(&text, 4096);
	memset(&msg, 0, sizeof(msg));
	msg.phone = phone;
	msg.text = f->text;
	msg.at = time(NULL);
	msg.channel = HANDLER_CHANNEL_USSD;
	if ((r = db_begin(u->db)) < 0)
		goto out;
	if ((r = handler_ussd(&env, &msg, f->session_id, &text, &end, &res)) < 0 ||
	    (r = outbox_queue(u->db, &res, 0, msg.at)) < 0 || (r = db_commit(u->db)) < 0) {
		db_rollback(u->db);
		goto out;
	}
	if (res.nout)
		log_info("ussd: %zu SMS queued", res.nout); /* no log_phone(): not thread-safe */
	r = buf_addf(screen, "%s %s", end ? "END" : "CON", text.data);
out:
	handler_result_release(&res);
	buf_release(&text);
	return r;
}

static enum MHD_Result finish(struct ussd_http *u, struct MHD_Connection *c, struct http_body *q)
{
	const char *hdr = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Gateway-Secret");
	struct ussd_form *f = NULL;
	const char *missing;
	char phone[USSD_FORM_PHONE_MAX + 8];
	struct buf screen;
	enum MHD_Result ret;
	int r;

	buf_init(&screen, 4096);
	if (q->too_big) {
		ret = respond(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
		goto out;
	}
	if (!(f = malloc(sizeof(*f)))) {
		ret = respond(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
		goto out;
	}
	if (ussd_form_parse(q->buf.data, q->buf.len, f) < 0) {
		ret = respond(c, MHD_HTTP_BAD_REQUEST, "malformed form body");
		goto out;
	}
	/* The secret first: without it nothing else is told. */
	if (*u->cfg.ussd.secret && !secret_ok(u->cfg.ussd.secret, hdr) &&
	    !((f->present & USSD_FORM_SECRET) && secret_ok(u->cfg.ussd.secret, f->secret))) {
		log_notice("ussd: request with a wrong or no secret refused");
		ret = respond(c, MHD_HTTP_FORBIDDEN, "forbidden");
		goto out;
	}
	if ((missing = ussd_form_missing(f))) {
		struct buf why;

		buf_init(&why, 128);
		ret = buf_addf(&why, "missing field %s", missing) == 0
			      ? respond(c, MHD_HTTP_BAD_REQUEST, why.data)
			      : respond(c, MHD_HTTP_BAD_REQUEST, "missing field");
		buf_release(&why);
		goto out;
	}
	if (contacts_normalize_phone(f->phone, phone, sizeof(phone)) < 0 || !*f->session_id) {
		ret = respond(c, MHD_HTTP_BAD_REQUEST, "bad phoneNumber or sessionId");
		goto out;
	}
	if ((r = serve(u, f, phone, &screen)) < 0) {
		log_warn("ussd: session failed: %s", gw_strerror(r));
		/* The aggregator shows a 200's text; a 5xx is a bare error on the phone. */
		ret = respond(c, MHD_HTTP_OK, "END Xin loi, he thong dang ban. Vui long thu lai sau.");
		goto out;
	}
	ret = respond(c, MHD_HTTP_OK, screen.data);
out:
	free(f);
	buf_release(&screen);
	return ret;
}

static int is_form(struct MHD_Connection *c)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	static const char form[] = "application/x-www-form-urlencoded";

	return !ct || !strncasecmp(ct, form, sizeof(form) - 1);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct ussd_http *u = cls;
	struct http_body *q = *con_cls;
	enum MHD_Result ret = MHD_YES;
	long long declared;
	int more;

	if (q && (more = http_body_feed(q, upload, upload_size)) != 0) { /* more of the body */
		ret = more < 0 ? MHD_NO : MHD_YES; /* far past the cap: stop reading, close */
		goto out;
	}
	if (q) { /* the whole body is in */
		ret = finish(u, c, q);
		goto out;
	}
	/* First call: headers only (the allow-list was applied at accept). */
	if (strcmp(url, u->cfg.ussd.path) != 0) {
		ret = respond(c, MHD_HTTP_NOT_FOUND, "not found");
	} else if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
		ret = respond(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only POST");
	} else if (!is_form(c)) {
		ret = respond(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "form-encoded body expected");
	} else {
		declared = http_body_declared(c);
		if (http_body_refused(declared, (size_t)u->cfg.ussd.max_body, USSD_HTTP_DRAIN_FACTOR))
			ret = respond(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
		else if (http_body_new(&q, (size_t)u->cfg.ussd.max_body, USSD_HTTP_DRAIN_FACTOR, declared) < 0)
			ret = MHD_NO;
		else
			*con_cls = q;
	}
out:
	return ret;
}

int ussd_http_start(struct ussd_http **out, const struct gw_settings *cfg)
{
	struct ussd_http *u = NULL;
	struct http_listen_spec spec;
	int busy, r = GW_ERR_NOMEM;

	if (!(u = calloc(1, sizeof(*u))))
		goto out;
	u->cfg = *cfg;
	spec = (struct http_listen_spec){
		.section = "ussd",
		.mhd_tag = "ussd http",
		.listen = u->cfg.ussd.listen,
		.port = cfg->ussd.port,
		.timeout_s = (unsigned)cfg->ussd.timeout_s,
		.deadline_s = (unsigned)cfg->ussd.timeout_s,
		.connections = USSD_HTTP_CONNECTIONS,
		.per_ip = USSD_HTTP_PER_IP,
		.memory = USSD_HTTP_MEMORY,
		.allow = u->cfg.ussd.allow,
	};
	if ((r = http_listen_new(&u->http, &spec)) < 0)
		goto out;
	/* A request never waits for the database longer than it may take. */
	busy = cfg->database.busy_timeout_ms;
	if (busy > cfg->ussd.timeout_s * 1000)
		busy = cfg->ussd.timeout_s * 1000;
	if ((r = handler_store_open(&u->db, cfg->database.path, busy)) < 0 ||
	    (r = db_set_cache_kib(u->db, cfg->database.cache_kib)) < 0 ||
	    (r = http_listen_start(u->http, on_request, u)) < 0)
		goto out;
	log_notice("ussd: callback on http://%s:%d%s%s%s", cfg->ussd.listen, cfg->ussd.port,
		   cfg->ussd.path, *cfg->ussd.secret ? " (secret required)" : "",
		   *cfg->ussd.allow ? " (allow-list)" : "");
	*out = u;
	u = NULL;
	r = 0;
out:
	ussd_http_stop(u);
	return r;
}

void ussd_http_stop(struct ussd_http *u)
{
	if (u) {
		http_listen_stop(u->http);
		db_close(u->db);
	}
	free(u);
}

/* kannel_http.c - see kannel_http.h. */
#include "gateway/kannel/kannel_http.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "common/store.h"
#include "gateway/http/http_body.h"
#include "gateway/http/http_listen.h"
#include "gateway/kannel/kannel_req.h"
#include "gateway/kannel/kannel_store.h"

/* smsbox keeps up to max-pending-requests (512) requests open to us, all
 * from its one address. */
#define KANNEL_HTTP_CONNECTIONS 1024
#define KANNEL_HTTP_PER_IP 1000
#define KANNEL_HTTP_MEMORY (64 * 1024) /* headers and URL of one request */
#define KANNEL_HTTP_DRAIN_FACTOR 4

struct kannel_http {
	struct http_listen *http;
	struct gw_settings cfg; /* own copy: reloads on the main thread never race us */
	struct db *db;          /* used by the MHD thread only */
	void (*on_mo)(void *arg);
	void *arg;
};

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *resp;
	enum MHD_Result ret = MHD_NO;
	size_t n = strlen(text);
	char *data = malloc(n + 1);

	if (!data)
		goto out;
	memcpy(data, text, n);
	data[n] = '\n';
	if (!(resp = MHD_create_response_from_buffer_with_free_callback(n + 1, data, free))) {
		free(data);
		goto out;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, POST");
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
out:
	return ret;
}

/* A query argument, else the header (post-url sends X-Kannel-*). */
static struct kannel_field field(struct MHD_Connection *c, const char *arg, const char *header)
{
	struct kannel_field f = { NULL, 0 };

	if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, arg, strlen(arg), &f.v,
					  &f.n) != MHD_YES && header &&
	    MHD_lookup_connection_value_n(c, MHD_HEADER_KIND, header, strlen(header), &f.v,
					  &f.n) != MHD_YES)
		f.v = NULL;
	if (!f.v)
		f.n = 0;
	return f;
}

/* The charset parameter of a Content-Type (post-url: text/plain;
 * charset="UTF-8"), into out; "" when there is none. */
static void content_charset(struct MHD_Connection *c, char *out, size_t outsz)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *p = ct ? strcasestr(ct, "charset=") : NULL;
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += 8;
	p += *p == '"';
	n = strcspn(p, "\"; ");
	if (n < outsz) {
		memcpy(out, p, n);
		out[n] = '\0';
	}
}

static enum MHD_Result serve_mo(struct kannel_http *k, struct MHD_Connection *c,
				const struct http_body *body)
{
	struct kannel_mo_raw raw;
	struct kannel_mo m;
	char charset[32];
	const char *why = "";
	enum MHD_Result ret;
	int stored = 0, r;

	kannel_mo_init(&m);
	raw.from = field(c, "from", "X-Kannel-From");
	raw.to = field(c, "to", "X-Kannel-To");
	raw.id = field(c, "id", NULL);
	raw.smsc = field(c, "smsc", "X-Kannel-SMSC");
	raw.coding = field(c, "coding", "X-Kannel-Coding");
	raw.time = field(c, "time", "X-Kannel-Time");
	raw.charset = field(c, "charset", NULL);
	if (body) { /* post-url: the text is the body */
		raw.text.v = body->buf.data;
		raw.text.n = body->buf.len;
		if (!raw.charset.v) {
			content_charset(c, charset, sizeof(charset));
			raw.charset.v = charset;
			raw.charset.n = strlen(charset);
		}
	} else {
		raw.text = field(c, "text", NULL);
	}
	if (kannel_mo_decode(&raw, &m, &why) < 0) {
		log_notice("kannel: message refused: %s", why);
		ret = respond(c, MHD_HTTP_BAD_REQUEST, why);
		goto out;
	}
	if (!*m.id)
		log_warn("kannel: message from %s without an id (get-url lacks id=%%I): a repeated"
			 " request would be answered twice", log_phone(m.from));
	if ((r = kannel_store_mo(k->db, &m, time(NULL), &stored)) < 0) {
		log_warn("kannel: message from %s not stored (%s): smsbox will retry",
			 log_phone(m.from), gw_strerror(r));
		ret = respond(c, MHD_HTTP_SERVICE_UNAVAILABLE, "not stored, try again");
		goto out;
	}
	if (stored)
		log_info("kannel: message %s from %s stored%s", *m.id ? m.id : "(no id)",
			 log_phone(m.from), m.malformed ? " (malformed: not answered)" : "");
	else
		log_info("kannel: message %s from %s repeated by smsbox: already stored", m.id,
			 log_phone(m.from));
	if (stored && !m.malformed && k->on_mo)
		k->on_mo(k->arg);
	ret = respond(c, MHD_HTTP_OK, "ok");
out:
	kannel_mo_release(&m);
	return ret;
}

static enum MHD_Result serve_dlr(struct kannel_http *k, struct MHD_Connection *c)
{
	struct kannel_dlr_raw raw;
	struct kannel_dlr d;
	const char *why = "";
	int settled = 0, r;

	raw.outbox = field(c, "outbox", NULL);
	raw.type = field(c, "type", NULL);
	raw.reply = field(c, "reply", NULL);
	raw.time = field(c, "time", NULL);
	if (kannel_dlr_decode(&raw, &d, &why) < 0) {
		log_notice("kannel: delivery report refused: %s", why);
		return respond(c, MHD_HTTP_BAD_REQUEST, why);
	}
	r = kannel_store_dlr(k->db, &d, time(NULL), &settled);
	if (r == GW_ERR_NOTFOUND) {
		/* purged, or another database: asking again would not help */
		log_notice("kannel: delivery report for outbox %lld, which we do not have",
			   (long long)d.outbox_id);
		return respond(c, MHD_HTTP_OK, "no such message");
	}
	if (r < 0) {
		log_warn("kannel: delivery report for outbox %lld not recorded (%s): smsbox will"
			 " retry", (long long)d.outbox_id, gw_strerror(r));
		return respond(c, MHD_HTTP_SERVICE_UNAVAILABLE, "not recorded, try again");
	}
	log_debug("kannel: outbox %lld: %s (type %d)%s", (long long)d.outbox_id,
		  outbox_dlr_name(d.state), d.type, settled ? ", settles it" : "");
	return respond(c, MHD_HTTP_OK, "ok");
}

static int is_mo(const char *url)
{
	return !strcmp(url, "/kannel/mo");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct kannel_http *k = cls;
	struct http_body *q = *con_cls;
	int post = !strcmp(method, MHD_HTTP_METHOD_POST);
	enum MHD_Result ret = MHD_YES;
	long long declared;

	if (q && http_body_feed(q, upload, upload_size)) /* more of the body */
		goto out;
	if (q) { /* the whole body is in */
		ret = q->too_big ? respond(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large")
		      : is_mo(url) ? serve_mo(k, c, q) : serve_dlr(k, c);
		goto out;
	}
	/* First call: headers only (the allow-list was applied at accept). */
	if (!is_mo(url) && strcmp(url, "/kannel/dlr") != 0) {
		ret = respond(c, MHD_HTTP_NOT_FOUND, "not found");
	} else if (!post && strcmp(method, MHD_HTTP_METHOD_GET) != 0) {
		ret = respond(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and POST");
	} else if (!post) {
		ret = is_mo(url) ? serve_mo(k, c, NULL) : serve_dlr(k, c);
	} else {
		declared = http_body_declared(c);
		if (http_body_refused(declared, (size_t)k->cfg.kannel.max_body,
				      KANNEL_HTTP_DRAIN_FACTOR))
			ret = respond(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
		else if (http_body_new(&q, (size_t)k->cfg.kannel.max_body, KANNEL_HTTP_DRAIN_FACTOR,
				       declared) < 0)
			ret = MHD_NO;
		else
			*con_cls = q;
	}
out:
	return ret;
}

int kannel_http_start(struct kannel_http **out, const struct gw_settings *cfg,
		      void (*on_mo)(void *arg), void *arg)
{
	struct kannel_http *k = NULL;
	struct http_listen_spec spec;
	int busy, r = GW_ERR_NOMEM;

	if (!(k = calloc(1, sizeof(*k))))
		goto out;
	k->cfg = *cfg;
	k->on_mo = on_mo;
	k->arg = arg;
	spec = (struct http_listen_spec){
		.section = "kannel",
		.mhd_tag = "kannel http",
		.listen = k->cfg.kannel.listen,
		.port = cfg->kannel.port,
		.timeout_s = (unsigned)cfg->kannel.timeout_s,
		.deadline_s = (unsigned)cfg->kannel.timeout_s,
		.connections = KANNEL_HTTP_CONNECTIONS,
		.per_ip = KANNEL_HTTP_PER_IP,
		.memory = KANNEL_HTTP_MEMORY,
		.allow = k->cfg.kannel.allow,
	};
	if ((r = http_listen_new(&k->http, &spec)) < 0)
		goto out;
	/* A request waits for the database half of kannel.timeout at most:
	 * then it is a 503, well before the deadline closes the connection
	 * unanswered, and smsbox asks again. */
	busy = cfg->database.busy_timeout_ms;
	if (busy > cfg->kannel.timeout_s * 500)
		busy = cfg->kannel.timeout_s * 500;
	if ((r = store_open(&k->db, cfg->database.path, busy)) < 0 ||
	    (r = http_listen_start(k->http, on_request, k)) < 0)
		goto out;
	log_notice("kannel: endpoint on http://%s:%d/kannel/mo and /kannel/dlr%s",
		   cfg->kannel.listen, cfg->kannel.port, *cfg->kannel.allow ? " (allow-list)" : "");
	*out = k;
	k = NULL;
	r = 0;
out:
	kannel_http_stop(k);
	return r;
}

void kannel_http_stop(struct kannel_http *k)
{
	if (k) {
		http_listen_stop(k->http);
		db_close(k->db);
	}
	free(k);
}

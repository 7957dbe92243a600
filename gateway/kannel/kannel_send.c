/* kannel_send.c - see kannel_send.h. */
#include "gateway/kannel/kannel_send.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/kannel/kannel_doubt.h"

#define KANNEL_ANSWER_MAX 4096
#define KANNEL_URL_MAX (16 * 1024)
/* After a 503 (bearerbox's queue full) open() refuses for this long,
 * doubling while the refusals go on, so the link backs off. */
#define KANNEL_HOLD_MIN_MS 250
#define KANNEL_HOLD_MAX_MS 30000

struct kannel_priv {
	struct gw_settings cfg;
	CURL *curl;            /* the handle (a connection per request) */
	struct buf answer;     /* body of the last answer */
	int hold_ms;           /* current hold after 503s, 0 none */
	int64_t hold_until_ms; /* monotonic */
};

int kannel_send_escape(struct buf *b, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	int r = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p && r == 0; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			r = buf_addch(b, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };

			r = buf_add(b, e, 3);
		}
	}
	return r;
}

static int add_param(struct buf *url, const char *name, const char *value)
{
	int r;

	if ((r = buf_addch(url, url->len && strchr(url->data, '?') ? '&' : '?')) < 0 ||
	    (r = buf_adds(url, name)) < 0 || (r = buf_addch(url, '=')) < 0)
		return r;
	return kannel_send_escape(url, value);
}

/* Where smsbox reaches our /kannel/dlr: kannel.callback_url, or the
 * listen address and port. */
static int callback_base(struct buf *b, const struct gw_settings *cfg)
{
	size_t n = strlen(cfg->kannel.callback_url);

	if (n) {
		while (n && cfg->kannel.callback_url[n - 1] == '/')
			n--;
		return buf_add(b, cfg->kannel.callback_url, n);
	}
	return buf_addf(b, strchr(cfg->kannel.listen, ':') ? "http://[%s]:%d" : "http://%s:%d",
			cfg->kannel.listen, cfg->kannel.port);
}

int kannel_send_url(struct buf *url, const struct gw_settings *cfg, const char *phone,
		    const char *text, int ucs2, int64_t outbox_id)
{
	const struct gw_settings *c = cfg;
	struct buf dlr;
	int r;

	buf_reset(url);
	buf_init(&dlr, 2048);
	if ((r = buf_adds(url, c->kannel.sendsms_url)) < 0 ||
	    (r = add_param(url, "username", c->kannel.username)) < 0 ||
	    (r = add_param(url, "password", c->kannel.password)) < 0 ||
	    (*c->kannel.from && (r = add_param(url, "from", c->kannel.from)) < 0) ||
	    (r = add_param(url, "to", phone)) < 0 || (r = add_param(url, "text", text)) < 0 ||
	    (r = add_param(url, "charset", "UTF-8")) < 0 ||
	    (ucs2 && (r = add_param(url, "coding", "2")) < 0))
		goto out;
	if (outbox_id > 0 && c->kannel.dlr_mask > 0) {
		char mask[16];

		snprintf(mask, sizeof(mask), "%d", c->kannel.dlr_mask);
		/* Kannel fills in %d (the report type), %A (the SMSC's words)
		 * and %T (epoch) when it calls back. */
		if ((r = callback_base(&dlr, c)) < 0 ||
		    (r = buf_addf(&dlr, "/kannel/dlr?outbox=%lld&type=%%d&reply=%%A&time=%%T",
				  (long long)outbox_id)) < 0 ||
		    (r = add_param(url, "dlr-mask", mask)) < 0 ||
		    (r = add_param(url, "dlr-url", dlr.data)) < 0)
			goto out;
	}
	r = 0;
out:
	buf_release(&dlr);
	return r;
}

int kannel_send_answer(long status, const char *body)
{
	if (status >= 200 && status < 300)
		return 0;
	if (status == 403)
		return GW_ERR_AUTH;
	if (status == 404)
		return GW_ERR_CONFIG;
	if (status == 503)
		return GW_ERR_BUSY;
	if (status >= 400 && status < 500)
		return GW_ERR_SEND_PERM;
	return GW_ERR_MODEM_GONE;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t n = size * nmemb;

	/* more than we keep is read and dropped: only the start says anything */
	if (b->len < b->cap && buf_add(b, data, n < b->cap - b->len ? n : b->cap - b->len) < 0)
		return 0;
	return n;
}

static int curl_ready(struct kannel_priv *p)
{
	if (p->curl)
		return 0;
	if (!(p->curl = curl_easy_init()))
		return GW_ERR_NOMEM;
	curl_easy_setopt(p->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(p->curl, CURLOPT_TIMEOUT, (long)p->cfg.kannel.timeout_s);
	curl_easy_setopt(p->curl, CURLOPT_CONNECTTIMEOUT, (long)p->cfg.kannel.timeout_s);
	curl_easy_setopt(p->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(p->curl, CURLOPT_WRITEDATA, &p->answer);
	curl_easy_setopt(p->curl, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(p->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	/* a connection per request: when a reused connection dies before the
	 * answer, libcurl sends the request again on a new one by itself, and
	 * smsbox may have queued the first (a household would get it twice) */
	curl_easy_setopt(p->curl, CURLOPT_FORBID_REUSE, 1L);
	return 0;
}

/* One GET; *status = the HTTP status. GW_ERR_MODEM_GONE when nothing
 * reached smsbox, GW_ERR_TIMEOUT when the request left but no answer came. */
static int get(struct kannel_priv *p, const char *url, long *status)
{
	CURLcode cc;
	int r;

	if ((r = curl_ready(p)) < 0)
		return r;
	buf_reset(&p->answer);
	curl_easy_setopt(p->curl, CURLOPT_URL, url);
	cc = curl_easy_perform(p->curl);
	/* a request cut short while written is one smsbox cannot act on */
	if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
	    cc == CURLE_COULDNT_RESOLVE_PROXY || cc == CURLE_URL_MALFORMAT ||
	    cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_SEND_ERROR) {
		log_warn("kannel: cannot reach sendsms: %s", curl_easy_strerror(cc));
		return GW_ERR_MODEM_GONE;
	}
	if (cc != CURLE_OK) {
		log_warn("kannel: no answer from sendsms: %s", curl_easy_strerror(cc));
		return GW_ERR_TIMEOUT;
	}
	curl_easy_getinfo(p->curl, CURLINFO_RESPONSE_CODE, status);
	buf_rtrim(&p->answer);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Does sendsms answer and take our credentials? A request with an empty
 * receiver is refused (400) after the credentials were checked (403), and
 * sends nothing. */
static int probe(struct kannel_priv *p)
{
	struct buf url;
	long status = 0;
	int r;

	buf_init(&url, KANNEL_URL_MAX);
	if ((r = buf_adds(&url, p->cfg.kannel.sendsms_url)) < 0 ||
	    (r = add_param(&url, "username", p->cfg.kannel.username)) < 0 ||
	    (r = add_param(&url, "password", p->cfg.kannel.password)) < 0 ||
	    (r = add_param(&url, "to", "")) < 0 || (r = get(p, url.data, &status)) < 0)
		goto out;
	if (status == 400) {
		r = 0;
	} else if (status == 403) {
		log_error("kannel: sendsms refuses kannel.username/kannel.password (%s)",
			  p->answer.data);
		r = GW_ERR_AUTH;
	} else {
		log_error("kannel: %s answers %ld (%s): is kannel.sendsms_url smsbox's sendsms?",
			  p->cfg.kannel.sendsms_url, status, p->answer.data);
		r = GW_ERR_CONFIG;
	}
out:
	buf_release(&url);
	return r;
}

static int k_open(struct modem *m)
{
	struct kannel_priv *p = m->priv;
	int64_t left = p->hold_ms ? p->hold_until_ms - now_ms() : 0;

	if (left > 0) {
		log_info("kannel: bearerbox refused the last message (503): waiting %lld ms more",
			 (long long)left);
		return GW_ERR_BUSY;
	}
	return probe(p);
}

static void k_close(struct modem *m)
{
	struct kannel_priv *p = m->priv;

	curl_easy_cleanup(p->curl);
	p->curl = NULL;
}

static void hold(struct kannel_priv *p)
{
	p->hold_ms = p->hold_ms ? p->hold_ms * 2 : KANNEL_HOLD_MIN_MS;
	if (p->hold_ms > KANNEL_HOLD_MAX_MS)
		p->hold_ms = KANNEL_HOLD_MAX_MS;
	p->hold_until_ms = now_ms() + p->hold_ms;
}

static int k_send(struct modem *m, const char *phone, const char *text,
		  const struct modem_send_req *req, struct modem_sent *out)
{
	struct kannel_priv *p = m->priv;
	struct buf url;
	long status = 0;
	int parts = 0, ucs2 = 0, doubt = 0, r;

	buf_init(&url, KANNEL_URL_MAX);
	/* The count libgammu's encoder gives is the split Kannel makes: 153
	 * GSM-7 or 67 UCS-2 characters a part. */
	if ((r = modem_text_parts(text, &parts, &ucs2)) < 0 ||
	    (r = kannel_send_url(&url, &p->cfg, phone, text, ucs2, req->id)) < 0)
		goto out;
	if ((r = get(p, url.data, &status)) < 0) {
		/* smsbox may have queued it before its answer was lost: with a
		 * report for every message, that report (or its absence while
		 * later ones come, kannel_doubt.h) decides; sent again at once,
		 * a household would get it twice */
		doubt = r == GW_ERR_TIMEOUT && kannel_doubt_settles(&p->cfg);
		goto out;
	}
	r = kannel_send_answer(status, p->answer.data);
	if (r == 0) {
		p->hold_ms = 0;
		if (strncmp(p->answer.data, "0:", 2) && strncmp(p->answer.data, "3:", 2))
			log_notice("kannel: sendsms answered %ld \"%s\": taken as sent", status,
				   p->answer.data);
	} else if (r == GW_ERR_SEND_PERM) {
		log_warn("kannel: sendsms refused a message to %s: %ld %s", log_phone(phone), status,
			 p->answer.data);
	} else {
		log_warn("kannel: sendsms answered %ld \"%s\": messages wait", status, p->answer.data);
		if (r == GW_ERR_BUSY)
			hold(p);
		r = GW_ERR_MODEM_GONE; /* not this message's fault: the link waits */
	}
out:
	/* in doubt the whole message may have gone (Kannel splits it): for
	 * the sender it is one part short of done */
	out->parts = r == 0 ? parts : doubt && parts > 0 ? parts - 1 : 0;
	out->total = parts;
	out->doubt = doubt;
	out->ref = 0;
	out->ucs2 = ucs2;
	out->network_error = r == GW_ERR_SEND_PERM ? (int)status : 0;
	buf_release(&url);
	return r;
}

static int k_status(struct modem *m, struct modem_status *out)
{
	struct kannel_priv *p = m->priv;
	int r;

	memset(out, 0, sizeof(*out));
	out->signal_percent = -1;
	out->battery_percent = -1;
	if ((r = probe(p)) < 0)
		return r == GW_ERR_AUTH || r == GW_ERR_CONFIG ? GW_ERR_MODEM_GONE : r;
	out->connected = 1;
	gw_strlcpy(out->network, "kannel", sizeof(out->network));
	gw_strlcpy(out->security, "ready", sizeof(out->security));
	return 0;
}

static int k_read_pending(struct modem *m, struct modem_part **parts, size_t *n)
{
	*parts = NULL; /* messages come by HTTP (kannel_http.c) */
	*n = 0;
	return 0;
}

static int k_delete_part(struct modem *m, const struct modem_part *part)
{
	return 0;
}

static int k_poll_events(struct modem *m, struct modem_event *ev, size_t max, size_t *n)
{
	*n = 0;
	return 0;
}

static void k_destroy(struct modem *m)
{
	struct kannel_priv *p = m->priv;

	k_close(m);
	buf_release(&p->answer);
	free(p);
	free(m);
	curl_global_cleanup();
}

static const struct modem_ops kannel_ops = {
	.name = "kannel",
	.open = k_open,
	.close = k_close,
	.read_pending = k_read_pending,
	.delete_part = k_delete_part,
	.send = k_send,
	.status = k_status,
	.poll_events = k_poll_events,
	.destroy = k_destroy,
};

int kannel_send_create(struct modem **out, const struct gw_settings *cfg)
{
	struct modem *m = NULL;
	struct kannel_priv *p = NULL;
	int r = GW_ERR_NOMEM;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		goto out;
	if (!(m = calloc(1, sizeof(*m))) || !(p = calloc(1, sizeof(*p)))) {
		curl_global_cleanup();
		goto out;
	}
	p->cfg = *cfg;
	buf_init(&p->answer, KANNEL_ANSWER_MAX);
	m->ops = &kannel_ops;
	m->priv = p;
	*out = m;
	m = NULL;
	p = NULL;
	r = 0;
out:
	free(p);
	free(m);
	return r;
}

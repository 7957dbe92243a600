/* kannel_box.c - see kannel_box.h. */
#include "gateway/kannel/kannel_box.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#include "common/clock.h"
#include "common/crashpoint.h"
#include "common/fdio.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "common/store.h"
#include "gateway/kannel/kannel_doubt.h"
#include "gateway/kannel/kannel_msg.h"
#include "gateway/kannel/kannel_req.h"
#include "gateway/kannel/kannel_store.h"

/* smsbox sends one every heartbeat-freq (30 s); bearerbox only records
 * the load it carries. */
#define BOX_HEARTBEAT_S 10
/* After a commit that failed (database locked past its wait, disk full),
 * refuse the message this much later: bearerbox offers it again at once. */
#define BOX_RETRY_PAUSE_MS 200

struct box_priv {
	struct gw_settings cfg;
	int fd; /* -1 closed */
	pthread_t reader;
	int reader_on;
	struct db *db; /* the reader thread's */
	void (*on_mo)(void *arg);
	void *arg;
	unsigned char *frame; /* the reader's frame buffer, KANNEL_MSG_FRAME_MAX */

	pthread_mutex_t wmu; /* one frame at a time on the socket */
	time_t last_write;   /* under wmu */

	pthread_mutex_t mu; /* the fields below */
	pthread_cond_t cv;  /* an ack came, or the connection ended */
	int stop;           /* close() asks the reader to end */
	int gone;           /* the reader saw the connection end */
	char wait_id[KANNEL_UUID_LEN + 1]; /* the answer the sender waits for ("" none) */
	int wait_nack;      /* its ack, -1 not yet */
};

int kannel_box_utf16be(struct buf *out, const char *text)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
	size_t start = out->len;
	int r = 0;

	while (*p && r == 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &c); /* rejects surrogates, overlongs */

		if (n <= 0 || c < 0) {
			r = GW_ERR_INVAL;
			break;
		}
		p += n;
		if (c >= 0x10000) {
			unsigned long v = (unsigned long)c - 0x10000, hi = 0xd800 | (v >> 10),
				      lo = 0xdc00 | (v & 0x3ff);
			unsigned char u[4] = { (unsigned char)(hi >> 8), (unsigned char)hi,
					       (unsigned char)(lo >> 8), (unsigned char)lo };

			r = buf_add(out, u, 4);
		} else {
			unsigned char u[2] = { (unsigned char)(c >> 8), (unsigned char)c };

			r = buf_add(out, u, 2);
		}
	}
	if (r < 0)
		buf_truncate(out, start);
	return r;
}

/* ---- writing frames ---- */

static int write_msg(struct box_priv *p, const struct kannel_msg *m)
{
	struct buf b;
	int r;

	buf_init(&b, KANNEL_MSG_FRAME_MAX + 4);
	if ((r = kannel_msg_pack(&b, m)) < 0)
		goto out;
	pthread_mutex_lock(&p->wmu);
	r = p->fd >= 0 ? fdio_write_all(p->fd, b.data, b.len) : GW_ERR_IO;
	p->last_write = time(NULL);
	pthread_mutex_unlock(&p->wmu);
out:
	buf_release(&b);
	return r;
}

static void ack(struct box_priv *p, const struct kannel_sms *s, int nack)
{
	struct kannel_msg a;

	kannel_msg_init(&a, KANNEL_MSG_ACK);
	a.u.ack.nack = nack;
	a.u.ack.time = s->time;
	memcpy(a.u.ack.id, s->id, sizeof(a.u.ack.id));
	if (write_msg(p, &a) < 0)
		log_info("kannel box: ack for %s not written: bearerbox will offer it again", s->id);
}

/* ---- the reader thread ---- */

static struct kannel_field fld(struct kannel_oct o)
{
	return (struct kannel_field){ o.p, o.n };
}

static void take_mo(struct box_priv *p, const struct kannel_sms *s)
{
	char coding[16] = "", when[24] = "";
	struct kannel_mo_raw raw;
	struct kannel_mo m;
	const char *why = "";
	int stored = 0, r;

	kannel_mo_init(&m);
	if (s->coding >= 0)
		snprintf(coding, sizeof(coding), "%d", (int)s->coding);
	if (s->time > 0)
		snprintf(when, sizeof(when), "%ld", (long)s->time);
	raw.from = fld(s->sender);
	raw.to = fld(s->receiver);
	raw.text = s->msgdata.p ? fld(s->msgdata) : (struct kannel_field){ "", 0 };
	raw.id = (struct kannel_field){ s->id, strlen(s->id) };
	raw.smsc = fld(s->smsc_id);
	raw.charset = fld(s->charset);
	raw.coding = (struct kannel_field){ *coding ? coding : NULL, strlen(coding) };
	raw.time = (struct kannel_field){ *when ? when : NULL, strlen(when) };
	if (kannel_mo_decode(&raw, &m, &why) < 0) {
		/* offered again it would be refused again */
		log_notice("kannel box: message %s refused (%s): acknowledged, not stored", s->id,
			   why);
		ack(p, s, KANNEL_ACK_SUCCESS);
		goto out;
	}
	crashpoint("box-mo-received"); /* neither stored nor acknowledged */
	if ((r = kannel_store_mo(p->db, &m, time(NULL), &stored)) < 0) {
		log_warn("kannel box: message %s from %s not stored (%s): bearerbox keeps it",
			 s->id, log_phone(m.from), gw_strerror(r));
		gw_sleep_ms(BOX_RETRY_PAUSE_MS);
		ack(p, s, KANNEL_ACK_FAILED_TMP);
		goto out;
	}
	if (stored)
		log_info("kannel box: message %s from %s stored%s", m.id, log_phone(m.from),
			 m.malformed ? " (malformed: not answered)" : "");
	else
		log_info("kannel box: message %s from %s offered again: already stored", m.id,
			 log_phone(m.from));
	crashpoint("box-mo-stored"); /* stored, not acknowledged */
	ack(p, s, KANNEL_ACK_SUCCESS);
	if (stored && !m.malformed && p->on_mo)
		p->on_mo(p->arg);
out:
	kannel_mo_release(&m);
}

static void take_report(struct box_priv *p, const struct kannel_sms *s)
{
	char type[16], when[24] = "";
	struct kannel_dlr_raw raw;
	struct kannel_dlr d;
	const char *why = "";
	int settled = 0, r;

	snprintf(type, sizeof(type), "%d", (int)s->dlr_mask);
	if (s->time > 0)
		snprintf(when, sizeof(when), "%ld", (long)s->time);
	raw.outbox = fld(s->dlr_url);
	raw.type = (struct kannel_field){ type, strlen(type) };
	raw.reply = fld(s->msgdata);
	raw.time = (struct kannel_field){ *when ? when : NULL, strlen(when) };
	if (kannel_dlr_decode(&raw, &d, &why) < 0) {
		log_notice("kannel box: delivery report %s refused (%s)", s->id, why);
		ack(p, s, KANNEL_ACK_SUCCESS);
		return;
	}
	r = kannel_store_dlr(p->db, &d, time(NULL), &settled);
	if (r == GW_ERR_NOTFOUND) {
		log_notice("kannel box: delivery report for outbox %lld, which we do not have",
			   (long long)d.outbox_id);
	} else if (r < 0) {
		log_warn("kannel box: delivery report for outbox %lld not recorded (%s): bearerbox"
			 " keeps it", (long long)d.outbox_id, gw_strerror(r));
		gw_sleep_ms(BOX_RETRY_PAUSE_MS);
		ack(p, s, KANNEL_ACK_FAILED_TMP);
		return;
	} else {
		log_debug("kannel box: outbox %lld: %s (type %d)%s", (long long)d.outbox_id,
			  outbox_dlr_name(d.state), d.type, settled ? ", settles it" : "");
	}
	ack(p, s, KANNEL_ACK_SUCCESS);
}

static void take_ack(struct box_priv *p, const struct kannel_msg *m)
{
	pthread_mutex_lock(&p->mu);
	if (*p->wait_id && !strcmp(p->wait_id, m->u.ack.id)) {
		p->wait_nack = m->u.ack.nack;
		pthread_cond_broadcast(&p->cv);
	} else {
		log_info("kannel box: ack %d for %s, an answer no longer waited for",
			 (int)m->u.ack.nack, m->u.ack.id);
	}
	pthread_mutex_unlock(&p->mu);
}

/* 1 when the connection must end: bearerbox shuts down or restarts and
 * waits for its boxes to leave first (it hung 20 s until SIGKILL while
 * gatewayd stayed); the link reconnects with backoff. */
static int take(struct box_priv *p, const struct kannel_msg *m)
{
	static const char *const cmds[] = {
		[KANNEL_CMD_SHUTDOWN] = "shutdown", [KANNEL_CMD_SUSPEND] = "suspend",
		[KANNEL_CMD_RESUME] = "resume", [KANNEL_CMD_IDENTIFY] = "identify",
		[KANNEL_CMD_RESTART] = "restart",
	};
	const size_t ncmds = sizeof(cmds) / sizeof(cmds[0]);

	switch (m->type) {
	case KANNEL_MSG_SMS:
		if (m->u.sms.sms_type == KANNEL_SMS_MO) {
			take_mo(p, &m->u.sms);
		} else if (m->u.sms.sms_type == KANNEL_SMS_REPORT_MO) {
			take_report(p, &m->u.sms);
		} else {
			log_notice("kannel box: sms of type %d from bearerbox ignored",
				   (int)m->u.sms.sms_type);
			ack(p, &m->u.sms, KANNEL_ACK_SUCCESS);
		}
		break;
	case KANNEL_MSG_ACK:
		take_ack(p, m);
		break;
	case KANNEL_MSG_ADMIN:
		log_notice("kannel box: bearerbox says %s",
			   m->u.admin.command >= 0 && (size_t)m->u.admin.command < ncmds
				   ? cmds[m->u.admin.command] : "something unknown");
		return m->u.admin.command == KANNEL_CMD_SHUTDOWN ||
		       m->u.admin.command == KANNEL_CMD_RESTART;
	default:
		break;
	}
	return 0;
}

static int stopping(struct box_priv *p)
{
	int s;

	pthread_mutex_lock(&p->mu);
	s = p->stop;
	pthread_mutex_unlock(&p->mu);
	return s;
}

static void heartbeat(struct box_priv *p)
{
	struct kannel_msg hb;
	int due;

	pthread_mutex_lock(&p->wmu);
	due = time(NULL) - p->last_write >= BOX_HEARTBEAT_S;
	pthread_mutex_unlock(&p->wmu);
	if (!due)
		return;
	kannel_msg_init(&hb, KANNEL_MSG_HEARTBEAT);
	hb.u.heartbeat.load = 0;
	if (write_msg(p, &hb) < 0)
		log_debug("kannel box: heartbeat not written");
}

static void *reader(void *arg)
{
	struct box_priv *p = arg;
	const char *why = "closed by bearerbox";

	for (;;) {
		struct pollfd pfd = { p->fd, POLLIN, 0 };
		unsigned char head[4];
		struct kannel_msg m;
		size_t n = 0;
		int pr = poll(&pfd, 1, 1000);

		if (stopping(p)) {
			why = NULL;
			break;
		}
		if (pr < 0 && errno != EINTR) {
			why = "poll failed";
			break;
		}
		heartbeat(p);
		if (pr <= 0)
			continue;
		if (fdio_read_all(p->fd, head, 4) < 0 || kannel_msg_frame_len(head, &n) < 0 ||
		    fdio_read_all(p->fd, p->frame, n) < 0) {
			if (stopping(p))
				why = NULL;
			break;
		}
		if (kannel_msg_unpack(p->frame, n, &m) < 0) {
			/* another Kannel version, or not bearerbox: nothing after it
			 * can be trusted to be framed right */
			why = "a message that does not unpack";
			break;
		}
		if (take(p, &m)) {
			why = "bearerbox shuts down";
			break;
		}
	}
	if (why)
		log_warn("kannel box: connection to bearerbox %s:%d ended: %s",
			 p->cfg.kannel.bearerbox_host, p->cfg.kannel.bearerbox_port, why);
	pthread_mutex_lock(&p->mu);
	p->gone = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* ---- the ops ---- */

static int connect_bearerbox(struct box_priv *p)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct timeval tv = { p->cfg.kannel.timeout_s, 0 };
	char port[16];
	int fd = -1, one = 1, gr;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", p->cfg.kannel.bearerbox_port);
	if ((gr = getaddrinfo(p->cfg.kannel.bearerbox_host, port, &hints, &res)) != 0) {
		log_warn("kannel box: cannot resolve %s: %s", p->cfg.kannel.bearerbox_host,
			 gai_strerror(gr));
		return GW_ERR_MODEM_GONE;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0)) < 0)
			continue;
		/* connect() and writes give up after kannel.timeout */
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		log_info("kannel box: cannot connect to bearerbox %s:%d: %s",
			 p->cfg.kannel.bearerbox_host, p->cfg.kannel.bearerbox_port, strerror(errno));
		return GW_ERR_MODEM_GONE;
	}
	p->fd = fd;
	return 0;
}

static void b_close(struct modem *m)
{
	struct box_priv *p = m->priv;

	if (p->reader_on) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_mutex_unlock(&p->mu);
		shutdown(p->fd, SHUT_RDWR); /* wakes a read in progress */
		pthread_join(p->reader, NULL);
		p->reader_on = 0;
	}
	pthread_mutex_lock(&p->wmu);
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	pthread_mutex_unlock(&p->wmu);
	db_close(p->db);
	p->db = NULL;
	pthread_mutex_lock(&p->mu);
	p->stop = p->gone = 0;
	pthread_mutex_unlock(&p->mu);
}

static int b_open(struct modem *m)
{
	struct box_priv *p = m->priv;
	struct kannel_msg id;
	int busy = p->cfg.database.busy_timeout_ms, r;

	/* a commit waits at most half of kannel.timeout: then the message is
	 * refused for now, and bearerbox offers it again */
	if (busy > p->cfg.kannel.timeout_s * 500)
		busy = p->cfg.kannel.timeout_s * 500;
	if ((r = store_open(&p->db, p->cfg.database.path, busy)) < 0 ||
	    (r = connect_bearerbox(p)) < 0)
		goto out;
	kannel_msg_init(&id, KANNEL_MSG_ADMIN);
	id.u.admin.command = KANNEL_CMD_IDENTIFY;
	id.u.admin.boxc_id = kannel_oct_str(p->cfg.kannel.box_id);
	if (write_msg(p, &id) < 0) {
		r = GW_ERR_MODEM_GONE;
		goto out;
	}
	if (pthread_create(&p->reader, NULL, reader, p) != 0) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	p->reader_on = 1;
	log_notice("kannel box: connected to bearerbox %s:%d as %s", p->cfg.kannel.bearerbox_host,
		   p->cfg.kannel.bearerbox_port,
		   *p->cfg.kannel.box_id ? p->cfg.kannel.box_id : "a box without a name");
out:
	if (r < 0)
		b_close(m);
	return r;
}

/* The sms frame of one answer (text as UTF-8 or UTF-16BE in data). */
static void mt_msg(struct kannel_msg *k, const struct box_priv *p, const char *phone,
		   const struct buf *data, int ucs2, const char *dlr_url, const char *id)
{
	struct kannel_sms *s = &k->u.sms;

	kannel_msg_init(k, KANNEL_MSG_SMS);
	s->sender = kannel_oct_str(p->cfg.kannel.from);
	s->receiver = kannel_oct_str(phone);
	s->msgdata = (struct kannel_oct){ data->data ? data->data : "", data->len };
	s->time = (int32_t)time(NULL);
	memcpy(s->id, id, sizeof(s->id));
	s->sms_type = KANNEL_SMS_MT_PUSH;
	/* as smsbox hands bearerbox a sendsms with charset=UTF-8 (seen with a
	 * stand-in bearerbox): coding 0 with UTF-8 octets or 2 with UTF-16BE,
	 * and no charset */
	s->coding = ucs2 ? 2 : 0;
	if (*dlr_url) {
		s->dlr_mask = p->cfg.kannel.dlr_mask;
		s->dlr_url = kannel_oct_str(dlr_url);
	}
	s->boxc_id = kannel_oct_str(p->cfg.kannel.box_id);
}

/* Wait for the ack of p->wait_id: its nack, or GW_ERR_MODEM_GONE (the
 * connection ended), GW_ERR_TIMEOUT. */
static int wait_ack(struct box_priv *p)
{
	struct timespec until;
	int r = 0;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += p->cfg.kannel.timeout_s;
	pthread_mutex_lock(&p->mu);
	while (p->wait_nack < 0 && !p->gone && r == 0)
		if (pthread_cond_timedwait(&p->cv, &p->mu, &until) == ETIMEDOUT)
			r = GW_ERR_TIMEOUT;
	if (p->wait_nack >= 0)
		r = p->wait_nack;
	else if (p->gone)
		r = GW_ERR_MODEM_GONE;
	p->wait_id[0] = '\0';
	pthread_mutex_unlock(&p->mu);
	return r;
}

static int b_send(struct modem *m, const char *phone, const char *text,
		  const struct modem_send_req *req, struct modem_sent *out)
{
	struct box_priv *p = m->priv;
	char id[KANNEL_UUID_LEN + 1], dlr_url[32] = "";
	struct kannel_msg k;
	struct buf data;
	int parts = 0, ucs2 = 0, doubt = 0, r;

	buf_init(&data, KANNEL_MSG_FRAME_MAX / 2);
	/* The count libgammu's encoder gives is the split bearerbox makes. */
	if ((r = modem_text_parts(text, &parts, &ucs2)) < 0 ||
	    (r = ucs2 ? kannel_box_utf16be(&data, text) : buf_adds(&data, text)) < 0)
		goto out;
	if (req->id > 0 && p->cfg.kannel.dlr_mask > 0)
		snprintf(dlr_url, sizeof(dlr_url), "%lld", (long long)req->id);
	kannel_msg_uuid(id);
	mt_msg(&k, p, phone, &data, ucs2, dlr_url, id);
	pthread_mutex_lock(&p->mu);
	if (p->gone || !p->reader_on) {
		pthread_mutex_unlock(&p->mu);
		r = GW_ERR_MODEM_GONE;
		goto out;
	}
	memcpy(p->wait_id, id, sizeof(id));
	p->wait_nack = -1;
	pthread_mutex_unlock(&p->mu);
	if ((r = write_msg(p, &k)) < 0) {
		/* a frame cut short is dropped by bearerbox with the connection */
		pthread_mutex_lock(&p->mu);
		p->wait_id[0] = '\0';
		pthread_mutex_unlock(&p->mu);
		log_warn("kannel box: answer to %s not written: %s", log_phone(phone),
			 gw_strerror(r));
		r = r == GW_ERR_TOOBIG || r == GW_ERR_INVAL ? r : GW_ERR_MODEM_GONE;
		goto out;
	}
	r = wait_ack(p);
	if (r == KANNEL_ACK_SUCCESS || r == KANNEL_ACK_BUFFERED) {
		if (r == KANNEL_ACK_BUFFERED)
			log_info("kannel box: bearerbox holds the answer to %s (no SMSC up)",
				 log_phone(phone));
		r = 0;
	} else if (r == KANNEL_ACK_FAILED) {
		log_warn("kannel box: bearerbox has no route for the answer to %s",
			 log_phone(phone));
		r = GW_ERR_SEND_PERM;
	} else if (r == KANNEL_ACK_FAILED_TMP) {
		log_warn("kannel box: bearerbox refused the answer to %s for now (queue full)",
			 log_phone(phone));
		r = GW_ERR_SEND_TEMP;
	} else if (r >= 0) {
		log_warn("kannel box: ack %d for the answer to %s: taken as a refusal for now", r,
			 log_phone(phone));
		r = GW_ERR_SEND_TEMP;
	} else {
		/* with reports that can settle it (kannel_doubt.h) it waits for
		 * them; without, it goes again as after a modem timeout */
		doubt = kannel_doubt_settles(&p->cfg);
		log_warn("kannel box: no ack for the answer to %s (%s): %s", log_phone(phone),
			 gw_strerror(r), doubt ? "in doubt" : "sent again");
	}
out:
	/* In doubt the whole message may have gone: bearerbox splits it, so
	 * for the sender it is one part short of done. */
	out->total = parts;
	out->parts = r == 0 ? parts : doubt && parts > 0 ? parts - 1 : 0;
	out->doubt = doubt;
	out->ref = 0;
	out->ucs2 = ucs2;
	out->network_error = 0;
	for (int i = 0; i < MODEM_PARTS_MAX; i++)
		out->mr[i] = -1;
	buf_release(&data);
	return r;
}

static int b_status(struct modem *m, struct modem_status *out)
{
	struct box_priv *p = m->priv;
	int up;

	memset(out, 0, sizeof(*out));
	out->signal_percent = -1;
	out->battery_percent = -1;
	pthread_mutex_lock(&p->mu);
	up = p->reader_on && !p->gone;
	pthread_mutex_unlock(&p->mu);
	if (!up)
		return GW_ERR_MODEM_GONE;
	out->connected = 1;
	gw_strlcpy(out->network, "kannel", sizeof(out->network));
	gw_strlcpy(out->security, "ready", sizeof(out->security));
	return 0;
}

static int b_read_pending(struct modem *m, struct modem_part **parts, size_t *n)
{
	struct box_priv *p = m->priv;
	int gone;

	*parts = NULL; /* messages come on the reader thread */
	*n = 0;
	pthread_mutex_lock(&p->mu);
	gone = p->reader_on && p->gone;
	pthread_mutex_unlock(&p->mu);
	return gone ? GW_ERR_MODEM_GONE : 0; /* the link reconnects */
}

static int b_delete_part(struct modem *m, const struct modem_part *part)
{
	return 0;
}

static int b_poll_events(struct modem *m, struct modem_event *ev, size_t max, size_t *n)
{
	*n = 0;
	return 0;
}

static void b_destroy(struct modem *m)
{
	struct box_priv *p = m->priv;

	b_close(m);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	pthread_mutex_destroy(&p->wmu);
	free(p->frame);
	free(p);
	free(m);
}

static const struct modem_ops box_ops = {
	.name = "kannel-box",
	.open = b_open,
	.close = b_close,
	.read_pending = b_read_pending,
	.delete_part = b_delete_part,
	.send = b_send,
	.status = b_status,
	.poll_events = b_poll_events,
	.destroy = b_destroy,
};

void kannel_box_on_mo(struct modem *m, void (*on_mo)(void *arg), void *arg)
{
	struct box_priv *p = m->priv;

	p->on_mo = on_mo;
	p->arg = arg;
}

int kannel_box_create(struct modem **out, const struct gw_settings *cfg)
{
	struct modem *m = NULL;
	struct box_priv *p = NULL;
	pthread_condattr_t ca;
	int r = GW_ERR_NOMEM;

	if (!(m = calloc(1, sizeof(*m))) || !(p = calloc(1, sizeof(*p))) ||
	    !(p->frame = malloc(KANNEL_MSG_FRAME_MAX)))
		goto out;
	p->cfg = *cfg;
	p->fd = -1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_mutex_init(&p->wmu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	m->ops = &box_ops;
	m->priv = p;
	*out = m;
	m = NULL;
	p = NULL;
	r = 0;
out:
	if (p)
		free(p->frame);
	free(p);
	free(m);
	return r;
}

/* modem_gammu.c - the libgammu transport: struct modem_ops over GSM_*.
 *
 * Divisions: error mapping; callbacks and the event ring; open/close;
 * read_pending/delete_part; send; status/ussd/poll_events/hangup; create.
 *
 * Rules libgammu imposes (details in shared/docs/libgammu-notes.md):
 * - GSM_InitConnection resets every callback to NULL, and the dummy driver
 *   dereferences SendSMSStatus unconditionally: callbacks are installed
 *   after every connect.
 * - GSM_GetNextSMS must not get Folder reset between calls (the dummy then
 *   rescans one malformed file forever); the loop is also capped.
 * - GSM_ReadDevice never blocks on the dummy: every wait sleeps ~10 ms
 *   between polls and is bounded by a deadline.
 * - libgammu is not thread-safe: one struct modem per thread, as modem.h says.
 */
#include "modem.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gammu.h>

#include "../common/buf.h"
#include "../common/gw_err.h"
#include "../common/log.h"
#include "modem_text.h"

#define GAMMU_REPLY_NUM 2        /* reply retries per command, as gammu-smsd */
#define GAMMU_RING 16            /* queued calls/USSD answers between polls */
#define GAMMU_PENDING_DEL 32     /* multi-part locations awaiting deletion */
#define READ_MAX_PARTS 4096      /* per read_pending call; the rest next time */
#define READ_MAX_STEPS 60000     /* > dummy's 5 folders x 10000 locations */
#define SEND_WAIT_MS 30000       /* network answer per part, as smsd's default */
#define POLL_SLEEP_MS 10
#define PHONE_DIGITS_MAX 20      /* TS 23.040 address: at most 20 digits */

/* Parts of one multi-section location (dummy: one file, several sections)
 * must all be confirmed stored before the location is deleted. */
struct pending_del {
	int used;
	int folder, location, total;
	uint64_t done;
};

struct gammu_priv {
	GSM_StateMachine *sm;
	char *device, *connection;
	char model[50];
	char pin[GSM_SECURITY_CODE_LEN + 1];
	int send_delay_ms;
	int is_dummy;
	int pin_rejected;        /* never retry a wrong PIN: 3 tries lock the SIM */
	int smsc_state;          /* 0 not asked yet, 1 cached, -1 phone has none */
	unsigned char smsc[(GSM_MAX_NUMBER_LENGTH + 1) * 2];
	unsigned next_ref;
	int send_done, send_status;
	int ussd_waiting, ussd_done;
	GSM_USSDStatus ussd_status;
	struct buf ussd_text;
	struct modem_event ring[GAMMU_RING];
	size_t ring_head, ring_len;
	int folders_known;
	unsigned char inbox[GSM_MAX_SMS_FOLDERS + 1];
	struct pending_del pend[GAMMU_PENDING_DEL];
};

static struct gammu_priv *priv_of(struct modem *m)
{
	return m->priv;
}

/* ---- error mapping: the only place GSM_Error becomes GW_ERR_* ---- */

static int gerr(GSM_Error e, const char *what)
{
	int r = GW_ERR_IO;

	switch (e) {
	case ERR_NONE: /* == 1, not 0 */
		return 0;
	case ERR_DEVICEWRITEERROR:
	case ERR_DEVICEREADERROR:
	case ERR_DEVICENOTEXIST:
	case ERR_DEVICEOPENERROR:
	case ERR_DEVICENOPERMISSION:
	case ERR_DEVICEBUSY:
	case ERR_DEVICELOCKED:
	case ERR_DEVICENODRIVER:
	case ERR_DEVICENOTWORK:
	case ERR_NOTCONNECTED:
		r = GW_ERR_MODEM_GONE;
		break;
	case ERR_TIMEOUT:
		r = GW_ERR_TIMEOUT;
		break;
	case ERR_SECURITYERROR:
	case ERR_NOSIM:
		r = GW_ERR_SECURITY;
		break;
	case ERR_NOTSUPPORTED:
	case ERR_NOTIMPLEMENTED:
		r = GW_ERR_UNSUPPORTED;
		break;
	case ERR_EMPTY:
		r = GW_ERR_EMPTY;
		break;
	case ERR_MOREMEMORY:
		r = GW_ERR_NOMEM;
		break;
	default:
		break;
	}
	if (r == GW_ERR_IO || r == GW_ERR_SECURITY || r == GW_ERR_NOMEM)
		log_warn("modem: %s: %s", what, GSM_ErrorName(e));
	else
		log_debug("modem: %s: %s", what, GSM_ErrorName(e));
	return r;
}

static int fatal(int r)
{
	return r == GW_ERR_MODEM_GONE || r == GW_ERR_TIMEOUT || r == GW_ERR_NOMEM;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	/* Finish the sleep across signals: callers bound their total wait. */
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* UCS-2 field -> UTF-8 into a fixed array; 1 if it had to be cut. */
static int ucs2_field(char *dst, size_t dstsz, const unsigned char *src, size_t units)
{
	struct buf b;
	int cut = 1;

	buf_init(&b, 4 * units + 8);
	if (modem_text_from_ucs2(src, units, &b) == 0)
		cut = modem_text_copy_trunc(dst, dstsz, b.data);
	else
		dst[0] = '\0';
	buf_release(&b);
	return cut;
}

/* ---- callbacks: they only record or enqueue; the ops act on it ---- */

static void ring_push(struct gammu_priv *p, const struct modem_event *ev)
{
	size_t i;

	for (i = 0; i < p->ring_len; i++) {
		const struct modem_event *q = &p->ring[(p->ring_head + i) % GAMMU_RING];

		/* The AT driver reports every RING of one call. */
		if (ev->kind == MODEM_EVENT_CALL && q->kind == MODEM_EVENT_CALL &&
		    strcmp(q->number, ev->number) == 0)
			return;
	}
	if (p->ring_len == GAMMU_RING) {
		log_warn("modem: event queue full, dropping an event");
		return;
	}
	p->ring[(p->ring_head + p->ring_len) % GAMMU_RING] = *ev;
	p->ring_len++;
}

static void cb_send_status(GSM_StateMachine *sm, int status, int mr, void *user)
{
	struct gammu_priv *p = user;

	(void)sm;
	p->send_done = 1;
	p->send_status = status;
	log_debug("modem: send status %d (reference %d)", status, mr);
}

static void cb_ussd(GSM_StateMachine *sm, GSM_USSDMessage *u, void *user)
{
	struct gammu_priv *p = user;
	struct modem_event ev;

	(void)sm;
	if (p->ussd_waiting) {
		buf_reset(&p->ussd_text);
		(void)modem_text_from_ucs2(u->Text, GSM_MAX_USSD_LENGTH, &p->ussd_text);
		p->ussd_status = u->Status;
		p->ussd_done = 1;
		return;
	}
	/* A late answer or a network-initiated USSD. */
	memset(&ev, 0, sizeof(ev));
	ev.kind = MODEM_EVENT_USSD;
	(void)ucs2_field(ev.text, sizeof(ev.text), u->Text, GSM_MAX_USSD_LENGTH);
	ring_push(p, &ev);
}

static void cb_call(GSM_StateMachine *sm, GSM_Call *call, void *user)
{
	struct gammu_priv *p = user;
	struct modem_event ev;

	(void)sm;
	if (call->Status != GSM_CALL_IncomingCall)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = MODEM_EVENT_CALL;
	(void)ucs2_field(ev.number, sizeof(ev.number), call->PhoneNumber, GSM_MAX_NUMBER_LENGTH);
	ring_push(p, &ev);
}

static void install_callbacks(struct gammu_priv *p)
{
	GSM_SetSendSMSStatusCallback(p->sm, cb_send_status, p);
	GSM_SetIncomingUSSDCallback(p->sm, cb_ussd, p);
	GSM_SetIncomingCallCallback(p->sm, cb_call, p);
}

/* ---- open / close ---- */

static int unlock_sim(struct gammu_priv *p)
{
	GSM_SecurityCodeType st;
	GSM_SecurityCode code;
	GSM_Error e;
	int r;

	e = GSM_GetSecurityStatus(p->sm, &st);
	if (e == ERR_NOTSUPPORTED || e == ERR_NOTIMPLEMENTED) {
		r = 0; /* the phone has no notion of it: carry on */
		goto out;
	}
	if ((r = gerr(e, "security status")) < 0)
		goto out;
	r = GW_ERR_SECURITY;
	if (st == SEC_None) {
		r = 0;
		goto out;
	}
	if (st != SEC_Pin) {
		log_error("modem: SIM needs a code other than the PIN (type %d)", (int)st);
		goto out;
	}
	if (p->pin[0] == '\0') {
		log_error("modem: SIM needs a PIN and none is configured");
		goto out;
	}
	if (p->pin_rejected) {
		log_error("modem: configured PIN was rejected before; not trying again");
		goto out;
	}
	memset(&code, 0, sizeof(code));
	code.Type = SEC_Pin;
	(void)modem_text_copy_trunc(code.Code, sizeof(code.Code), p->pin);
	e = GSM_EnterSecurityCode(p->sm, &code);
	if (e == ERR_SECURITYERROR)
		p->pin_rejected = 1;
	if ((r = gerr(e, "enter PIN")) < 0)
		goto out;
	log_notice("modem: PIN accepted");
	r = 0;
out:
	return r;
}

/* Optional features: a failure other than the device vanishing is logged
 * and ignored (many modems lack CUSD or CLIP). */
static int enable_feature(GSM_Error e, const char *what)
{
	int r = gerr(e, what);

	return fatal(r) ? r : 0;
}

static void learn_folders(struct gammu_priv *p)
{
	GSM_SMSFolders f;
	int i;

	memset(&f, 0, sizeof(f));
	p->folders_known = 0;
	if (GSM_GetSMSFolders(p->sm, &f) != ERR_NONE)
		return;
	memset(p->inbox, 0, sizeof(p->inbox));
	for (i = 0; i < f.Number && i < GSM_MAX_SMS_FOLDERS; i++)
		p->inbox[i + 1] = f.Folder[i].InboxFolder ? 1 : 0;
	p->folders_known = 1;
}

static int g_open(struct modem *m)
{
	struct gammu_priv *p = priv_of(m);
	GSM_Error e;
	int r = 0;

	if (GSM_IsConnected(p->sm))
		goto out;
	e = GSM_InitConnection(p->sm, GAMMU_REPLY_NUM);
	if ((r = gerr(e, "connect")) < 0)
		goto out;
	install_callbacks(p);
	if ((r = unlock_sim(p)) < 0)
		goto out;
	/* Store incoming SMS (AT+CNMI) so polling finds them, as smsd does. */
	if ((r = enable_feature(GSM_SetIncomingSMS(p->sm, TRUE), "enable incoming SMS")) < 0 ||
	    (r = enable_feature(GSM_SetIncomingCall(p->sm, TRUE), "enable incoming calls")) < 0 ||
	    (r = enable_feature(GSM_SetIncomingUSSD(p->sm, TRUE), "enable USSD")) < 0)
		goto out;
	learn_folders(p);
	p->smsc_state = 0; /* the SIM may have changed while we were away */
	log_info("modem: connected (%s, %s)", p->model[0] ? p->model : "auto", p->connection);
out:
	if (r < 0)
		(void)GSM_TerminateConnection(p->sm);
	return r;
}

static void g_close(struct modem *m)
{
	struct gammu_priv *p = priv_of(m);
	GSM_Error e;

	if (!GSM_IsConnected(p->sm))
		return;
	e = GSM_TerminateConnection(p->sm);
	if (e != ERR_NONE)
		log_debug("modem: disconnect: %s", GSM_ErrorName(e));
}

static int need_connection(struct gammu_priv *p)
{
	return GSM_IsConnected(p->sm) ? 0 : GW_ERR_MODEM_GONE;
}

/* ---- read_pending / delete_part ---- */

/* Concatenation info from the UDH bytes. Parsing the information elements
 * ourselves works for 8- and 16-bit references alike and does not depend
 * on libgammu's AllParts convention (-1 on the dummy, 0 on AT). */
static void part_concat(const GSM_SMSMessage *s, struct modem_part *mp)
{
	const unsigned char *t = s->UDH.Text;
	int len = s->UDH.Length, i = 1;

	mp->ref = 0;
	mp->total = 1;
	mp->seq = 1;
	if (s->UDH.Type == UDH_NoUDH || len < 2 || len > GSM_MAX_UDH_LENGTH)
		return;
	while (i + 1 < len) {
		int iei = t[i], iel = t[i + 1];
		const unsigned char *d = t + i + 2;

		if (i + 2 + iel > len)
			break;
		if ((iei == 0x00 && iel == 3) || (iei == 0x08 && iel == 4)) {
			int ref = iei == 0x00 ? d[0] : (d[0] << 8) | d[1];
			int total = d[iel - 2], seq = d[iel - 1];

			/* An impossible position cannot be linked: treat as single. */
			if (total >= 1 && seq >= 1 && seq <= total) {
				mp->ref = ref;
				mp->total = total;
				mp->seq = seq;
			}
			return;
		}
		i += 2 + iel;
	}
}

static time_t part_time(const GSM_DateTime *dt)
{
	struct tm tm;
	time_t t;

	if (dt->Year == 0)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = dt->Year - 1900;
	tm.tm_mon = dt->Month - 1;
	tm.tm_mday = dt->Day;
	tm.tm_hour = dt->Hour;
	tm.tm_min = dt->Minute;
	tm.tm_sec = dt->Second;
	/* Timezone is local minus UTC in seconds (the SMSC stamp's zone). */
	t = timegm(&tm);
	return t == (time_t)-1 ? 0 : t - dt->Timezone;
}

static int has_letter(const char *s)
{
	for (; *s; s++)
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

static void set_handle(struct modem_part *mp, int folder, int location, int memory, int which, int total)
{
	snprintf(mp->handle, sizeof(mp->handle), "g:%d:%d:%d:%d:%d", folder, location, memory,
		 which, total);
}

static void hex_text(struct modem_part *mp, const unsigned char *d, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t i, o = 0;

	for (i = 0; i < n && o + 3 <= sizeof(mp->text); i++) {
		mp->text[o++] = hx[d[i] >> 4];
		mp->text[o++] = hx[d[i] & 15];
	}
	mp->text[o] = '\0';
}

static void decode_part(const GSM_SMSMessage *s, int which, int total, struct modem_part *mp)
{
	size_t units = s->Length > 0 ? (size_t)s->Length : 0;
	struct buf b;

	memset(mp, 0, sizeof(*mp));
	set_handle(mp, s->Folder, s->Location, (int)s->Memory, which, total);
	part_concat(s, mp);
	mp->sent_at = part_time(&s->DateTime);
	if (ucs2_field(mp->sender, sizeof(mp->sender), s->Number, GSM_MAX_NUMBER_LENGTH))
		mp->malformed = 1; /* a cut-off sender cannot be answered */
	mp->sender_alnum = has_letter(mp->sender);
	if (mp->sender[0] == '\0' || s->PDU == SMS_Status_Report)
		mp->malformed = 1; /* nobody to answer, or not a text at all */
	if (s->Coding != SMS_Coding_Default_No_Compression &&
	    s->Coding != SMS_Coding_Unicode_No_Compression) {
		/* 8-bit/binary (or compressed): keep the bytes, in hex, for the record. */
		mp->malformed = 1;
		hex_text(mp, s->Text, units < GSM_MAX_8BIT_SMS_LENGTH ? units : GSM_MAX_8BIT_SMS_LENGTH);
		return;
	}
	/* Text holds UCS-2 for both GSM-7 and UCS-2 codings (libgammu decodes). */
	if (units > GSM_MAX_SMS_LENGTH)
		units = GSM_MAX_SMS_LENGTH;
	buf_init(&b, 4 * GSM_MAX_SMS_LENGTH + 8);
	if (modem_text_from_ucs2(s->Text, units, &b) < 0 ||
	    modem_text_copy_trunc(mp->text, sizeof(mp->text), b.data))
		mp->malformed = 1;
	buf_release(&b);
}

static int parts_push(struct modem_part **v, size_t *n, size_t *cap, struct modem_part **slot)
{
	int r = 0;

	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct modem_part *nv = realloc(*v, nc * sizeof(**v));

		if (!nv) {
			r = GW_ERR_NOMEM;
			goto out;
		}
		*v = nv;
		*cap = nc;
	}
	*slot = &(*v)[(*n)++];
out:
	return r;
}

/* Inbox by folder number, for entries whose message could not be read
 * (the InboxFolder flag is then stale). Unknown folders count as inbox so
 * a broken file is reported rather than silently kept forever. */
static int folder_is_inbox(const struct gammu_priv *p, int folder)
{
	if (!p->folders_known || folder < 1 || folder > GSM_MAX_SMS_FOLDERS)
		return 1;
	return p->inbox[folder];
}

static int g_read_pending(struct modem *m, struct modem_part **parts, size_t *n)
{
	struct gammu_priv *p = priv_of(m);
	GSM_MultiSMSMessage *sms = NULL;
	struct modem_part *v = NULL, *slot;
	size_t nv = 0, cap = 0;
	int r, step, i, last_folder = -1, last_loc = -1;
	GSM_Error e;

	if ((r = need_connection(p)) < 0)
		goto out;
	r = GW_ERR_NOMEM;
	if (!(sms = calloc(1, sizeof(*sms))))
		goto out;
	for (step = 0; step < READ_MAX_STEPS && nv < READ_MAX_PARTS; step++) {
		/* Folder and Location are the cursor: never reset them. */
		e = GSM_GetNextSMS(p->sm, sms, step == 0);
		if (e == ERR_EMPTY)
			break;
		if (sms->SMS[0].Folder == last_folder && sms->SMS[0].Location == last_loc) {
			log_warn("modem: message scan is not advancing at %d/%d, stopping",
				 last_folder, last_loc);
			break;
		}
		last_folder = sms->SMS[0].Folder;
		last_loc = sms->SMS[0].Location;
		if (e == ERR_FILENOTSUPPORTED || e == ERR_CORRUPTED ||
		    (e == ERR_NONE && sms->Number < 1)) {
			/* Unreadable location: report it so it can be deleted. */
			if (!folder_is_inbox(p, last_folder))
				continue;
			if ((r = parts_push(&v, &nv, &cap, &slot)) < 0)
				goto out;
			memset(slot, 0, sizeof(*slot));
			slot->malformed = 1;
			slot->total = slot->seq = 1;
			set_handle(slot, last_folder, last_loc, (int)sms->SMS[0].Memory, 0, 1);
			log_warn("modem: unreadable message at %d/%d (%s)", last_folder, last_loc,
				 e == ERR_NONE ? "no sender" : GSM_ErrorName(e));
			continue;
		}
		if ((r = gerr(e, "read messages")) < 0)
			goto out;
		for (i = 0; i < sms->Number && i < GSM_MAX_MULTI_SMS; i++) {
			if (!sms->SMS[i].InboxFolder)
				continue;
			if ((r = parts_push(&v, &nv, &cap, &slot)) < 0)
				goto out;
			decode_part(&sms->SMS[i], i, sms->Number, slot);
		}
	}
	if (step == READ_MAX_STEPS)
		log_warn("modem: message scan stopped after %d steps", step);
	*parts = v;
	v = NULL; /* transferred */
	*n = nv;
	r = 0;
out:
	free(v);
	free(sms);
	return r;
}

static int parse_handle(const char *h, int f[5])
{
	const char *s = h;
	char *end;
	int i, r = GW_ERR_INVAL;

	if (strncmp(s, "g:", 2) != 0)
		goto out;
	s += 2;
	for (i = 0; i < 5; i++) {
		long v;

		errno = 0;
		v = strtol(s, &end, 10);
		if (end == s || errno || v < -2147483647L || v > 2147483647L)
			goto out;
		if (*end != (i < 4 ? ':' : '\0'))
			goto out;
		f[i] = (int)v;
		s = end + 1;
	}
	r = 0;
out:
	return r;
}

/* Returns 1 when the location can be deleted now, 0 to wait for its other
 * parts. Falls back to deleting at once when the table is full. */
static int pending_ready(struct gammu_priv *p, int folder, int location, int which, int total)
{
	struct pending_del *d = NULL, *free_slot = NULL;
	uint64_t all;
	int i;

	if (total <= 1 || total > 64 || which < 0 || which >= total)
		return 1;
	for (i = 0; i < GAMMU_PENDING_DEL; i++) {
		struct pending_del *q = &p->pend[i];

		if (q->used && q->folder == folder && q->location == location && q->total == total)
			d = q;
		else if (!q->used && !free_slot)
			free_slot = q;
	}
	if (!d) {
		if (!free_slot)
			return 1;
		d = free_slot;
		memset(d, 0, sizeof(*d));
		d->used = 1;
		d->folder = folder;
		d->location = location;
		d->total = total;
	}
	d->done |= (uint64_t)1 << which;
	all = total == 64 ? ~(uint64_t)0 : (((uint64_t)1 << total) - 1);
	if (d->done != all)
		return 0;
	d->used = 0;
	return 1;
}

static int g_delete_part(struct modem *m, const struct modem_part *mp)
{
	struct gammu_priv *p = priv_of(m);
	GSM_SMSMessage *s = NULL;
	int f[5], r;
	GSM_Error e;

	if ((r = parse_handle(mp->handle, f)) < 0)
		goto out;
	if ((r = need_connection(p)) < 0)
		goto out;
	if (!pending_ready(p, f[0], f[1], f[3], f[4]))
		goto out; /* r == 0: recorded, the location goes with its last part */
	r = GW_ERR_NOMEM;
	if (!(s = calloc(1, sizeof(*s))))
		goto out;
	s->Folder = f[0];
	s->Location = f[1]; /* DeleteSMS rewrites it: a copy, not mp's */
	s->Memory = (GSM_MemoryType)f[2];
	e = GSM_DeleteSMS(p->sm, s);
	r = e == ERR_EMPTY ? 0 : gerr(e, "delete message"); /* already gone is fine */
out:
	free(s);
	return r;
}

/* ---- send ---- */

static int phone_ok(const char *phone)
{
	const char *s = phone[0] == '+' ? phone + 1 : phone;
	size_t n = 0;

	for (; *s; s++, n++)
		if (*s < '0' || *s > '9')
			return 0;
	return n >= 1 && n <= PHONE_DIGITS_MAX;
}

static void fill_smsc(struct gammu_priv *p, GSM_SMSMessage *s)
{
	GSM_SMSC smsc;
	GSM_Error e;

	if (p->smsc_state == 0) {
		memset(&smsc, 0, sizeof(smsc));
		smsc.Location = 1;
		e = GSM_GetSMSC(p->sm, &smsc);
		p->smsc_state = -1;
		if (e == ERR_NONE && (smsc.Number[0] || smsc.Number[1])) {
			memcpy(p->smsc, smsc.Number, sizeof(p->smsc));
			p->smsc_state = 1;
		} else {
			log_debug("modem: no SMSC from the phone (%s)", GSM_ErrorName(e));
		}
	}
	if (p->smsc_state == 1) {
		memcpy(s->SMSC.Number, p->smsc, sizeof(s->SMSC.Number));
		s->SMSC.Location = 0;
	} else {
		s->SMSC.Location = 1; /* let the driver look it up itself */
	}
}

/* Wait for the send-status callback of the part just sent. */
static int wait_send(struct gammu_priv *p)
{
	int64_t deadline = now_ms() + SEND_WAIT_MS;
	int r = 0;

	while (!p->send_done) {
		if (now_ms() >= deadline) {
			log_warn("modem: no send confirmation within %d ms", SEND_WAIT_MS);
			r = GW_ERR_TIMEOUT;
			break;
		}
		if (GSM_ReadDevice(p->sm, TRUE) < 0) {
			r = GW_ERR_MODEM_GONE;
			break;
		}
		if (!p->send_done)
			sleep_ms(POLL_SLEEP_MS);
	}
	return r;
}

static int g_send(struct modem *m, const char *phone, const char *text, struct modem_sent *out)
{
	struct gammu_priv *p = priv_of(m);
	GSM_MultiSMSMessage *sms = NULL;
	unsigned char number[(GSM_MAX_NUMBER_LENGTH + 1) * 2];
	int r, i, ucs2 = 0, sent = 0, status = 0;
	unsigned ref;
	GSM_Error e;

	if ((r = need_connection(p)) < 0)
		goto out;
	r = GW_ERR_INVAL;
	if (!phone_ok(phone) || modem_text_to_ucs2_field(phone, number, sizeof(number)) < 0)
		goto out;
	r = GW_ERR_NOMEM;
	if (!(sms = malloc(sizeof(*sms))))
		goto out;
	if ((r = modem_text_encode(text, sms, &ucs2)) < 0)
		goto out;
	ref = p->next_ref;
	p->next_ref = p->next_ref % 255 + 1; /* 1..255: ref 0 reads as "single" */
	for (i = 0; i < sms->Number; i++) {
		GSM_SMSMessage *s = &sms->SMS[i];

		memcpy(s->Number, number, sizeof(number));
		fill_smsc(p, s);
		s->PDU = SMS_Submit;
		if (s->UDH.Type != UDH_NoUDH) {
			/* libgammu derives the reference from the clock: two messages
			 * in one second to one phone would share it. */
			s->UDH.ID8bit = (int)ref;
			s->UDH.ID16bit = (int)ref;
			GSM_EncodeUDHHeader(NULL, &s->UDH);
		}
	}
	/* One part at a time: a refused part stops the rest, and the AT
	 * driver must see each +CMGS answer before the next AT+CMGS. */
	for (i = 0; i < sms->Number; i++) {
		p->send_done = 0;
		p->send_status = 0;
		e = GSM_SendSMS(p->sm, &sms->SMS[i]);
		if ((r = gerr(e, "send")) < 0)
			goto out;
		if ((r = wait_send(p)) < 0)
			goto out;
		if (p->send_status != 0) {
			status = p->send_status;
			r = modem_cms_permanent(status) ? GW_ERR_SEND_PERM : GW_ERR_SEND_TEMP;
			log_warn("modem: network refused part %d/%d to %s: +CMS ERROR %d", i + 1,
				 sms->Number, log_phone(phone), status);
			break;
		}
		sent++;
		if (p->send_delay_ms > 0)
			sleep_ms(p->send_delay_ms);
	}
	/* Written on success and on a network refusal (network_error). */
	out->parts = sent;
	out->ucs2 = ucs2;
	out->network_error = status;
	if (status == 0)
		r = 0;
out:
	free(sms);
	return r;
}

/* ---- status / ussd / events / hangup ---- */

static int g_status(struct modem *m, struct modem_status *out)
{
	struct gammu_priv *p = priv_of(m);
	struct modem_status st;
	GSM_SignalQuality sig;
	GSM_BatteryCharge bat;
	GSM_NetworkInfo net;
	GSM_SecurityCodeType sec;
	GSM_Error e;
	int r;

	if ((r = need_connection(p)) < 0)
		goto out;
	memset(&st, 0, sizeof(st));
	st.connected = 1;
	st.signal_percent = -1;
	st.battery_percent = -1;
	/* Each item is optional; only losing the modem fails the call. */
	memset(&sig, 0, sizeof(sig));
	e = GSM_GetSignalQuality(p->sm, &sig);
	if (fatal(r = gerr(e, "signal")))
		goto out;
	if (e == ERR_NONE && sig.SignalPercent >= 0 && sig.SignalPercent <= 100)
		st.signal_percent = sig.SignalPercent;
	memset(&bat, 0, sizeof(bat));
	e = GSM_GetBatteryCharge(p->sm, &bat);
	if (fatal(r = gerr(e, "battery")))
		goto out;
	if (e == ERR_NONE && bat.BatteryPercent >= 0 && bat.BatteryPercent <= 100)
		st.battery_percent = bat.BatteryPercent;
	memset(&net, 0, sizeof(net));
	e = GSM_GetNetworkInfo(p->sm, &net);
	if (fatal(r = gerr(e, "network")))
		goto out;
	if (e == ERR_NONE) {
		(void)ucs2_field(st.network, sizeof(st.network), net.NetworkName,
				 sizeof(net.NetworkName) / 2);
		if (st.network[0] == '\0') {
			net.NetworkCode[sizeof(net.NetworkCode) - 1] = '\0';
			(void)modem_text_copy_trunc(st.network, sizeof(st.network), net.NetworkCode);
		}
	}
	e = GSM_GetSecurityStatus(p->sm, &sec);
	if (e == ERR_NOSIM) {
		snprintf(st.security, sizeof(st.security), "nosim");
	} else if (fatal(r = gerr(e, "security status"))) {
		goto out;
	} else if (e == ERR_NONE) {
		snprintf(st.security, sizeof(st.security), "%s",
			 sec == SEC_None ? "ready" : sec == SEC_Pin ? "pin"
			 : sec == SEC_Puk ? "puk" : "code");
	}
	*out = st;
	r = 0;
out:
	return r;
}

static int g_ussd(struct modem *m, const char *code, int timeout_ms, char *answer, size_t answersz)
{
	struct gammu_priv *p = priv_of(m);
	char dial[GSM_MAX_USSD_LENGTH + 1];
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int r;
	GSM_Error e;

	if ((r = need_connection(p)) < 0)
		goto out;
	r = GW_ERR_INVAL;
	if (code[0] == '\0' || strspn(code, "0123456789*#+") != strlen(code) ||
	    modem_text_copy_trunc(dial, sizeof(dial), code))
		goto out;
	p->ussd_done = 0;
	p->ussd_waiting = 1;
	buf_reset(&p->ussd_text);
	GSM_SetIncomingUSSDCallback(p->sm, cb_ussd, p);
	/* Without it the AT driver asks the network for no answer (CUSD=0). */
	if ((r = enable_feature(GSM_SetIncomingUSSD(p->sm, TRUE), "enable USSD")) < 0)
		goto out;
	e = GSM_DialService(p->sm, dial);
	if ((r = gerr(e, "USSD")) < 0)
		goto out;
	/* The dummy answers inside DialService; AT answers later (+CUSD). */
	while (!p->ussd_done && now_ms() < deadline) {
		if (GSM_ReadDevice(p->sm, FALSE) < 0) {
			r = GW_ERR_MODEM_GONE;
			goto out;
		}
		if (!p->ussd_done)
			sleep_ms(POLL_SLEEP_MS);
	}
	r = GW_ERR_TIMEOUT;
	if (!p->ussd_done)
		goto out;
	if (p->ussd_status == USSD_NotSupported) {
		r = GW_ERR_UNSUPPORTED;
		goto out;
	}
	if (p->ussd_status == USSD_Timeout)
		goto out;
	(void)modem_text_copy_trunc(answer, answersz, p->ussd_text.data);
	r = 0;
out:
	p->ussd_waiting = 0;
	return r;
}

static int g_poll_events(struct modem *m, struct modem_event *ev, size_t max, size_t *n)
{
	struct gammu_priv *p = priv_of(m);
	size_t k = 0;
	int r;

	if ((r = need_connection(p)) < 0)
		goto out;
	/* The dummy fires its incoming-call trigger only from an API call
	 * (DUMMY_PreAPICall); signal quality is a constant there. */
	if (p->is_dummy) {
		GSM_SignalQuality sig;

		if ((r = gerr(GSM_GetSignalQuality(p->sm, &sig), "poll")) < 0)
			goto out;
	}
	/* Lets the AT driver dispatch unsolicited RING/+CLIP/+CUSD lines. */
	r = GW_ERR_MODEM_GONE;
	if (GSM_ReadDevice(p->sm, FALSE) < 0)
		goto out;
	while (k < max && p->ring_len > 0) {
		ev[k++] = p->ring[p->ring_head];
		p->ring_head = (p->ring_head + 1) % GAMMU_RING;
		p->ring_len--;
	}
	*n = k;
	r = 0;
out:
	return r;
}

static int g_hangup(struct modem *m)
{
	struct gammu_priv *p = priv_of(m);
	int r;

	if ((r = need_connection(p)) < 0)
		goto out;
	r = gerr(GSM_CancelCall(p->sm, 0, TRUE), "hang up");
out:
	return r;
}

/* ---- create / destroy ---- */

static void g_destroy(struct modem *m)
{
	struct gammu_priv *p;

	if (!m)
		return;
	p = priv_of(m);
	if (p) {
		if (p->sm) {
			g_close(m);
			GSM_FreeStateMachine(p->sm); /* frees Device/Connection too */
		}
		buf_release(&p->ussd_text);
		free(p);
	}
	free(m);
}

static const struct modem_ops gammu_ops = {
	.name = "gammu",
	.open = g_open,
	.close = g_close,
	.read_pending = g_read_pending,
	.delete_part = g_delete_part,
	.send = g_send,
	.status = g_status,
	.ussd = g_ussd,
	.poll_events = g_poll_events,
	.hangup = g_hangup,
	.destroy = g_destroy,
};

/* The equivalent of a [gammu] section, without a gammurc. */
static int configure(struct gammu_priv *p, const struct modem_config *cfg)
{
	GSM_Config *c = GSM_GetConfig(p->sm, 0);
	int i, r = GW_ERR_NOMEM;

	free(c->Device);
	free(c->Connection);
	c->Device = strdup(cfg->device);
	c->Connection = strdup(cfg->connection && cfg->connection[0] ? cfg->connection : "at");
	if (!c->Device || !c->Connection)
		goto out;
	snprintf(c->Model, sizeof(c->Model), "%s", p->model);
	c->DebugLevel[0] = '\0';
	c->DebugFile = NULL;
	c->UseGlobalDebugFile = TRUE; /* gammurc default; global debug is off */
	c->LockDevice = FALSE;
	c->SyncTime = FALSE;
	c->StartInfo = FALSE;
	c->PhoneFeatures[0] = 0;
	snprintf(c->TextReminder, sizeof(c->TextReminder), "Reminder");
	snprintf(c->TextMeeting, sizeof(c->TextMeeting), "Meeting");
	snprintf(c->TextCall, sizeof(c->TextCall), "Call");
	snprintf(c->TextBirthday, sizeof(c->TextBirthday), "Birthday");
	snprintf(c->TextMemo, sizeof(c->TextMemo), "Memo");
	/* -1 = driver default. Zero (what calloc leaves) would make the AT
	 * driver pick AT+CNMI=0,0,... and lose incoming-message routing. */
	for (i = 0; i < 5; i++)
		c->CNMIParams[i] = -1;
	GSM_SetConfigNum(p->sm, 1);
	p->connection = c->Connection;
	p->device = c->Device;
	r = 0;
out:
	return r;
}

int modem_gammu_create(struct modem **out, const struct modem_config *cfg)
{
	struct modem *m = NULL;
	struct gammu_priv *p = NULL;
	const char *model;
	int r = GW_ERR_INVAL;

	if (!out || !cfg || !cfg->device || !cfg->device[0])
		goto out;
	model = cfg->model ? cfg->model : "";
	r = GW_ERR_TOOBIG;
	if (strlen(model) >= sizeof(p->model) ||
	    (cfg->pin && strlen(cfg->pin) > GSM_SECURITY_CODE_LEN))
		goto out;
	r = GW_ERR_NOMEM;
	if (!(m = calloc(1, sizeof(*m))) || !(p = calloc(1, sizeof(*p))))
		goto out;
	m->priv = p;
	m->ops = &gammu_ops;
	buf_init(&p->ussd_text, 4 * GSM_MAX_USSD_LENGTH + 8);
	snprintf(p->model, sizeof(p->model), "%s", model);
	snprintf(p->pin, sizeof(p->pin), "%s", cfg->pin ? cfg->pin : "");
	p->send_delay_ms = cfg->send_delay_ms > 0 ? cfg->send_delay_ms : 0;
	p->is_dummy = strcmp(model, "dummy") == 0;
	/* Start references away from 1 so a restart does not reuse the last. */
	p->next_ref = (unsigned)((time(NULL) ^ getpid()) % 255) + 1;
	if (!(p->sm = GSM_AllocStateMachine()))
		goto out;
	if ((r = configure(p, cfg)) < 0)
		goto out;
	*out = m;
	m = NULL; /* transferred */
	r = 0;
out:
	if (m && !m->priv)
		free(m);
	else
		g_destroy(m);
	return r;
}

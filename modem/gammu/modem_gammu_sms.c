/* modem_gammu_sms.c - reading, deleting and sending SMS over libgammu.
 *
 * Part of the libgammu transport (see modem_gammu.c for the rules it
 * follows). Reading: GSM_GetNextSMS with Folder/Location as the cursor,
 * never reset, capped; unreadable locations come back as malformed parts
 * with a handle. Sending: one part at a time, each confirmed by the
 * send-status callback before the next.
 */
#include "modem/gammu/modem_gammu.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/crashpoint.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "modem/gammu/modem_text.h"

#define READ_MAX_PARTS 4096      /* per read_pending call; the rest next time */
#define READ_MAX_STEPS 60000     /* > dummy's 5 folders x 10000 locations */
#define SEND_WAIT_MS 30000       /* network answer per part, as smsd's default */
#define PHONE_DIGITS_MAX 20      /* TS 23.040 address: at most 20 digits */

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

time_t modem_gammu_time(const GSM_DateTime *dt)
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
	mp->sent_at = modem_gammu_time(&s->DateTime);
	if (modem_gammu_ucs2_field(mp->sender, sizeof(mp->sender), s->Number, GSM_MAX_NUMBER_LENGTH))
		mp->malformed = 1; /* a cut-off sender cannot be answered */
	mp->sender_alnum = has_letter(mp->sender);
	if (mp->sender[0] == '\0')
		mp->malformed = 1; /* nobody to answer */
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

int modem_gammu_read_pending(struct modem *m, struct modem_part **parts, size_t *n)
{
	struct gammu_priv *p = m->priv;
	GSM_MultiSMSMessage *sms = NULL;
	struct modem_part *v = NULL, *slot;
	size_t nv = 0, cap = 0;
	int r, step, i, last_folder = -1, last_loc = -1;
	GSM_Error e;

	if ((r = modem_gammu_need_connection(p)) < 0)
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
		if ((r = modem_gammu_err(e, "read messages")) < 0)
			goto out;
		for (i = 0; i < sms->Number && i < GSM_MAX_MULTI_SMS; i++) {
			if (!sms->SMS[i].InboxFolder)
				continue;
			if (sms->SMS[i].PDU == SMS_Status_Report) {
				/* kept with the inbox by a modem without a report
				 * memory: a delivery report, not a text */
				struct modem_part where;

				set_handle(&where, sms->SMS[i].Folder, sms->SMS[i].Location,
					   (int)sms->SMS[i].Memory, i, sms->Number);
				modem_gammu_report_found(p, &sms->SMS[i], where.handle);
				continue;
			}
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

int modem_gammu_delete_part(struct modem *m, const struct modem_part *mp)
{
	struct gammu_priv *p = m->priv;
	GSM_SMSMessage *s = NULL;
	int f[5], r;
	GSM_Error e;

	if ((r = parse_handle(mp->handle, f)) < 0)
		goto out;
	if ((r = modem_gammu_need_connection(p)) < 0)
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
	r = e == ERR_EMPTY ? 0 : modem_gammu_err(e, "delete message"); /* already gone is fine */
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
	int64_t deadline = modem_gammu_now_ms() + SEND_WAIT_MS;
	int r = 0;

	while (!p->send_done) {
		if (modem_gammu_deadline_hit()) {
			r = GW_ERR_MODEM_GONE;
			break;
		}
		if (modem_gammu_now_ms() >= deadline) {
			log_warn("modem: no send confirmation within %d ms", SEND_WAIT_MS);
			r = GW_ERR_TIMEOUT;
			break;
		}
		if (GSM_ReadDevice(p->sm, TRUE) < 0) {
			r = GW_ERR_MODEM_GONE;
			break;
		}
		if (!p->send_done)
			gw_sleep_ms(POLL_SLEEP_MS);
	}
	return r;
}

int modem_gammu_send(struct modem *m, const char *phone, const char *text,
		     const struct modem_send_req *req, struct modem_sent *out)
{
	const struct modem_resume *from = &req->from;
	struct gammu_priv *p = m->priv;
	GSM_MultiSMSMessage *sms = NULL;
	unsigned char number[(GSM_MAX_NUMBER_LENGTH + 1) * 2];
	int r, i, ucs2 = 0, first = 0, done = 0, status = 0, encoded = 0, doubt = 0;
	int mr[MODEM_PARTS_MAX];
	unsigned ref = 0;
	GSM_Error e;

	if ((r = modem_gammu_need_connection(p)) < 0)
		goto out;
	r = GW_ERR_INVAL;
	if (!phone_ok(phone) || modem_text_to_ucs2_field(phone, number, sizeof(number)) < 0)
		goto out;
	r = GW_ERR_NOMEM;
	if (!(sms = malloc(sizeof(*sms))))
		goto out;
	if ((r = modem_text_encode(text, sms, &ucs2)) < 0)
		goto out;
	for (i = 0; i < MODEM_PARTS_MAX; i++)
		mr[i] = -1;
	if (from && from->ref >= 1 && from->ref <= 255 && sms->Number > 1) {
		/* Same text, same split: go on with the parts not yet accepted,
		 * under the same reference (even from part 1: a part in doubt
		 * that did go out is then the same part twice, which the phone
		 * joins, not a second copy of the message). */
		first = from->parts_done < sms->Number ? from->parts_done : sms->Number;
		ref = (unsigned)from->ref;
	} else if (sms->Number > 1) {
		ref = p->next_ref;
		p->next_ref = p->next_ref % 255 + 1; /* 1..255: ref 0 reads as "single" */
	}
	done = first;
	encoded = 1;
	modem_gammu_deadline_start(p, GAMMU_DEADLINE_MS); /* AT+CSCA? once */
	for (i = first; i < sms->Number; i++) {
		GSM_SMSMessage *s = &sms->SMS[i];

		memcpy(s->Number, number, sizeof(number));
		fill_smsc(p, s);
		/* SMS_Status_Report is libgammu's way to set TP-SRR on a SUBMIT */
		s->PDU = req->report ? SMS_Status_Report : SMS_Submit;
		if (s->UDH.Type != UDH_NoUDH) {
			/* libgammu derives the reference from the clock: two messages
			 * in one second to one phone would share it. */
			s->UDH.ID8bit = (int)ref;
			s->UDH.ID16bit = (int)ref;
			GSM_EncodeUDHHeader(NULL, &s->UDH);
		}
	}
	if ((r = modem_gammu_deadline_end(p, 0)) < 0 || (r = modem_gammu_need_connection(p)) < 0)
		goto out;
	/* One part at a time: a refused part stops the rest, and the AT
	 * driver must see each +CMGS answer before the next AT+CMGS. Each
	 * part has its own deadline (>= 0.7 s of libgammu sleeps, then up to
	 * SEND_WAIT_MS for the network). */
	for (i = first; i < sms->Number; i++) {
		p->send_done = 0;
		p->send_status = 0;
		p->send_mr = -1;
		modem_gammu_deadline_start(p, GAMMU_DEADLINE_MS);
		e = GSM_SendSMS(p->sm, &sms->SMS[i]);
		r = modem_gammu_err(e, "send");
		/* handed over: from here on the part may have gone out */
		if (r == 0 && (r = wait_send(p)) < 0)
			doubt = 1;
		if ((r = modem_gammu_deadline_end(p, r)) < 0)
			goto out;
		if (p->send_status != 0) {
			status = p->send_status;
			r = modem_cms_permanent(status) ? GW_ERR_SEND_PERM : GW_ERR_SEND_TEMP;
			log_warn("modem: network refused part %d/%d to %s: +CMS ERROR %d", i + 1,
				 sms->Number, log_phone(phone), status);
			goto out;
		}
		if (i < MODEM_PARTS_MAX && p->send_mr >= 0 && p->send_mr <= 255)
			mr[i] = p->send_mr;
		done++;
		if (i + 1 < sms->Number)
			crashpoint("send-part"); /* a part accepted, the next not sent */
		if (p->send_delay_ms > 0)
			gw_sleep_ms(p->send_delay_ms);
	}
	r = 0;
out:
	/* Once encoded, the caller learns where to resume, whatever happened. */
	if (encoded) {
		out->parts = done;
		out->total = sms->Number;
		out->ref = (int)ref;
		out->ucs2 = ucs2;
		out->network_error = status;
		memcpy(out->mr, mr, sizeof(out->mr));
		out->doubt = doubt;
	}
	free(sms);
	return r;
}

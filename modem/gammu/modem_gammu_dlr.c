/* modem_gammu_dlr.c - delivery (status) reports over libgammu.
 *
 * Part of the libgammu transport (rules in modem/LIBGAMMU.md, §10). A
 * part sent with TP-SRR (modem_gammu_send, req->report) brings an
 * SMS-STATUS-REPORT back from the network; libgammu hands it over in one
 * of four ways, all ending in the same queue that read_reports drains:
 *   +CDS   (AT+CNMI ds=1)  the report itself, in the IncomingSMS callback;
 *   +CDSI  (ds=2, what libgammu picks when the modem offers it)  only where
 *          it was stored (State 0, Memory, Location): read with GSM_GetSMS,
 *          deleted once the caller has recorded it;
 *   with the inbox  modems without a report memory keep reports in SM/ME,
 *          where GetNextSMS (read_pending) meets them;
 *   unannounced  a report that came while nobody listened (the daemon was
 *          down, or libgammu dropped the +CDSI) stays in the report memory:
 *          swept after every connect and when the caller asks, slot by slot
 *          from 1 until the end of the memory or SWEEP_EMPTY_RUN empty slots
 *          in a row (reports fill the lowest free slots).
 * Every stored one comes back with a handle, so it is deleted only after
 * it is safe in the database, as inbound parts are. The dummy driver has
 * no reports.
 */
#include "modem/gammu/modem_gammu.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/log.h"
#include "modem/gammu/modem_text.h"

#define SWEEP_MAX 255     /* slots looked at in one sweep at most */
#define SWEEP_EMPTY_RUN 4 /* empty slots in a row that end a sweep */

static void decode_report(const GSM_SMSMessage *s, const char *handle, struct modem_report *r)
{
	memset(r, 0, sizeof(*r));
	(void)modem_gammu_ucs2_field(r->phone, sizeof(r->phone), s->Number, GSM_MAX_NUMBER_LENGTH);
	r->mr = s->MessageReference & 0xFF;
	r->status = s->DeliveryStatus;
	r->state = modem_report_state(r->status);
	r->submitted_at = modem_gammu_time(&s->DateTime);
	r->done_at = modem_gammu_time(&s->SMSCTime);
	(void)modem_text_copy_trunc(r->handle, sizeof(r->handle), handle);
}

/* Queue a decoded report for read_reports; a stored one seen twice (the
 * inbox scan and its +CDSI) is queued once. */
static void hold(struct gammu_priv *p, const GSM_SMSMessage *s, const char *handle)
{
	struct modem_report *r;

	for (size_t i = 0; handle[0] && i < p->nreports; i++)
		if (strcmp(p->reports[i].handle, handle) == 0)
			return;
	if (p->nreports == GAMMU_REPORTS) {
		/* a stored one is found again by the next sweep */
		log_warn("modem: too many delivery reports waiting; one %s", handle[0]
			 ? "left on the modem for later" : "dropped");
		p->sweep_due |= handle[0] != '\0';
		return;
	}
	r = &p->reports[p->nreports++];
	decode_report(s, handle, r);
	log_debug("modem: delivery report for reference %d: status 0x%02X", r->mr, r->status);
}

static void slot_handle(char *h, size_t hsz, GSM_MemoryType memory, int location)
{
	snprintf(h, hsz, "r:%d:%d", (int)memory, location);
}

int modem_gammu_report_incoming(struct gammu_priv *p, const GSM_SMSMessage *sms)
{
	size_t i;

	if (sms->PDU != SMS_Status_Report)
		return 0;
	if (sms->State != 0) { /* +CDS: the report itself, stored nowhere */
		hold(p, sms, "");
		return 1;
	}
	for (i = 0; i < p->nstored; i++)
		if (p->stored[i].memory == sms->Memory && p->stored[i].location == sms->Location)
			return 1;
	if (p->nstored == GAMMU_REPORTS) {
		p->sweep_due = 1; /* too many at once: the sweep finds the rest */
		return 1;
	}
	p->stored[p->nstored].memory = sms->Memory;
	p->stored[p->nstored].location = sms->Location;
	p->nstored++;
	return 1;
}

void modem_gammu_report_found(struct gammu_priv *p, const GSM_SMSMessage *sms, const char *handle)
{
	hold(p, sms, handle);
}

/* Read one stored message by memory and slot into *sms. */
static GSM_Error read_slot(struct gammu_priv *p, GSM_MemoryType memory, int location,
			   GSM_MultiSMSMessage *sms)
{
	memset(sms, 0, sizeof(*sms));
	sms->SMS[0].Memory = memory;
	sms->SMS[0].Folder = 1; /* not 0: libgammu reads 0 as a flat location */
	sms->SMS[0].Location = location;
	return GSM_GetSMS(p->sm, sms);
}

/* 1 when a read answer means "no such slot, nothing beyond": the end of
 * the memory, or a modem without that memory. */
static int end_of_memory(GSM_Error e)
{
	return e == ERR_INVALIDLOCATION || e == ERR_MEMORY_NOT_AVAILABLE || e == ERR_NOTSUPPORTED ||
	       e == ERR_NOTIMPLEMENTED || e == ERR_INVALID_OPERATION;
}

/* Hold the report in one slot, if it holds one. 1 when the slot is in
 * use, 0 when empty, 2 past the end; fatal errors as GW_ERR_*. */
static int take_slot(struct gammu_priv *p, GSM_MemoryType memory, int location,
		     GSM_MultiSMSMessage *sms)
{
	char handle[48];
	GSM_Error e = read_slot(p, memory, location, sms);
	int r;

	if (e == ERR_EMPTY)
		return 0;
	if (end_of_memory(e))
		return 2;
	if (e != ERR_NONE) {
		if (modem_gammu_fatal(r = modem_gammu_err(e, "read a delivery report")))
			return r;
		return 1; /* unreadable: left where it is */
	}
	if (sms->Number >= 1 && sms->SMS[0].PDU == SMS_Status_Report) {
		slot_handle(handle, sizeof(handle), memory, location);
		hold(p, &sms->SMS[0], handle);
	}
	return 1;
}

static int sweep(struct gammu_priv *p, GSM_MultiSMSMessage *sms)
{
	int location, empty = 0, r = 0;

	for (location = 1; location <= SWEEP_MAX && empty < SWEEP_EMPTY_RUN; location++) {
		if ((r = take_slot(p, MEM_SR, location, sms)) < 0)
			goto out;
		if (r == 2)
			break;
		empty = r == 0 ? empty + 1 : 0;
	}
	p->sweep_due = 0;
	r = 0;
out:
	return r;
}

/* The reports the modem said it stored; an indication stays until its
 * slot was read (or found empty: deleted already). */
static int read_indicated(struct gammu_priv *p, GSM_MultiSMSMessage *sms)
{
	int r = 0;

	while (p->nstored > 0) {
		size_t last = p->nstored - 1;

		if ((r = take_slot(p, p->stored[last].memory, p->stored[last].location, sms)) < 0)
			break;
		p->nstored--;
		r = 0;
	}
	return r;
}

int modem_gammu_read_reports(struct modem *m, enum modem_report_scope scope,
			     struct modem_report **out, size_t *n, size_t *waiting)
{
	struct gammu_priv *p = m->priv;
	GSM_MultiSMSMessage *sms = NULL;
	struct modem_report *v = NULL;
	int r = 0;

	if (scope > MODEM_REPORTS_HELD && !p->is_dummy) {
		if ((r = modem_gammu_need_connection(p)) < 0)
			goto out;
		r = GW_ERR_NOMEM;
		if (!(sms = malloc(sizeof(*sms))))
			goto out;
		if ((r = read_indicated(p, sms)) < 0)
			goto out;
		if ((scope == MODEM_REPORTS_SWEEP || p->sweep_due) && (r = sweep(p, sms)) < 0)
			goto out;
	}
	r = GW_ERR_NOMEM;
	if (p->nreports && !(v = malloc(p->nreports * sizeof(*v))))
		goto out;
	if (p->nreports)
		memcpy(v, p->reports, p->nreports * sizeof(*v));
	*out = v;
	*n = p->nreports;
	*waiting = p->nstored;
	p->nreports = 0;
	r = 0;
out:
	free(sms);
	return r;
}

/* "r:<memory>:<location>" back into its numbers. */
static int parse_slot(const char *h, GSM_MemoryType *memory, int *location)
{
	char *end;
	long mem, loc;
	int r = GW_ERR_INVAL;

	if (strncmp(h, "r:", 2) != 0)
		goto out;
	errno = 0;
	mem = strtol(h + 2, &end, 10);
	if (end == h + 2 || *end != ':' || errno || mem < 0 || mem > 255)
		goto out;
	h = end + 1;
	loc = strtol(h, &end, 10);
	if (end == h || *end || errno || loc < 0 || loc > 100000)
		goto out;
	*memory = (GSM_MemoryType)mem;
	*location = (int)loc;
	r = 0;
out:
	return r;
}

int modem_gammu_delete_report(struct modem *m, const struct modem_report *rep)
{
	struct gammu_priv *p = m->priv;
	struct modem_part where;
	GSM_SMSMessage *s = NULL;
	GSM_MemoryType memory = MEM_SR;
	int location = 0, r;
	GSM_Error e;

	if (strncmp(rep->handle, "g:", 2) == 0) {
		/* found with the inbox: deleted as an inbound part is */
		memset(&where, 0, sizeof(where));
		(void)modem_text_copy_trunc(where.handle, sizeof(where.handle), rep->handle);
		r = modem_gammu_delete_part(m, &where);
		goto out;
	}
	if ((r = parse_slot(rep->handle, &memory, &location)) < 0 ||
	    (r = modem_gammu_need_connection(p)) < 0)
		goto out;
	r = GW_ERR_NOMEM;
	if (!(s = calloc(1, sizeof(*s))))
		goto out;
	s->Memory = memory;
	s->Folder = 1;
	s->Location = location;
	e = GSM_DeleteSMS(p->sm, s);
	r = e == ERR_EMPTY ? 0 : modem_gammu_err(e, "delete a delivery report");
out:
	free(s);
	return r;
}

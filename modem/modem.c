/* modem.c - transport-independent parts of modem.h: dispatch through the
 * ops table, +CMS classification, reconnect backoff, service numbers.
 */
#include "modem/modem.h"

#include <ctype.h>
#include <string.h>

#include "common/gw_err.h"

/* Every wrapper refuses a NULL modem or a missing op instead of crashing:
 * a decorator or a future transport may leave optional ops out. */
#define MODEM_OP(m, op) ((m) && (m)->ops && (m)->ops->op)

int modem_open(struct modem *m)
{
	return MODEM_OP(m, open) ? m->ops->open(m) : GW_ERR_INVAL;
}

void modem_close(struct modem *m)
{
	if (MODEM_OP(m, close))
		m->ops->close(m);
}

void modem_destroy(struct modem *m)
{
	if (MODEM_OP(m, destroy))
		m->ops->destroy(m);
}

int modem_read_pending(struct modem *m, struct modem_part **parts, size_t *n)
{
	if (!parts || !n)
		return GW_ERR_INVAL;
	return MODEM_OP(m, read_pending) ? m->ops->read_pending(m, parts, n) : GW_ERR_UNSUPPORTED;
}

int modem_delete_part(struct modem *m, const struct modem_part *p)
{
	if (!p)
		return GW_ERR_INVAL;
	return MODEM_OP(m, delete_part) ? m->ops->delete_part(m, p) : GW_ERR_UNSUPPORTED;
}

int modem_send(struct modem *m, const char *phone, const char *text, struct modem_sent *out)
{
	struct modem_send_req req = { 0, 0, { 0, 0 } };

	return modem_send_with(m, phone, text, &req, out);
}

int modem_send_with(struct modem *m, const char *phone, const char *text,
		    const struct modem_send_req *req, struct modem_sent *out)
{
	if (!phone || !text || !req || !out || req->from.parts_done < 0 || req->from.ref < 0)
		return GW_ERR_INVAL;
	/* A transport that does not know a part's reference leaves it unknown. */
	for (int i = 0; i < MODEM_PARTS_MAX; i++)
		out->mr[i] = -1;
	out->doubt = 0;
	return MODEM_OP(m, send) ? m->ops->send(m, phone, text, req, out) : GW_ERR_UNSUPPORTED;
}

int modem_read_reports(struct modem *m, enum modem_report_scope scope, struct modem_report **out,
		       size_t *n, size_t *waiting)
{
	if (!out || !n || !waiting)
		return GW_ERR_INVAL;
	if (!MODEM_OP(m, read_reports)) {
		*out = NULL;
		*n = 0;
		*waiting = 0;
		return m ? 0 : GW_ERR_INVAL;
	}
	return m->ops->read_reports(m, scope, out, n, waiting);
}

int modem_delete_report(struct modem *m, const struct modem_report *r)
{
	if (!r)
		return GW_ERR_INVAL;
	if (!r->handle[0])
		return 0;
	return MODEM_OP(m, delete_report) ? m->ops->delete_report(m, r) : GW_ERR_UNSUPPORTED;
}

enum modem_dlr modem_report_state(int status)
{
	if (status >= 0x00 && status <= 0x1F)
		return MODEM_DLR_DELIVERED;
	if (status >= 0x40 && status <= 0x7F)
		return MODEM_DLR_FAILED;
	return MODEM_DLR_PENDING;
}

int modem_status(struct modem *m, struct modem_status *out)
{
	if (!out)
		return GW_ERR_INVAL;
	return MODEM_OP(m, status) ? m->ops->status(m, out) : GW_ERR_UNSUPPORTED;
}

int modem_ussd(struct modem *m, const char *code, int timeout_ms, char *answer, size_t answersz)
{
	if (!code || !answer || answersz == 0)
		return GW_ERR_INVAL;
	return MODEM_OP(m, ussd) ? m->ops->ussd(m, code, timeout_ms, answer, answersz)
				 : GW_ERR_UNSUPPORTED;
}

int modem_poll_events(struct modem *m, struct modem_event *ev, size_t max, size_t *n)
{
	if ((!ev && max > 0) || !n)
		return GW_ERR_INVAL;
	return MODEM_OP(m, poll_events) ? m->ops->poll_events(m, ev, max, n) : GW_ERR_UNSUPPORTED;
}

int modem_hangup(struct modem *m)
{
	return MODEM_OP(m, hangup) ? m->ops->hangup(m) : GW_ERR_UNSUPPORTED;
}

/* +CMS ERROR codes (3GPP TS 27.005 §3.2.5). 0-127 are the RP-cause values
 * of TS 24.011 §8.2.5.4 (Table 8.4), 128-255 the TP-Failure-Cause values of
 * TS 23.040 §9.2.3.22, 300-511 ME/network errors of TS 27.005, 512+ vendor
 * specific. Only codes that say "this message to this number will never
 * go" are permanent; everything else, including codes we do not know and
 * local ME/SIM trouble that an operator can fix (310-318 SIM, 330 SMSC
 * unknown), is temporary so the message is retried with backoff and the
 * caller's retry cap decides. */
int modem_cms_permanent(int cms)
{
	switch (cms) {
	case 1:   /* unassigned (unallocated) number */
	case 8:   /* operator determined barring */
	case 10:  /* call barred */
	case 21:  /* short message transfer rejected */
	case 27:  /* destination out of service */
	case 28:  /* unidentified subscriber */
	case 29:  /* facility rejected */
	case 30:  /* unknown subscriber */
	case 50:  /* requested facility not subscribed */
	case 69:  /* requested facility not implemented */
	case 95:  /* semantically incorrect message */
	case 96:  /* invalid mandatory information */
	case 97:  /* message type non-existent or not implemented */
	case 99:  /* information element non-existent or not implemented */
	case 193: /* TP: no SC subscription */
	case 195: /* TP: invalid SME address */
	case 196: /* TP: destination SME barred */
	case 197: /* TP: SM rejected, duplicate SM */
	case 198: /* TP: TP-VPF not supported */
	case 199: /* TP: TP-VP not supported */
	case 304: /* invalid PDU mode parameter */
	case 305: /* invalid text mode parameter */
		return 1;
	}
	/* 128-159: TP-PID and TP-DCS errors: the message itself is unacceptable. */
	if (cms >= 128 && cms <= 159)
		return 1;
	/* Temporary, for the record: 17 network failure, 22 memory capacity
	 * exceeded, 38 network out of order, 41 temporary failure, 42
	 * congestion, 47 resources unavailable, 111 protocol error, 127
	 * interworking, 192 SC busy, 194 SC system failure, 300 ME failure,
	 * 302/303 operation not allowed/supported (local modem state),
	 * 310-318 SIM missing/PIN/busy, 322 memory full, 330 SMSC unknown,
	 * 331 no network service, 332 network timeout, 500 unknown, 512+
	 * vendor (e.g. 535 busy, 615/616 network not ready). */
	return 0;
}

int modem_cms_sim_barred(int cms)
{
	switch (cms) {
	case 8:   /* operator determined barring */
	case 10:  /* call barred (outgoing, on our SIM) */
	case 21:  /* short message transfer rejected: operators' anti-spam answer */
	case 50:  /* requested facility not subscribed */
	case 193: /* TP: no SC subscription */
		return 1;
	}
	return 0;
}

int modem_reconnect_delay_ms(int attempt, int min_ms, int max_ms)
{
	int d = min_ms > 0 ? min_ms : 0;
	int i;

	if (max_ms < d)
		max_ms = d;
	for (i = 1; i < attempt && d < max_ms; i++)
		d = d > max_ms / 2 ? max_ms : d * 2; /* no overflow: d <= max_ms */
	return d < max_ms ? d : max_ms;
}

int modem_number_is_service(const char *number)
{
	const char *p = number;
	int digits = 0;

	if (!p || !*p)
		return 1;
	if (*p == '+')
		p++;
	for (; *p; p++) {
		/* Letters mean an alphanumeric sender; any other symbol is not a
		 * dialable subscriber number either. Never auto-reply to those. */
		if (!isdigit((unsigned char)*p))
			return 1;
		digits++;
	}
	return digits < 8;
}

/* kannel_box.h - Kannel as the transport, gatewayd being a box of bearerbox
 * (kannel.link = "box"): no smsbox in between.
 *
 * Another struct modem_ops (modem/modem.h), so the daemon's sender,
 * backoff, in-doubt and delivery-report code work unchanged. Each Kannel
 * worker ("kannel", "kannel-2", ...) holds one TCP connection to
 * bearerbox's smsbox-port and speaks its box protocol (kannel_msg.h):
 *   open    connect (kannel.bearerbox_host/port, kannel.timeout), identify
 *           as kannel.box_id, start the reader thread; GW_ERR_MODEM_GONE
 *           when bearerbox cannot be reached (the link retries with backoff)
 *   send    one sms frame (sms_type mt_push, a fresh UUID, the text as
 *           UTF-8 with coding 0, or UTF-16BE with coding 2 when GSM-7
 *           cannot carry it, no charset: what smsbox sends for a sendsms
 *           with charset=UTF-8; bearerbox splits long texts itself;
 *           kannel.dlr_mask with our outbox id as dlr_url and box_id as
 *           boxc_id, so reports come back to this box), then wait up to
 *           kannel.timeout for bearerbox's ack of that UUID:
 *             success, buffered (no SMSC up: bearerbox holds it)   sent
 *             failed (no route to an SMSC)           GW_ERR_SEND_PERM
 *             failed_tmp (a queue full)              GW_ERR_SEND_TEMP: retried
 *                                                    with backoff
 *             nothing could be written               GW_ERR_MODEM_GONE
 *             written, no ack in time or the connection ended
 *                                                    GW_ERR_TIMEOUT / _GONE in
 *                                                    doubt: its delivery report
 *                                                    settles it (kannel_doubt.h)
 *   status  connected while the reader runs; network "kannel"
 *   read_pending, delete_part, poll_events: nothing; ussd, hangup:
 *           unsupported.
 * The reader thread (its OWN database connection) takes what bearerbox
 * sends: an inbound message (sms_type mo) is committed to the inbox keyed
 * by Kannel's id (kannel_store.h) and only then acknowledged, so bearerbox
 * keeps it, and sends it again after a crash, until it is safe; a delivery
 * report (report_mo: dlr_url is our outbox id, dlr_mask the report type)
 * is recorded on its outbox row, then acknowledged; what cannot be
 * committed now is refused with failed_tmp and bearerbox offers it again.
 * Acks of our answers wake the sender waiting for that UUID. A heartbeat
 * goes to bearerbox every few seconds. After a new message is committed
 * the reader calls on_mo(arg) (the worker tells its main process).
 */
#ifndef GW_KANNEL_BOX_H
#define GW_KANNEL_BOX_H

#include "common/buf.h"
#include "config/settings.h"
#include "modem/modem.h"

/* The transport for cfg's kannel group (copied). */
int kannel_box_create(struct modem **out, const struct gw_settings *cfg);

/* Who hears of a newly stored message (called on the reader thread; may be
 * NULL). Set it before the link opens m. */
void kannel_box_on_mo(struct modem *m, void (*on_mo)(void *arg), void *arg);

/* The UTF-16BE octets of valid UTF-8 text, appended to out. GW_ERR_INVAL
 * for invalid UTF-8, GW_ERR_TOOBIG over out's cap. */
int kannel_box_utf16be(struct buf *out, const char *text) GW_WARN_UNUSED;

#endif

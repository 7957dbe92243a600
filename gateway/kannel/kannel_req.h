/* kannel_req.h - what smsbox tells us, decoded: an inbound message (MO)
 * and a delivery report (DLR).
 *
 * MO comes as the query of smsbox's get-url (issue 17's
 * `from=%p&to=%P&text=%a&id=%I&smsc=%i&charset=%C&coding=%c&time=%t`) or,
 * from a post-url, as the body with X-Kannel-* headers; the server
 * (kannel_http.c) gathers the fields, already URL-decoded, into a struct
 * kannel_mo_raw and this module checks and decodes them without any HTTP:
 *   - text is turned into UTF-8 by its charset: UTF-8 as it is (what
 *     mo-recode = true gives), UTF-16BE/UCS-2 converted, ISO-8859-1
 *     converted; 8-bit data (charset 8-BIT, coding 1: what a concatenated
 *     UCS-2 message through Kannel's fake SMSC looks like) is taken as
 *     UTF-8 when it is that, else as UTF-16BE when it is that, else the
 *     message is malformed: stored for the record, never answered;
 *   - %t ("2026-12-07 03:31:12", UTC) or an epoch (%T) is the SMSC's time;
 *   - %I is Kannel's message id: stable across smsbox's retries, so the
 *     inbox stores a message once per id (kannel_store.h).
 * A DLR is our outbox id (put into the dlr-url by kannel_send.c), Kannel's
 * report type (%d) and the SMSC's words (%A).
 */
#ifndef GW_KANNEL_REQ_H
#define GW_KANNEL_REQ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "gateway/outbox.h"
#include "modem/modem.h"

#define KANNEL_ID_MAX 64
#define KANNEL_TEXT_MAX (64 * 1024)

/* One field as it came: v == NULL when absent; may hold NULs (UTF-16). */
struct kannel_field {
	const char *v;
	size_t n;
};

struct kannel_mo_raw {
	struct kannel_field from, to, text, id, smsc, charset, coding, time;
};

struct kannel_mo {
	char from[MODEM_PHONE_MAX];  /* the household, as the SMSC gave it */
	char to[MODEM_PHONE_MAX];    /* our short code ("" unknown) */
	char id[KANNEL_ID_MAX];      /* Kannel's message id ("" when not sent) */
	char smsc[KANNEL_ID_MAX];    /* which SMSC link it came on */
	time_t sent_at;              /* SMSC time, 0 unknown */
	struct buf text;             /* UTF-8 (kannel_mo_init/kannel_mo_release) */
	int malformed;               /* text not decodable: record, do not answer */
};

void kannel_mo_init(struct kannel_mo *m);
void kannel_mo_release(struct kannel_mo *m);

/* Check and decode raw into m (initialised). GW_ERR_INVAL with *why
 * ("missing from", ...) for a request that can never be stored: answer
 * 400. An undecodable text is not an error (m->malformed = 1). */
int kannel_mo_decode(const struct kannel_mo_raw *raw, struct kannel_mo *m, const char **why);

/* Append the UTF-8 form of text[0..n) in charset (coding: Kannel's 0, 1,
 * 2 or -1 unknown) to out. GW_ERR_INVAL when it is none of what the
 * header says is accepted; GW_ERR_TOOBIG over out's cap. */
int kannel_text_utf8(struct buf *out, const char *text, size_t n, const char *charset,
		     int coding);

/* Unix time of "YYYY-MM-DD HH:MM:SS" (UTC, Kannel's %t) or of an epoch
 * (%T); GW_ERR_INVAL otherwise. */
int kannel_parse_time(const char *s, size_t n, time_t *out);

struct kannel_dlr {
	int64_t outbox_id;
	int type;               /* Kannel's report type: 1, 2, 4, 8, 16 */
	enum outbox_dlr state;  /* what the outbox records for it */
	time_t at;              /* 0: unknown */
	char reply[256];        /* the SMSC's words, cut to fit */
};

struct kannel_dlr_raw {
	struct kannel_field outbox, type, reply, time;
};

/* Check and decode a delivery report. GW_ERR_INVAL with *why for one that
 * names no outbox row or a type Kannel does not send. */
int kannel_dlr_decode(const struct kannel_dlr_raw *raw, struct kannel_dlr *d, const char **why);

/* The outbox state of a Kannel report type (1 delivered, 2 failed,
 * 4 buffered, 8 submitted, 16 rejected = failed); 0 for anything else. */
enum outbox_dlr kannel_dlr_state(int type);

#endif

/* modem_gammu.h - state shared by the libgammu transport's two files.
 *
 * Private to modem/ (names GSM_* types). modem_gammu.c holds the
 * connection, callbacks, status, USSD and events; modem_gammu_sms.c holds
 * reading, deleting and sending SMS. Both work on one struct gammu_priv
 * (m->priv of a modem made by modem_gammu_create).
 */
#ifndef GW_MODEM_GAMMU_H
#define GW_MODEM_GAMMU_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <gammu.h>

#include "common/buf.h"
#include "modem/modem.h"

#define GAMMU_RING 16            /* queued calls/USSD answers between polls */
#define GAMMU_PENDING_DEL 32     /* multi-part locations awaiting deletion */
#define GAMMU_REPORTS 64         /* delivery reports held between read_reports calls */
#define POLL_SLEEP_MS 10
/* Longest one libgammu call may block (see modem_gammu_deadline_start). */
#define GAMMU_DEADLINE_MS 60000
#define GAMMU_OPEN_DEADLINE_MS 120000 /* init writes slowly: ~4 s, more on slow modems */

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
	int send_done, send_status, send_mr;
	int ussd_waiting, ussd_done;
	GSM_USSDStatus ussd_status;
	struct buf ussd_text;
	struct modem_event ring[GAMMU_RING];
	size_t ring_head, ring_len;
	int folders_known;
	unsigned char inbox[GSM_MAX_SMS_FOLDERS + 1];
	struct pending_del pend[GAMMU_PENDING_DEL];
	int aborted;             /* a deadline abandoned a call: rebuild sm before use */
	/* Delivery reports (modem_gammu_dlr.c): decoded ones waiting for
	 * read_reports, stored ones the modem indicated (+CDSI) not read
	 * yet, and whether the report memory is to be swept (after connect). */
	struct modem_report reports[GAMMU_REPORTS];
	size_t nreports;
	struct { GSM_MemoryType memory; int location; } stored[GAMMU_REPORTS];
	size_t nstored;
	int sweep_due;
	char *cfg_device, *cfg_connection; /* own copies, to rebuild sm */
};

/* GSM_Error -> GW_ERR_*, logging libgammu's error name; ERR_NONE -> 0. */
int modem_gammu_err(GSM_Error e, const char *what);
/* 1 for the errors after which the connection is unusable. */
int modem_gammu_fatal(int r);
/* GW_ERR_MODEM_GONE unless connected (and not abandoned by a deadline). */
int modem_gammu_need_connection(struct gammu_priv *p);
/* A deadline for the libgammu calls that follow, until _end. On a modem
 * that stopped answering, the AT driver waits up to 200 s (AT+CPMS) or
 * 500 s (AT+CMGL), twice, and after the modem recovers it still waits for
 * the answer to a command the modem dropped; on an unplugged one it reads
 * "no data" until those timeouts: one call could stall the daemon for
 * many minutes. When the deadline passes, or the device node (an absolute
 * modem.device) disappears, SIGALRM (ticking each second meanwhile) calls
 * GSM_AbortOperation. libgammu never clears that flag, so the state machine
 * is marked aborted, _end turns a failure into GW_ERR_MODEM_GONE (the link
 * reconnects) and the next open builds a new state machine. */
void modem_gammu_deadline_start(struct gammu_priv *p, int ms);
int modem_gammu_deadline_end(struct gammu_priv *p, int r);
/* 1 once the current deadline has passed (for our own wait loops). */
int modem_gammu_deadline_hit(void);
int64_t modem_gammu_now_ms(void);
/* UCS-2 field -> UTF-8 into a fixed array; 1 if it had to be cut. */
int modem_gammu_ucs2_field(char *dst, size_t dstsz, const unsigned char *src, size_t units);

/* An SMS time stamp as UTC seconds (0 when absent or impossible). */
time_t modem_gammu_time(const GSM_DateTime *dt);

/* The SMS ops (modem_gammu_sms.c). */
int modem_gammu_read_pending(struct modem *m, struct modem_part **parts, size_t *n);
int modem_gammu_delete_part(struct modem *m, const struct modem_part *mp);
int modem_gammu_send(struct modem *m, const char *phone, const char *text,
		     const struct modem_send_req *req, struct modem_sent *out);

/* Delivery reports (modem_gammu_dlr.c). From the IncomingSMS callback:
 * 1 when sms is a status report (held, or its storage noted for
 * read_reports), 0 when it is something else. */
int modem_gammu_report_incoming(struct gammu_priv *p, const GSM_SMSMessage *sms);
/* A status report met while reading stored messages (modems without a
 * report memory keep them with the inbox): held with its handle. */
void modem_gammu_report_found(struct gammu_priv *p, const GSM_SMSMessage *sms, const char *handle);
int modem_gammu_read_reports(struct modem *m, enum modem_report_scope scope,
			     struct modem_report **out, size_t *n, size_t *waiting);
int modem_gammu_delete_report(struct modem *m, const struct modem_report *r);

#endif

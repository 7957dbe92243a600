/* modem.h - the transport interface: how the gateway talks to a phone.
 *
 * The rest of the gateway sees only this header: no GSM_* type, no
 * GSM_Error, no libgammu header. A transport is a struct modem with an ops
 * table; today there is one real transport (libgammu, modem_gammu.c) and
 * one decorator that injects faults for tests (modem_fault.c). A Kannel/
 * SMPP transport is another ops table; several modems are several struct
 * modem, one in each gatewayd worker process (gateway/daemon/worker.h).
 *
 * Every call returns 0 or a negative GW_ERR_*; the ones that matter:
 *   GW_ERR_MODEM_GONE  device vanished / not connected: close and reopen
 *                      with backoff (modem_reconnect_delay_ms)
 *   GW_ERR_TIMEOUT     no answer in time (repeated: treat as gone)
 *   GW_ERR_SEND_PERM   network refused this message for good (+CMS 'permanent')
 *   GW_ERR_SEND_TEMP   refused for now: retry later with backoff
 *   GW_ERR_SECURITY    SIM needs a PIN / no SIM: an operator must act
 *   GW_ERR_CORRUPT     one stored message is malformed: skip and report it
 *
 * All calls on one struct modem happen on one thread (libgammu is not
 * thread-safe).
 */
#ifndef GW_MODEM_H
#define GW_MODEM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define MODEM_PHONE_MAX 32
#define MODEM_TEXT_MAX 1024 /* one part decodes to at most ~160 chars = 640 UTF-8 bytes */
#define MODEM_PARTS_MAX 50  /* parts in one message: libgammu encodes at most 50 */

/* One stored SMS part as read from the phone. */
struct modem_part {
	char sender[MODEM_PHONE_MAX];  /* as the network gave it: "+8490...", or alphanumeric */
	int sender_alnum;              /* sender is alphanumeric (a service, not a person) */
	time_t sent_at;                /* SMSC timestamp (UTC), 0 if unknown */
	int ref;                       /* concatenation reference, 0 when single */
	int total;                     /* parts in the whole message, 1 when single */
	int seq;                       /* this part's number, 1..total */
	char text[MODEM_TEXT_MAX];     /* decoded to UTF-8 (GSM-7/UCS-2) */
	int malformed;                 /* undecodable: stored for the record, never answered */
	char handle[48];               /* opaque location, given back to delete_part */
};

/* Result of sending one message (all its parts, back to back). */
struct modem_sent {
	int parts;           /* parts the network has accepted, earlier attempts included */
	int total;           /* parts in the whole message */
	int ref;             /* concatenation reference used (0: a single part) */
	int ucs2;            /* 1 if sent as UCS-2, 0 for GSM-7 */
	int network_error;   /* +CMS ERROR code when refused, else 0 */
	/* The message reference (TP-MR, 0..255) the network gave each part
	 * accepted in this attempt, by part (mr[0] = part 1); -1 where not
	 * known (parts of earlier attempts, a modem that does not say). A
	 * delivery report quotes it. */
	int mr[MODEM_PARTS_MAX];
	/* The part after the accepted ones was handed to the modem but never
	 * confirmed (no answer, the modem vanished): it may have gone out. */
	int doubt;
};

/* Where an earlier attempt at a long message stopped. A retry sends only
 * the parts the network has not accepted yet, under the same reference, so
 * the phone joins them with the ones it already has instead of showing the
 * beginning twice. The text must be the same (it splits the same way). */
struct modem_resume {
	int parts_done;      /* parts accepted by earlier attempts (0: none) */
	int ref;             /* their concatenation reference, or the one to use for a
			      * first attempt (1..255; 0: the transport picks one) */
};

/* What the sender says about one message besides its text. */
struct modem_send_req {
	int64_t id;               /* its outbox row (0: none): a transport that reports on
				   * the message later quotes it (Kannel's dlr-url) */
	int report;               /* ask the network for a delivery report */
	struct modem_resume from; /* where an earlier attempt stopped ({0, 0}: nothing sent) */
};

/* What a delivery (status) report says of one part. */
enum modem_dlr {
	MODEM_DLR_DELIVERED = 1, /* reached the handset */
	MODEM_DLR_PENDING = 2,   /* the message centre still tries (the phone is off) */
	MODEM_DLR_FAILED = 3,    /* the centre gave up, or the number cannot get it */
};

/* A delivery report from the network about one part sent earlier, matched
 * by the caller on (phone, mr). */
struct modem_report {
	char phone[MODEM_PHONE_MAX]; /* the part's recipient, as the network gives it */
	int mr;                      /* the part's message reference (TP-MR, 0..255) */
	int status;                  /* TP-ST as sent (0x00 delivered, 0x2X pending, ...) */
	enum modem_dlr state;        /* what status means (modem_report_state) */
	time_t submitted_at;         /* when the centre took the part (TP-SCTS, UTC; 0 unknown) */
	time_t done_at;              /* delivered or last tried (TP-DT, UTC; 0 unknown) */
	char handle[48];             /* where the modem stores it, for delete_report
				      * ("": nowhere, nothing to delete) */
};

/* How far read_reports looks. Reading a stored report costs the modem
 * several commands (about 1.2 s on libgammu's AT driver), so the caller
 * chooses when. */
enum modem_report_scope {
	MODEM_REPORTS_HELD = 0,      /* only reports already in memory: no modem command */
	MODEM_REPORTS_INDICATED = 1, /* and read those the modem said it stored (+CDSI) */
	MODEM_REPORTS_SWEEP = 2,     /* and look through the report memory for any that
				      * came while nobody listened (before a restart) */
};

struct modem_status {
	int connected;
	int signal_percent;  /* -1 unknown */
	int battery_percent; /* -1 unknown */
	char network[64];    /* operator name or code, "" unknown */
	char security[32];   /* "ready", "pin", "puk", "nosim", "" unknown */
};

/* MODEM_EVENT_SMS: the modem said a new message was stored (AT+CNMI's
 * +CMTI): read now rather than at the next poll. Never sent by phones
 * without indications (libgammu's dummy), so polling stays the rule. */
/* MODEM_EVENT_REPORT: a delivery report arrived or was stored (+CDS,
 * +CDSI): read_reports has something for the caller. */
enum modem_event_kind {
	MODEM_EVENT_CALL = 1, MODEM_EVENT_USSD = 2, MODEM_EVENT_SMS = 3, MODEM_EVENT_REPORT = 4
};

struct modem_event {
	enum modem_event_kind kind;
	char number[MODEM_PHONE_MAX]; /* caller for CALL */
	char text[512];               /* network answer for USSD */
};

struct modem;

struct modem_ops {
	const char *name;
	/* Connect (and enter the PIN when the SIM asks). */
	int (*open)(struct modem *m);
	void (*close)(struct modem *m);
	/* Every stored inbound part, in storage order. *parts is malloc'd
	 * (free with free()); *n may be 0. A malformed message is returned with
	 * malformed = 1, never silently skipped, so the caller can record and
	 * delete it. A very large backlog may come over several calls (the
	 * gammu transport returns at most 4096 parts per call). */
	int (*read_pending)(struct modem *m, struct modem_part **parts, size_t *n);
	/* Delete a part once it is safe in the database. Deleting a part that
	 * is already gone is success. When several parts share one storage
	 * location (the dummy driver's multi-section files), the location is
	 * removed once all of its parts were deleted. */
	int (*delete_part)(struct modem *m, const struct modem_part *p);
	/* Send text (UTF-8) to phone: GSM-7 when possible, UCS-2 otherwise,
	 * concatenated with one reference when long; req->from says which
	 * parts went out already (req is never NULL here). *out is written on
	 * success and on every failure once the text was encoded: parts and
	 * ref then say where to resume (network_error = the +CMS code of a
	 * refusal, doubt = the next part is in doubt). req->report asks the
	 * network for a delivery report on every part. */
	int (*send)(struct modem *m, const char *phone, const char *text,
		    const struct modem_send_req *req, struct modem_sent *out);
	/* Delivery reports received since the last call, looking as far as
	 * scope says; *out is malloc'd (free with free()), *n may be 0;
	 * *waiting = stored reports the modem indicated that are still unread
	 * (a wider scope reads them). A transport without reports leaves this
	 * op NULL. Optional. */
	int (*read_reports)(struct modem *m, enum modem_report_scope scope,
			    struct modem_report **out, size_t *n, size_t *waiting);
	/* Delete a stored report once it is safe in the database (handle ""
	 * or already gone: success). Optional. */
	int (*delete_report)(struct modem *m, const struct modem_report *r);
	int (*status)(struct modem *m, struct modem_status *out);
	/* Originate USSD (e.g. "*101#") and wait up to timeout_ms for the answer. */
	int (*ussd)(struct modem *m, const char *code, int timeout_ms, char *answer, size_t answersz);
	/* Collect asynchronous events (incoming calls, late USSD answers): up to
	 * max events written, count in *n. Never blocks. */
	int (*poll_events)(struct modem *m, struct modem_event *ev, size_t max, size_t *n);
	/* Hang up a ringing call. */
	int (*hangup)(struct modem *m);
	void (*destroy)(struct modem *m);
};

struct modem {
	const struct modem_ops *ops;
	void *priv;
};

struct modem_config {
	const char *model;      /* gammurc meaning: "dummy", "at", "" */
	const char *connection; /* "none", "at", "at115200", ... */
	const char *device;     /* device node or dummy folder */
	const char *pin;        /* "" for none */
	int send_delay_ms;      /* simulated time per part (bench/tests), 0 = none */
};

/* The libgammu transport. */
int modem_gammu_create(struct modem **out, const struct modem_config *cfg);

/* Wrap inner with fault injection driven by a control file (see
 * modem_fault.c): each call first reads the file's current directives,
 * e.g. "gone", "timeout send", "cms 500 send", "cms 38 send once", "clear".
 * On success the new modem owns inner (modem_destroy destroys both); on
 * failure inner is left to the caller. */
int modem_fault_create(struct modem **out, struct modem *inner, const char *control_file);

/* Convenience wrappers that dispatch through ops. */
int modem_open(struct modem *m);
void modem_close(struct modem *m);
void modem_destroy(struct modem *m);
int modem_read_pending(struct modem *m, struct modem_part **parts, size_t *n);
int modem_delete_part(struct modem *m, const struct modem_part *p);
int modem_send(struct modem *m, const char *phone, const char *text, struct modem_sent *out);
/* The same with what the sender knows of the message (see modem_send_req):
 * its outbox row, whether to ask for a report, where to resume. */
int modem_send_with(struct modem *m, const char *phone, const char *text,
		    const struct modem_send_req *req, struct modem_sent *out);
int modem_status(struct modem *m, struct modem_status *out);
int modem_ussd(struct modem *m, const char *code, int timeout_ms, char *answer, size_t answersz);
int modem_poll_events(struct modem *m, struct modem_event *ev, size_t max, size_t *n);
int modem_hangup(struct modem *m);
/* A transport without delivery reports gives none: 0 reports, 0 waiting. */
int modem_read_reports(struct modem *m, enum modem_report_scope scope, struct modem_report **out,
		       size_t *n, size_t *waiting);
int modem_delete_report(struct modem *m, const struct modem_report *r);

/* What a report's TP-ST (TS 23.040 9.2.3.15) means: 0x00-0x1F the message
 * was delivered (or forwarded, replaced), 0x20-0x3F the centre still
 * tries, 0x40-0x7F it failed for good or the centre stopped trying;
 * reserved values count as pending (no conclusion from a code we do not
 * know). */
enum modem_dlr modem_report_state(int status);

/* Classify a +CMS ERROR code: 1 when retrying cannot help (e.g. unknown
 * subscriber, barred, invalid number), 0 when it may (network busy, no
 * network, temporary failure). */
int modem_cms_permanent(int cms);

/* 1 when a +CMS ERROR code says the network refuses our SIM rather than
 * this message (barring, no SMS subscription, transfer rejected: what an
 * operator does to a number it takes for a spammer): every message from
 * it would fail the same way, so the SIM leaves routing for a while. All
 * such codes are also permanent for the message. */
int modem_cms_sim_barred(int cms);

/* Exponential backoff: min_ms doubled per failed attempt (attempt >= 1),
 * capped at max_ms. */
int modem_reconnect_delay_ms(int attempt, int min_ms, int max_ms);

/* How text would be sent: number of parts and whether UCS-2 is needed,
 * computed with the same encoder the transport uses (libgammu's
 * GSM_EncodeMultiPartSMS), so the count is exact. GW_ERR_INVAL on invalid
 * UTF-8; GW_ERR_TOOBIG when the text needs more parts than libgammu can
 * encode (50, or 5000 GSM-7 septets): such a text cannot be sent either. */
int modem_text_parts(const char *text, int *parts, int *ucs2);

/* 1 if every character of text exists in the GSM 03.38 default alphabet
 * (with its extension table), i.e. it can go as GSM-7. */
int modem_text_is_gsm7(const char *text);

/* Number kinds we never auto-reply to: alphanumeric, short service codes
 * (fewer than 8 digits), or empty. */
int modem_number_is_service(const char *number);

#endif

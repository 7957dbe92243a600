/* kannel_msg.h - the messages of Kannel's box protocol, packed and unpacked.
 *
 * bearerbox talks to its boxes (smsbox, and gatewayd with kannel.link =
 * "box") over TCP in frames: a 4-byte big-endian length, then one packed
 * message. A packed message is a 4-byte big-endian type (the order of
 * Kannel 1.4.5's gw/msg-decl.h: heartbeat 0, admin 1, sms 2, ack 3,
 * wdp_datagram 4), then that type's fields in declaration order:
 *   integer  4-byte big-endian signed; -1 when unset (MSG_PARAM_UNDEFINED)
 *   octets   4-byte big-endian length, then the octets; length -1 for none
 *   uuid     octets holding the 36-character text form (RFC 4122)
 * sms has 31 fields on the wire (its split_parts is never sent).
 * Checked against Debian's bearerbox 1.4.5 (tests/integration/
 * test_kannel_box.py). Unpacking is bounded: a frame over
 * KANNEL_MSG_FRAME_MAX, a field running past the end, octets left over
 * or an id that is not a UUID are GW_ERR_INVAL, never a crash.
 */
#ifndef GW_KANNEL_MSG_H
#define GW_KANNEL_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* Larger frames are refused: an SMS is at most a few KiB even when
 * bearerbox joined 255 parts of one. */
#define KANNEL_MSG_FRAME_MAX (64 * 1024)
#define KANNEL_UUID_LEN 36
#define KANNEL_UNSET (-1)

enum kannel_msg_type {
	KANNEL_MSG_HEARTBEAT = 0,
	KANNEL_MSG_ADMIN = 1,
	KANNEL_MSG_SMS = 2,
	KANNEL_MSG_ACK = 3,
	KANNEL_MSG_WDP = 4,
};

enum { KANNEL_SMS_MO = 0, KANNEL_SMS_MT_REPLY = 1, KANNEL_SMS_MT_PUSH = 2,
       KANNEL_SMS_REPORT_MO = 3, KANNEL_SMS_REPORT_MT = 4 };
enum { KANNEL_CMD_SHUTDOWN = 0, KANNEL_CMD_SUSPEND = 1, KANNEL_CMD_RESUME = 2,
       KANNEL_CMD_IDENTIFY = 3, KANNEL_CMD_RESTART = 4 };
enum { KANNEL_ACK_SUCCESS = 0, KANNEL_ACK_FAILED = 1, KANNEL_ACK_FAILED_TMP = 2,
       KANNEL_ACK_BUFFERED = 3 };

/* Octets of a field: p == NULL (n 0) when the field is unset. Unpacked,
 * they point into the packed message (valid while it is). */
struct kannel_oct {
	const char *p;
	size_t n;
};

struct kannel_sms {
	struct kannel_oct sender, receiver, udhdata, msgdata;
	int32_t time;
	struct kannel_oct smsc_id, smsc_number, foreign_id, service, account;
	char id[KANNEL_UUID_LEN + 1];
	int32_t sms_type, mclass, mwi, coding, compress, validity, deferred, dlr_mask;
	struct kannel_oct dlr_url;
	int32_t pid, alt_dcs, rpi;
	struct kannel_oct charset, boxc_id, binfo;
	int32_t msg_left, priority, resend_try, resend_time;
	struct kannel_oct meta_data;
};

struct kannel_msg {
	enum kannel_msg_type type;
	union {
		struct { int32_t load; } heartbeat;
		struct { int32_t command; struct kannel_oct boxc_id; } admin;
		struct kannel_sms sms;
		struct { int32_t nack, time; char id[KANNEL_UUID_LEN + 1]; } ack;
		struct {
			struct kannel_oct source_address;
			int32_t source_port;
			struct kannel_oct destination_address;
			int32_t destination_port;
			struct kannel_oct user_data;
		} wdp;
	} u;
};

/* A message of type t with every integer unset (-1), every octet field
 * and id empty. */
void kannel_msg_init(struct kannel_msg *m, enum kannel_msg_type t);

/* Append m as one frame (length and packed message) to out. GW_ERR_INVAL
 * for an unknown type or an id that is not a UUID; GW_ERR_TOOBIG over
 * KANNEL_MSG_FRAME_MAX or out's cap (out is then as it was). */
int kannel_msg_pack(struct buf *out, const struct kannel_msg *m) GW_WARN_UNUSED;

/* The length a frame's first 4 octets announce, into *n: GW_ERR_INVAL when
 * it is negative, 0 or over KANNEL_MSG_FRAME_MAX. */
int kannel_msg_frame_len(const unsigned char head[4], size_t *n) GW_WARN_UNUSED;

/* Unpack one packed message (what follows a frame's length) into *m;
 * octet fields point into data. GW_ERR_INVAL (m untouched) as above. */
int kannel_msg_unpack(const void *data, size_t n, struct kannel_msg *m) GW_WARN_UNUSED;

/* A fresh random (version 4) UUID in text form. */
void kannel_msg_uuid(char out[KANNEL_UUID_LEN + 1]);

/* 1 when s is a UUID's 36-character text form. */
int kannel_msg_uuid_ok(const char *s, size_t n);

/* Octets from a C string ("" or NULL: unset). */
struct kannel_oct kannel_oct_str(const char *s);

#endif

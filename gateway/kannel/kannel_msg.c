/* kannel_msg.c - see kannel_msg.h. */
#include "gateway/kannel/kannel_msg.h"

#include <sodium.h>
#include <stddef.h>
#include <string.h>

#include "common/gw_err.h"

enum kind { K_INT, K_OCT, K_UUID };

struct field {
	enum kind kind;
	size_t off; /* in struct kannel_msg */
};

#define F(k, member) { k, offsetof(struct kannel_msg, u.member) }

/* gw/msg-decl.h, in order. */
static const struct field heartbeat_fields[] = { F(K_INT, heartbeat.load) };
static const struct field admin_fields[] = { F(K_INT, admin.command), F(K_OCT, admin.boxc_id) };
static const struct field sms_fields[] = {
	F(K_OCT, sms.sender), F(K_OCT, sms.receiver), F(K_OCT, sms.udhdata),
	F(K_OCT, sms.msgdata), F(K_INT, sms.time), F(K_OCT, sms.smsc_id),
	F(K_OCT, sms.smsc_number), F(K_OCT, sms.foreign_id), F(K_OCT, sms.service),
	F(K_OCT, sms.account), F(K_UUID, sms.id), F(K_INT, sms.sms_type), F(K_INT, sms.mclass),
	F(K_INT, sms.mwi), F(K_INT, sms.coding), F(K_INT, sms.compress), F(K_INT, sms.validity),
	F(K_INT, sms.deferred), F(K_INT, sms.dlr_mask), F(K_OCT, sms.dlr_url), F(K_INT, sms.pid),
	F(K_INT, sms.alt_dcs), F(K_INT, sms.rpi), F(K_OCT, sms.charset), F(K_OCT, sms.boxc_id),
	F(K_OCT, sms.binfo), F(K_INT, sms.msg_left), /* split_parts: not on the wire */
	F(K_INT, sms.priority), F(K_INT, sms.resend_try), F(K_INT, sms.resend_time),
	F(K_OCT, sms.meta_data),
};
static const struct field ack_fields[] = { F(K_INT, ack.nack), F(K_INT, ack.time),
					    F(K_UUID, ack.id) };
static const struct field wdp_fields[] = {
	F(K_OCT, wdp.source_address), F(K_INT, wdp.source_port),
	F(K_OCT, wdp.destination_address), F(K_INT, wdp.destination_port),
	F(K_OCT, wdp.user_data),
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const struct field *f;
	size_t n;
} types[] = {
	[KANNEL_MSG_HEARTBEAT] = { heartbeat_fields, N(heartbeat_fields) },
	[KANNEL_MSG_ADMIN] = { admin_fields, N(admin_fields) },
	[KANNEL_MSG_SMS] = { sms_fields, N(sms_fields) },
	[KANNEL_MSG_ACK] = { ack_fields, N(ack_fields) },
	[KANNEL_MSG_WDP] = { wdp_fields, N(wdp_fields) },
};

static int known(int t)
{
	return t >= 0 && (size_t)t < N(types);
}

void kannel_msg_init(struct kannel_msg *m, enum kannel_msg_type t)
{
	memset(m, 0, sizeof(*m));
	m->type = t;
	if (!known((int)t))
		return;
	for (size_t i = 0; i < types[t].n; i++)
		if (types[t].f[i].kind == K_INT)
			*(int32_t *)(void *)((char *)m + types[t].f[i].off) = KANNEL_UNSET;
}

struct kannel_oct kannel_oct_str(const char *s)
{
	struct kannel_oct o = { NULL, 0 };

	if (s && *s) {
		o.p = s;
		o.n = strlen(s);
	}
	return o;
}

int kannel_msg_uuid_ok(const char *s, size_t n)
{
	if (n != KANNEL_UUID_LEN)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = s[i];

		if (dash ? c != '-'
			 : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
	}
	return 1;
}

void kannel_msg_uuid(char out[KANNEL_UUID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	size_t o = 0;

	randombytes_buf(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}

static int put_int(struct buf *b, int32_t v)
{
	uint32_t u = (uint32_t)v;
	unsigned char o[4] = { (unsigned char)(u >> 24), (unsigned char)(u >> 16),
			       (unsigned char)(u >> 8), (unsigned char)u };

	return buf_add(b, o, 4);
}

static int put_oct(struct buf *b, const char *p, size_t n)
{
	int r;

	if (!p)
		return put_int(b, -1);
	if (n > KANNEL_MSG_FRAME_MAX)
		return GW_ERR_TOOBIG;
	if ((r = put_int(b, (int32_t)n)) < 0)
		return r;
	return n ? buf_add(b, p, n) : 0;
}

int kannel_msg_pack(struct buf *out, const struct kannel_msg *m)
{
	size_t start = out->len, len;
	int r = GW_ERR_INVAL;

	if (!known((int)m->type))
		goto out;
	if ((r = put_int(out, 0)) < 0 || (r = put_int(out, (int32_t)m->type)) < 0)
		goto out;
	for (size_t i = 0; i < types[m->type].n && r == 0; i++) {
		const struct field *f = &types[m->type].f[i];
		const void *at = (const char *)m + f->off;

		if (f->kind == K_INT) {
			r = put_int(out, *(const int32_t *)at);
		} else if (f->kind == K_OCT) {
			const struct kannel_oct *o = at;

			r = put_oct(out, o->p, o->n);
		} else {
			const char *id = at;

			r = kannel_msg_uuid_ok(id, strlen(id)) ? put_oct(out, id, KANNEL_UUID_LEN)
							       : GW_ERR_INVAL;
		}
	}
	if (r < 0)
		goto out;
	len = out->len - start - 4;
	if (len > KANNEL_MSG_FRAME_MAX) {
		r = GW_ERR_TOOBIG;
		goto out;
	}
	out->data[start] = (char)(len >> 24);
	out->data[start + 1] = (char)(len >> 16);
	out->data[start + 2] = (char)(len >> 8);
	out->data[start + 3] = (char)len;
out:
	if (r < 0 && out->len > start)
		buf_truncate(out, start);
	return r;
}

static int32_t get_int(const unsigned char *p)
{
	return (int32_t)(((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
			 (uint32_t)p[3]);
}

int kannel_msg_frame_len(const unsigned char head[4], size_t *n)
{
	int32_t v = get_int(head);

	if (v <= 0 || v > KANNEL_MSG_FRAME_MAX)
		return GW_ERR_INVAL;
	*n = (size_t)v;
	return 0;
}

int kannel_msg_unpack(const void *data, size_t n, struct kannel_msg *m)
{
	const unsigned char *d = data;
	struct kannel_msg tmp;
	size_t off = 4;
	int32_t t;

	if (n < 4 || n > KANNEL_MSG_FRAME_MAX || !known(t = get_int(d)))
		return GW_ERR_INVAL;
	kannel_msg_init(&tmp, (enum kannel_msg_type)t);
	for (size_t i = 0; i < types[t].n; i++) {
		const struct field *f = &types[t].f[i];
		void *at = (char *)&tmp + f->off;
		int32_t v;

		if (n - off < 4)
			return GW_ERR_INVAL;
		v = get_int(d + off);
		off += 4;
		if (f->kind == K_INT) {
			*(int32_t *)at = v;
			continue;
		}
		if (v == -1 && f->kind == K_OCT)
			continue; /* unset */
		if (v < 0 || (size_t)v > n - off)
			return GW_ERR_INVAL;
		if (f->kind == K_OCT) {
			struct kannel_oct *o = at;

			o->p = (const char *)d + off;
			o->n = (size_t)v;
		} else {
			if (!kannel_msg_uuid_ok((const char *)d + off, (size_t)v))
				return GW_ERR_INVAL;
			memcpy(at, d + off, KANNEL_UUID_LEN);
			((char *)at)[KANNEL_UUID_LEN] = '\0';
		}
		off += (size_t)v;
	}
	if (off != n) /* the field list does not match: another Kannel version */
		return GW_ERR_INVAL;
	*m = tmp;
	return 0;
}

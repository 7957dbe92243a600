/* test_kannel_msg.c - Kannel's box protocol codec (gateway/kannel/
 * kannel_msg.h): the exact octets of what gatewayd sends bearerbox, a
 * round trip of every field of an sms, refusals of what is cut short,
 * too long or not a UUID, and the UTF-16BE octets of a UCS-2 answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/kannel/kannel_box.h"
#include "gateway/kannel/kannel_msg.h"

static const char an_id[] = "09b0e70d-4c1a-4f5e-9d3b-2a7c6e8f1b20";

/* The identify message as msg_pack() lays it out: frame length 20, type
 * admin (1), command 3, boxc_id "gatewayd" (length 8). */
static void test_identify_octets(void **state)
{
	static const unsigned char want[] = { 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 8,
					      'g', 'a', 't', 'e', 'w', 'a', 'y', 'd' };
	struct kannel_msg m;
	struct buf b;

	buf_init(&b, 1024);
	kannel_msg_init(&m, KANNEL_MSG_ADMIN);
	m.u.admin.command = KANNEL_CMD_IDENTIFY;
	m.u.admin.boxc_id = kannel_oct_str("gatewayd");
	assert_int_equal(kannel_msg_pack(&b, &m), 0);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.data, want, sizeof(want));
	/* an unset boxc_id is length -1 */
	buf_reset(&b);
	m.u.admin.boxc_id = kannel_oct_str("");
	assert_int_equal(kannel_msg_pack(&b, &m), 0);
	assert_int_equal(b.len, 16);
	assert_memory_equal(b.data + 12, "\xff\xff\xff\xff", 4);
	buf_release(&b);
}

/* An ack as bearerbox writes it: nack 3 (buffered), time, the MT's id. */
static void test_ack_unpack(void **state)
{
	unsigned char p[4 + 4 + 4 + 4 + 36];
	struct kannel_msg m;
	size_t n = 0;

	memcpy(p, "\0\0\0\x03" "\0\0\0\x03" "\x69\x2e\x5c\x1e" "\0\0\0\x24", 16);
	memcpy(p + 16, an_id, 36);
	assert_int_equal(kannel_msg_frame_len((const unsigned char *)"\0\0\0\x34", &n), 0);
	assert_int_equal(n, sizeof(p));
	assert_int_equal(kannel_msg_unpack(p, sizeof(p), &m), 0);
	assert_int_equal(m.type, KANNEL_MSG_ACK);
	assert_int_equal(m.u.ack.nack, KANNEL_ACK_BUFFERED);
	assert_int_equal(m.u.ack.time, 0x692e5c1e);
	assert_string_equal(m.u.ack.id, an_id);
}

static void assert_oct(struct kannel_oct o, const char *want)
{
	if (!want) {
		assert_null(o.p);
		return;
	}
	assert_non_null(o.p);
	assert_int_equal(o.n, strlen(want));
	assert_memory_equal(o.p, want, o.n);
}

/* Every field of an sms survives pack and unpack, in its place. */
static void test_sms_round_trip(void **state)
{
	struct kannel_msg m, u;
	struct buf b;
	size_t n = 0;

	buf_init(&b, 4096);
	kannel_msg_init(&m, KANNEL_MSG_SMS);
	assert_int_equal(m.u.sms.coding, KANNEL_UNSET);
	assert_int_equal(m.u.sms.resend_time, KANNEL_UNSET);
	m.u.sms.sender = kannel_oct_str("8100");
	m.u.sms.receiver = kannel_oct_str("+84901234567");
	m.u.sms.msgdata = (struct kannel_oct){ "\0X\0i\0n", 6 }; /* UCS-2, NULs inside */
	m.u.sms.time = 1796614558;
	m.u.sms.foreign_id = kannel_oct_str("a2be");
	memcpy(m.u.sms.id, an_id, sizeof(an_id));
	m.u.sms.sms_type = KANNEL_SMS_MT_PUSH;
	m.u.sms.coding = 2;
	m.u.sms.dlr_mask = 31;
	m.u.sms.dlr_url = kannel_oct_str("4711");
	m.u.sms.charset = kannel_oct_str("UTF-16BE");
	m.u.sms.boxc_id = kannel_oct_str("gatewayd");
	m.u.sms.priority = 0;
	m.u.sms.meta_data = kannel_oct_str("?orig_msg?dlr_mask=31&");
	assert_int_equal(kannel_msg_pack(&b, &m), 0);
	/* type + 31 fields of 4 octets, the octets of 9 set fields and the id */
	assert_int_equal(kannel_msg_frame_len((const unsigned char *)b.data, &n), 0);
	assert_int_equal(n, 4 + 31 * 4 + 4 + 12 + 6 + 4 + 36 + 4 + 8 + 8 + 22);
	assert_int_equal(b.len, n + 4);
	assert_int_equal(kannel_msg_unpack(b.data + 4, n, &u), 0);
	assert_int_equal(u.type, KANNEL_MSG_SMS);
	assert_oct(u.u.sms.sender, "8100");
	assert_oct(u.u.sms.receiver, "+84901234567");
	assert_null(u.u.sms.udhdata.p);
	assert_int_equal(u.u.sms.msgdata.n, 6);
	assert_memory_equal(u.u.sms.msgdata.p, "\0X\0i\0n", 6);
	assert_int_equal(u.u.sms.time, 1796614558);
	assert_null(u.u.sms.smsc_id.p);
	assert_oct(u.u.sms.foreign_id, "a2be");
	assert_string_equal(u.u.sms.id, an_id);
	assert_int_equal(u.u.sms.sms_type, KANNEL_SMS_MT_PUSH);
	assert_int_equal(u.u.sms.mclass, KANNEL_UNSET);
	assert_int_equal(u.u.sms.coding, 2);
	assert_int_equal(u.u.sms.dlr_mask, 31);
	assert_oct(u.u.sms.dlr_url, "4711");
	assert_oct(u.u.sms.charset, "UTF-16BE");
	assert_oct(u.u.sms.boxc_id, "gatewayd");
	assert_int_equal(u.u.sms.msg_left, KANNEL_UNSET);
	assert_int_equal(u.u.sms.priority, 0);
	assert_oct(u.u.sms.meta_data, "?orig_msg?dlr_mask=31&");
	buf_release(&b);
}

/* Cut anywhere, one octet too many, a bad length or id: refused, and the
 * message given is left as it was. */
static void test_refusals(void **state)
{
	struct kannel_msg m, u;
	struct buf b;
	size_t n = 0;

	buf_init(&b, 4096);
	kannel_msg_init(&m, KANNEL_MSG_SMS);
	m.u.sms.sender = kannel_oct_str("8100");
	m.u.sms.msgdata = kannel_oct_str("hello");
	memcpy(m.u.sms.id, an_id, sizeof(an_id));
	assert_int_equal(kannel_msg_pack(&b, &m), 0);
	assert_int_equal(b.len, 4 + 4 + 31 * 4 + 4 + 5 + 36);
	n = b.len - 4;
	for (size_t cut = 0; cut < n; cut++) {
		memset(&u, 0x5a, sizeof(u));
		assert_int_equal(kannel_msg_unpack(b.data + 4, cut, &u), GW_ERR_INVAL);
		assert_int_equal(u.u.sms.time, 0x5a5a5a5a);
	}
	assert_int_equal(buf_addch(&b, 'x'), 0);
	assert_int_equal(kannel_msg_unpack(b.data + 4, n + 1, &u), GW_ERR_INVAL);
	/* the id is not a UUID */
	b.data[4 + 4 + 10 * 4 + 4 + 5 + 4 + 8] = '+';
	assert_int_equal(kannel_msg_unpack(b.data + 4, n, &u), GW_ERR_INVAL);
	/* an octet length of -2, and one past the end */
	assert_int_equal(kannel_msg_unpack("\0\0\0\x01\0\0\0\x03\xff\xff\xff\xfe", 12, &u),
			 GW_ERR_INVAL);
	assert_int_equal(kannel_msg_unpack("\0\0\0\x01\0\0\0\x03\0\0\0\x05" "abcd", 16, &u),
			 GW_ERR_INVAL);
	assert_int_equal(kannel_msg_unpack("\0\0\0\x01\0\0\0\x03\0\0\0\x04" "abcd", 16, &u), 0);
	/* an unknown type */
	assert_int_equal(kannel_msg_unpack("\0\0\0\x05", 4, &u), GW_ERR_INVAL);
	assert_int_equal(kannel_msg_unpack("\xff\xff\xff\xff", 4, &u), GW_ERR_INVAL);
	/* frame lengths */
	assert_int_equal(kannel_msg_frame_len((const unsigned char *)"\0\0\0\0", &n),
			 GW_ERR_INVAL);
	assert_int_equal(kannel_msg_frame_len((const unsigned char *)"\xff\xff\xff\xff", &n),
			 GW_ERR_INVAL);
	assert_int_equal(kannel_msg_frame_len((const unsigned char *)"\0\x01\0\x01", &n),
			 GW_ERR_INVAL);
	assert_int_equal(kannel_msg_frame_len((const unsigned char *)"\0\x01\0\0", &n), 0);
	assert_int_equal(n, KANNEL_MSG_FRAME_MAX);
	buf_release(&b);
}

/* What cannot be packed leaves the buffer as it was. */
static void test_pack_refusals(void **state)
{
	static char big[KANNEL_MSG_FRAME_MAX];
	struct kannel_msg m;
	struct buf b;

	buf_init(&b, 2 * KANNEL_MSG_FRAME_MAX);
	assert_int_equal(buf_adds(&b, "pre"), 0);
	kannel_msg_init(&m, KANNEL_MSG_SMS);
	assert_int_equal(kannel_msg_pack(&b, &m), GW_ERR_INVAL); /* no id */
	assert_int_equal(b.len, 3);
	memcpy(m.u.sms.id, an_id, sizeof(an_id));
	m.u.sms.msgdata = (struct kannel_oct){ big, sizeof(big) };
	assert_int_equal(kannel_msg_pack(&b, &m), GW_ERR_TOOBIG);
	assert_int_equal(b.len, 3);
	m.type = (enum kannel_msg_type)9;
	assert_int_equal(kannel_msg_pack(&b, &m), GW_ERR_INVAL);
	assert_int_equal(b.len, 3);
	buf_release(&b);
}

static void test_uuid(void **state)
{
	char a[KANNEL_UUID_LEN + 1], b[KANNEL_UUID_LEN + 1];

	kannel_msg_uuid(a);
	kannel_msg_uuid(b);
	assert_true(kannel_msg_uuid_ok(a, strlen(a)));
	assert_true(kannel_msg_uuid_ok(b, strlen(b)));
	assert_string_not_equal(a, b);
	assert_int_equal(a[14], '4');
	assert_non_null(strchr("89ab", a[19]));
	assert_false(kannel_msg_uuid_ok(an_id, 35));
	assert_false(kannel_msg_uuid_ok("09b0e70d-4c1a-4f5e-9d3b_2a7c6e8f1b20", 36));
	assert_false(kannel_msg_uuid_ok("09b0e70d-4c1a-4f5e-9d3b-2a7c6e8f1bzz", 36));
}

/* An answer that needs UCS-2 goes to bearerbox as UTF-16BE octets. */
static void test_utf16be(void **state)
{
	struct buf b;

	buf_init(&b, 64);
	/* "Đức" and an emoji (a surrogate pair) */
	assert_int_equal(kannel_box_utf16be(&b, "\xc4\x90\xe1\xbb\xa9" "c \xf0\x9f\x98\x80"), 0);
	assert_int_equal(b.len, 12);
	assert_memory_equal(b.data, "\x01\x10\x1e\xe9\x00\x63\x00\x20\xd8\x3d\xde\x00", 12);
	/* invalid UTF-8 (a lone continuation, an overlong '/', a surrogate)
	 * leaves the buffer as it was */
	assert_int_equal(kannel_box_utf16be(&b, "a\x80"), GW_ERR_INVAL);
	assert_int_equal(kannel_box_utf16be(&b, "\xc0\xaf"), GW_ERR_INVAL);
	assert_int_equal(kannel_box_utf16be(&b, "\xed\xa0\x80"), GW_ERR_INVAL);
	assert_int_equal(kannel_box_utf16be(&b, "\xe1\xbb"), GW_ERR_INVAL);
	assert_int_equal(b.len, 12);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identify_octets),
		cmocka_unit_test(test_ack_unpack),
		cmocka_unit_test(test_sms_round_trip),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_pack_refusals),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_utf16be),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

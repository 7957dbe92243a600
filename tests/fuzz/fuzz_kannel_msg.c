/* fuzz_kannel_msg.c - libFuzzer target for gateway/kannel/kannel_msg (the
 * frames bearerbox sends a box).
 *
 * The input is one packed message (what follows a frame's length). Beyond
 * not crashing, the header's contract is checked and the process aborts on
 * a breach: a refusal leaves the message given untouched; an accepted
 * message points only inside the input, and packing it again gives the
 * input back, octet for octet, behind the right frame length. See
 * README.md.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/kannel/kannel_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static void inside(struct kannel_oct o, const char *d, size_t n)
{
	if (o.p)
		check(o.p >= d && o.n <= n && o.p + o.n <= d + n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kannel_msg m, before;
	struct buf b;
	char *copy;
	size_t n = 0;
	int r;

	if (size > KANNEL_MSG_FRAME_MAX + 8)
		return 0;
	/* a copy of exactly size bytes: ASan sees any read past the end */
	if (!(copy = malloc(size ? size : 1)))
		return 0;
	memcpy(copy, data, size);
	if (size >= 4 && kannel_msg_frame_len((const unsigned char *)copy, &n) == 0)
		check(n > 0 && n <= KANNEL_MSG_FRAME_MAX);
	memset(&m, 0xa5, sizeof(m));
	before = m;
	r = kannel_msg_unpack(copy, size, &m);
	if (r < 0) {
		check(r == GW_ERR_INVAL && !memcmp(&m, &before, sizeof(m)));
		goto out;
	}
	if (m.type == KANNEL_MSG_SMS) {
		const struct kannel_oct *o[] = {
			&m.u.sms.sender, &m.u.sms.receiver, &m.u.sms.udhdata, &m.u.sms.msgdata,
			&m.u.sms.smsc_id, &m.u.sms.smsc_number, &m.u.sms.foreign_id,
			&m.u.sms.service, &m.u.sms.account, &m.u.sms.dlr_url, &m.u.sms.charset,
			&m.u.sms.boxc_id, &m.u.sms.binfo, &m.u.sms.meta_data,
		};

		for (size_t i = 0; i < sizeof(o) / sizeof(o[0]); i++)
			inside(*o[i], copy, size);
		check(kannel_msg_uuid_ok(m.u.sms.id, strlen(m.u.sms.id)));
	}
	buf_init(&b, KANNEL_MSG_FRAME_MAX + 4);
	check(kannel_msg_pack(&b, &m) == 0);
	check(b.len == size + 4 && kannel_msg_frame_len((const unsigned char *)b.data, &n) == 0 &&
	      n == size && !memcmp(b.data + 4, copy, size));
	buf_release(&b);
out:
	free(copy);
	return 0;
}

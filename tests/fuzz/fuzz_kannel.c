/* fuzz_kannel.c - libFuzzer target for gateway/kannel/kannel_req (what
 * smsbox sends: an MO's text in any charset, times, delivery reports).
 *
 * The first byte picks the charset and coding Kannel claims, the rest is
 * the text (any bytes, NUL included, not NUL-terminated). Beyond not
 * crashing, the header's contract is checked and the process aborts on a
 * breach: the text decoded is valid UTF-8 without NUL, and a refusal
 * leaves the buffer as it was; a decoded MO always has a sender; a
 * delivery report decoded has an outbox id > 0, a known type and a
 * printable reply that is still valid UTF-8 when the input was. See
 * README.md.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/kannel/kannel_req.h"
#include "handlers/vi/textfold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const charsets[] = { "UTF-8", "UTF-16BE", "8-BIT", "ISO-8859-1", "", "UCS-2",
					"WINDOWS-1252" };

static void check(int ok)
{
	if (!ok)
		abort();
}

static void text_checks(const char *text, size_t n, const char *charset, int coding)
{
	struct buf b;
	int r;

	buf_init(&b, 4096);
	check(buf_adds(&b, "pre") == 0);
	r = kannel_text_utf8(&b, text, n, charset, coding);
	if (r < 0) {
		check(r == GW_ERR_INVAL || r == GW_ERR_TOOBIG);
		check(b.len == 3 && !strcmp(b.data, "pre"));
	} else {
		check(r == 0);
		check(textfold_utf8_valid(b.data, b.len));
		check(strlen(b.data) == b.len);
	}
	buf_release(&b);
}

static void mo_checks(const char *text, size_t n, const char *charset, int coding)
{
	char cod[4] = { (char)('0' + coding % 3), 0 };
	struct kannel_mo_raw raw = { .from = { text, n < 40 ? n : 40 }, .to = { "8100", 4 },
				     .text = { text, n }, .id = { text, n < 70 ? n : 70 },
				     .smsc = { text, n < 8 ? n : 8 }, .charset = { charset, strlen(charset) },
				     .coding = { cod, 1 }, .time = { text, n < 30 ? n : 30 } };
	struct kannel_mo m;
	const char *why = NULL;
	int r;

	kannel_mo_init(&m);
	r = kannel_mo_decode(&raw, &m, &why);
	if (r == 0) {
		check(m.from[0] != '\0' && strlen(m.from) < sizeof(m.from));
		check(strlen(m.id) < sizeof(m.id));
		check(m.malformed || textfold_utf8_valid(m.text.data, m.text.len));
	} else {
		check(r == GW_ERR_INVAL && why && *why);
	}
	kannel_mo_release(&m);
}

static void dlr_checks(const char *text, size_t n)
{
	size_t half = n / 2;
	struct kannel_dlr_raw raw = { .outbox = { text, half < 20 ? half : 20 },
				      .type = { text + half, n - half < 3 ? n - half : 3 },
				      .reply = { text, n }, .time = { text, n < 20 ? n : 20 } };
	struct kannel_dlr d;
	const char *why = NULL;

	if (kannel_dlr_decode(&raw, &d, &why) == 0) {
		check(d.outbox_id > 0 && d.state != 0);
		check(strlen(d.reply) < sizeof(d.reply));
		for (const char *p = d.reply; *p; p++)
			check((unsigned char)*p >= ' ' && *p != 0x7f);
		if (textfold_utf8_valid(text, n))
			check(textfold_utf8_valid(d.reply, strlen(d.reply)));
	} else {
		check(why && *why);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *charset;
	char *text;
	time_t t;
	int coding;

	if (size < 1 || size > 8192)
		return 0;
	charset = charsets[data[0] % (sizeof(charsets) / sizeof(charsets[0]))];
	coding = (data[0] >> 4) % 4 - 1; /* -1 unknown, 0, 1, 2 */
	/* a copy of exactly size - 1 bytes: ASan sees any read past the end */
	if (!(text = malloc(size)))
		return 0;
	memcpy(text, data + 1, size - 1);
	text_checks(text, size - 1, charset, coding);
	mo_checks(text, size - 1, charset, coding < 0 ? 0 : coding);
	dlr_checks(text, size - 1);
	if (kannel_parse_time(text, size - 1, &t) == 0)
		check(t > 0 || size - 1 >= 19);
	free(text);
	return 0;
}

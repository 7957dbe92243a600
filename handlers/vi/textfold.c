#include "handlers/vi/textfold.h"

#include <string.h>
#include <utf8proc.h>

#include "common/gw_err.h"

static int append_cp(struct buf *out, utf8proc_int32_t cp)
{
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t n = utf8proc_encode_char(cp, enc);

	return n > 0 ? buf_add(out, enc, (size_t)n) : 0;
}

static int fold(struct buf *out, const char *text, size_t len, int lower)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
	utf8proc_ssize_t left = (utf8proc_ssize_t)len;
	int r = 0;

	while (left > 0 && r == 0) {
		utf8proc_int32_t cp, dec[8];
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp), nd;
		int opts = UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | (lower ? UTF8PROC_CASEFOLD : 0);

		if (n < 0) { /* invalid byte: drop it */
			p++;
			left--;
			continue;
		}
		p += n;
		left -= n;
		if (cp == 0x0110 || cp == 0x0111) {
			r = buf_addch(out, cp == 0x0110 && !lower ? 'D' : 'd');
			continue;
		}
		if (cp < 0x80) {
			r = buf_addch(out, (char)(lower && cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
			continue;
		}
		nd = utf8proc_decompose_char(cp, dec, 8, (utf8proc_option_t)opts, NULL);
		if (nd < 0 || nd > 8) {
			r = append_cp(out, cp);
			continue;
		}
		for (utf8proc_ssize_t i = 0; i < nd && r == 0; i++)
			r = append_cp(out, dec[i] == 0x0111 ? 'd' : dec[i]);
	}
	return r;
}

int textfold_ascii(struct buf *out, const char *text, size_t len)
{
	return fold(out, text, len, 1);
}

int textfold_strip_marks(struct buf *out, const char *text, size_t len)
{
	return fold(out, text, len, 0);
}

int textfold_utf8_valid(const char *text, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
	utf8proc_ssize_t left = (utf8proc_ssize_t)len;

	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);

		if (n <= 0 || cp == 0)
			return 0;
		p += n;
		left -= n;
	}
	return 1;
}

int textfold_has_non_ascii(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p >= 0x80)
			return 1;
	return 0;
}

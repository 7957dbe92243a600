#include "normalize.h"

#include "../common/gw_err.h"
#include "textfold.h"

static int is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

int normalize_text(struct buf *out, const char *text, size_t len)
{
	struct buf folded;
	int r, space = 1;

	buf_init(&folded, 4 * NORMALIZE_INPUT_MAX);
	if (len > NORMALIZE_INPUT_MAX)
		len = NORMALIZE_INPUT_MAX;
	if ((r = textfold_ascii(&folded, text, len)) < 0)
		goto out;
	for (size_t i = 0; i < folded.len && r == 0; i++) {
		unsigned char c = (unsigned char)folded.data[i];

		if (is_word_byte(c)) {
			r = buf_addch(out, (char)c);
			space = 0;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c < 0x20) {
			if (!space)
				r = buf_addch(out, ' ');
			space = 1;
		} else { /* punctuation stands alone */
			if (!space && (r = buf_addch(out, ' ')) < 0)
				break;
			if ((r = buf_addch(out, (char)c)) == 0)
				r = buf_addch(out, ' ');
			space = 1;
		}
	}
	if (r == 0)
		buf_rtrim(out);
out:
	buf_release(&folded);
	return r;
}

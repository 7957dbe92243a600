#include "handlers/dialog/screen.h"

#include <string.h>

#include "common/gw_err.h"
#include "handlers/core/reply.h"

#define SCREEN_TEXT_MAX (16 * 1024)

void screen_init(struct screen *s, size_t limit)
{
	memset(s, 0, sizeof(*s));
	s->limit = limit;
	buf_init(&s->hint, 256);
	buf_init(&s->title, SCREEN_TEXT_MAX);
	buf_init(&s->body, SCREEN_TEXT_MAX);
	buf_init(&s->foot, 256);
}

void screen_release(struct screen *s)
{
	buf_release(&s->hint);
	buf_release(&s->title);
	buf_release(&s->body);
	buf_release(&s->foot);
}

/* GSM-7 basic-table stand-in for an ASCII byte; 0 drops it. The extension
 * table characters cost two septets and some phones show them wrongly. */
static char plain_char(unsigned char c)
{
	switch (c) {
	case '[': case '{': return '(';
	case ']': case '}': return ')';
	case '|': case '\\': return '/';
	case '~': return '-';
	case '^': return ' ';
	case '`': return '\'';
	default: break;
	}
	if (c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
		return ' ';
	if (c < 0x20 || c >= 0x7f)
		return 0;
	return (char)c;
}

int screen_plain(const char *utf8, size_t max, struct buf *out)
{
	struct buf un, flat;
	size_t cut;
	int r;

	buf_init(&un, SCREEN_TEXT_MAX);
	buf_init(&flat, SCREEN_TEXT_MAX);
	if ((r = reply_unaccent(utf8, &un)) < 0)
		goto out;
	for (size_t i = 0; i < un.len && r == 0; i++) {
		char c = plain_char((unsigned char)un.data[i]);

		if (!c || (c == ' ' && (!flat.len || flat.data[flat.len - 1] == ' ')))
			continue;
		r = buf_addch(&flat, c);
	}
	if (r < 0)
		goto out;
	buf_rtrim(&flat);
	if (!max || flat.len <= max) {
		r = buf_add(out, flat.data, flat.len);
		goto out;
	}
	/* Cut at the last space that leaves room for "..". */
	cut = max > 2 ? max - 2 : 0;
	while (cut > 0 && flat.data[cut] != ' ')
		cut--;
	if (cut == 0)
		cut = max > 2 ? max - 2 : 0;
	while (cut > 0 && (flat.data[cut - 1] == ' ' || flat.data[cut - 1] == ',' ||
			   flat.data[cut - 1] == ':' || flat.data[cut - 1] == ';'))
		cut--;
	if ((r = buf_add(out, flat.data, cut)) == 0 && max >= 2)
		r = buf_adds(out, "..");
out:
	buf_release(&un);
	buf_release(&flat);
	return r;
}

static int set_plain(struct buf *b, const char *text)
{
	buf_reset(b);
	return text ? screen_plain(text, 0, b) : 0;
}

int screen_hint(struct screen *s, const char *text)
{
	return set_plain(&s->hint, text);
}

int screen_title(struct screen *s, const char *text)
{
	return set_plain(&s->title, text);
}

int screen_body(struct screen *s, const char *text)
{
	return set_plain(&s->body, text);
}

int screen_footer(struct screen *s, const char *text)
{
	return set_plain(&s->foot, text);
}

static int label_into(char *dst, const char *label)
{
	struct buf b;
	int r;

	buf_init(&b, SCREEN_LABEL_MAX + 1);
	r = screen_plain(label, SCREEN_LABEL_MAX, &b);
	if (r == 0)
		r = gw_strlcpy(dst, b.data, SCREEN_LABEL_MAX + 1);
	buf_release(&b);
	return r;
}

int screen_option(struct screen *s, const char *label)
{
	int r;

	if (s->nopts == SCREEN_MAX_OPTIONS)
		return GW_ERR_TOOBIG;
	if ((r = label_into(s->opt[s->nopts], label)) < 0)
		return r;
	s->nopts++;
	return 0;
}

void screen_drop_option(struct screen *s)
{
	if (s->nopts > 0)
		s->opt[--s->nopts][0] = '\0';
}

int screen_more(struct screen *s, const char *label)
{
	s->more[0] = '\0';
	return label && *label ? label_into(s->more, label) : 0;
}

/* Characters of the lines that are never cut, with their newlines. */
static size_t fixed_len(const struct screen *s)
{
	size_t n = 0, lines = 0;

	if (s->hint.len) {
		n += s->hint.len + 1; /* "Chon sai. " runs into the title */
	}
	for (int i = 0; i < s->nopts; i++, lines++)
		n += 3 + strlen(s->opt[i]);
	if (*s->more) {
		n += 3 + strlen(s->more);
		lines++;
	}
	if (s->foot.len) {
		n += s->foot.len;
		lines++;
	}
	return n + lines; /* a newline before each of these lines */
}

static size_t first_word(const struct buf *b)
{
	const char *sp = memchr(b->data, ' ', b->len);

	return sp ? (size_t)(sp - b->data) + 2 : b->len; /* the word and ".." */
}

int screen_fits(const struct screen *s)
{
	size_t need = fixed_len(s);

	/* A list keeps its title whole (up to a label's length): better one
	 * option less than a title cut to "Chinh sach..". */
	if (s->title.len)
		need += s->title.len < SCREEN_LABEL_MAX ? s->title.len : SCREEN_LABEL_MAX;
	if (s->body.len)
		need += 1 + first_word(&s->body);
	return need <= s->limit;
}

int screen_render(const struct screen *s, struct buf *out)
{
	size_t fixed = fixed_len(s), room, head;
	struct buf top;
	int r = GW_ERR_TOOBIG;

	buf_init(&top, SCREEN_TEXT_MAX);
	if (fixed > s->limit)
		goto out;
	room = s->limit - fixed;
	/* The title is cut only when the body is gone already. */
	if ((r = buf_add(&top, s->hint.data, s->hint.len)) < 0 ||
	    (s->hint.len && s->title.len && (r = buf_addch(&top, ' ')) < 0))
		goto out;
	head = top.len;
	if (s->title.len && room > head + 2 &&
	    (r = screen_plain(s->title.data, room - head, &top)) < 0)
		goto out;
	if (s->body.len && top.len + 2 < room) {
		size_t left = room - top.len - (top.len ? 1 : 0);

		if ((top.len && (r = buf_addch(&top, '\n')) < 0) ||
		    (r = screen_plain(s->body.data, left, &top)) < 0)
			goto out;
	}
	for (int i = 0; i < s->nopts && r == 0; i++)
		r = buf_addf(&top, "%s%d. %s", top.len ? "\n" : "", i + 1, s->opt[i]);
	if (r == 0 && *s->more)
		r = buf_addf(&top, "%s9. %s", top.len ? "\n" : "", s->more);
	if (r == 0 && s->foot.len)
		r = buf_addf(&top, "%s%s", top.len ? "\n" : "", s->foot.data);
	if (r == 0)
		r = buf_add(out, top.data, top.len);
out:
	buf_release(&top);
	return r;
}

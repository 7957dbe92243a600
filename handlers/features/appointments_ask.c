/* appointments_ask.c - see appointments_ask.h. */
#include "handlers/features/appointments_ask.h"

#include <ctype.h>
#include <string.h>

#include "common/buf.h"
#include "common/gw_err.h"

/* Where phrase occurs in text as whole words, or NULL. */
static const char *find_phrase(const char *text, const char *phrase)
{
	size_t n = strlen(phrase);
	const char *p;

	for (p = strstr(text, phrase); p; p = strstr(p + 1, phrase))
		if ((p == text || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			break;
	return p;
}

static int has_phrase(const char *text, const char *phrase)
{
	return find_phrase(text, phrase) != NULL;
}

static int has_any(const char *text, const char *const *phrases)
{
	for (; *phrases; phrases++)
		if (has_phrase(text, *phrases))
			return 1;
	return 0;
}

static const char *const cancel_cues[] = { "huy hen", "huy lich", "huy lich hen", "bo hen",
					   "bo cai hen", "khoi hen", "thoi hen", "huy cai hen",
					   "cancel", NULL };
static const char *const move_cues[] = { "doi hen", "doi lich", "doi sang", "doi ngay", "doi gio",
					 "doi lai", "chuyen lich", "chuyen hen", "chuyen sang",
					 "lui lich", "hoan hen", "hoan lich", "reschedule", "move",
					 NULL };
/* asking about an appointment already made, not for a new one ("xac nhan"
 * alone is no cue: "giay xac nhan" is a paper to bring) */
static const char *const list_cues[] = { "xac nhan hen", "xac nhan lich", "lich hen cua",
					 "lich cua toi", "lich cua em", "xem lich", "kiem tra lich",
					 "xem hen", "chua thay", "chua co ai", "dat lich roi",
					 "dat hen roi", "da dat lich", "da dat hen", "my appointment",
					 "my appointments", "co hen ngay nao", "hen ngay nao",
					 "co hen luc may gio", "hen luc may gio", "lich hen cua minh",
					 "lich hen cua em", "lich hen cua toi", NULL };

static enum appointments_action action_of(const char *command, const char *args)
{
	static const char *const show_words[] = { "xem", "ds", "list", "danh sach", NULL };
	enum appointments_action a = APPOINTMENTS_BOOK;

	if (strcmp(command, "HUY HEN") == 0)
		a = APPOINTMENTS_CANCEL;
	else if (strcmp(command, "DOI HEN") == 0)
		a = APPOINTMENTS_MOVE;
	else if (*command) /* HEN and its aliases: alone (or "xem") it lists */
		a = *args == '\0' || (strlen(args) < 12 && has_any(args, show_words)) ||
		    !strncmp(args, "cua ", 4) /* "lich hen cua minh" */
			? APPOINTMENTS_LIST : APPOINTMENTS_BOOK;
	else if (has_any(args, cancel_cues))
		a = APPOINTMENTS_CANCEL;
	else if (has_any(args, move_cues))
		a = APPOINTMENTS_MOVE;
	else if (has_any(args, list_cues))
		a = APPOINTMENTS_LIST;
	return a;
}

/* 1 when p (inside text) follows a number, directly or after one space,
 * that is no day: "mung 6 am", "20/11 am" are lunar days, not 6 a.m. */
static int after_number(const char *text, const char *p)
{
	static const char *const days[] = { "mung ", "mong ", "ngay ", "thang ", NULL };

	if (p > text && p[-1] == ' ')
		p--;
	if (p == text || !isdigit((unsigned char)p[-1]))
		return 0;
	while (p > text && (isdigit((unsigned char)p[-1]) || p[-1] == '/')) {
		if (p[-1] == '/')
			return 0; /* a date */
		p--;
	}
	for (const char *const *d = days; *d; d++)
		if ((size_t)(p - text) >= strlen(*d) && !strncmp(p - strlen(*d), *d, strlen(*d)))
			return 0;
	return 1;
}

/* English day and time words as the Vietnamese the date reader knows.
 * None of them is a Vietnamese word, so they are read in any message
 * (short English texts do not always read as English), except "am" before
 * "lich": "15/7 am lich" is a lunar date. */
static int english_to_vi(const char *text, struct buf *out)
{
	static const struct {
		const char *en, *vi;
	} map[] = {
		{ "monday", "thu 2" }, { "tuesday", "thu 3" }, { "wednesday", "thu 4" },
		{ "thursday", "thu 5" }, { "friday", "thu 6" }, { "saturday", "thu 7" },
		{ "sunday", "chu nhat" }, { "tomorrow", "mai" }, { "today", "hom nay" },
		{ "morning", "sang" }, { "afternoon", "chieu" }, { "evening", "toi" },
		{ "am", "gio sang" }, { "pm", "gio chieu" }, { "next week", "tuan sau" },
	};
	const char *p = text;
	int r = 0;

	while (*p && r == 0) {
		size_t i, n = 0, digits = 0;

		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			int clock = strcmp(map[i].en, "am") == 0 || strcmp(map[i].en, "pm") == 0;

			n = strlen(map[i].en);
			if (strncmp(p, map[i].en, n) != 0 || !strchr(" ?,.", p[n]) ||
			    (clock && strncmp(p + n, " lich", 5) == 0))
				continue;
			/* "am"/"pm" only after a number ("9am", "9 am"): "I am" is no time */
			if (clock ? after_number(text, p) : (p == text || p[-1] == ' '))
				break;
		}
		if (i < sizeof(map) / sizeof(map[0])) {
			/* "9am": the number stays, a space goes in between */
			if (p > text && isdigit((unsigned char)p[-1]))
				r = buf_addch(out, ' ');
			if (r == 0)
				r = buf_adds(out, map[i].vi);
			p += n;
			continue;
		}
		while (isdigit((unsigned char)p[digits]))
			digits++;
		if (digits) {
			r = buf_add(out, p, digits);
			p += digits;
			continue;
		}
		r = buf_addch(out, *p++);
	}
	return r;
}

/* Copy text without [from, to) into topic, spaces and stray punctuation
 * trimmed, cut to fit. */
static void keep_topic(const char *text, size_t from, size_t to, char *topic, size_t sz)
{
	size_t n = 0, len = strlen(text);

	for (size_t i = 0; i < len && n + 1 < sz; i++) {
		char c = text[i];

		if (i >= from && i < to)
			continue;
		if (c == ' ' && (n == 0 || topic[n - 1] == ' '))
			continue;
		topic[n++] = c;
	}
	while (n > 0 && strchr(" ,.?!-", topic[n - 1]))
		n--;
	topic[n] = '\0';
}

/* A move names the old day, then the new one after "sang", "qua" or
 * "den" ("doi hen tu mai sang thu 6", "DOI HEN 10/12 sang 14/12 9h30"):
 * when the words after such a connective hold a date of their own, and
 * the date read from the whole text comes before it, they are the new
 * day. 1 and *w (spans in text) when they are. */
static int moved_to(const char *text, const struct datetime_vi_now *now, struct datetime_vi *w)
{
	static const char *const links[] = { "sang", "qua", "den", NULL };
	struct datetime_vi tail;
	const char *why = NULL;

	for (const char *const *l = links; *l; l++)
		for (const char *p = find_phrase(text, *l); p; p = find_phrase(p + 1, *l)) {
			size_t at = (size_t)(p - text) + strlen(*l);

			if (!w->has_date || w->span_start >= at ||
			    datetime_vi_parse(text + at, now, &tail, &why) < 0 || !tail.has_date)
				continue;
			tail.span_start += at;
			tail.span_end += at;
			*w = tail;
			return 1;
		}
	return 0;
}

int appointments_understand(const char *command, const char *args,
			    const struct datetime_vi_now *now, struct appointments_ask *out)
{
	struct appointments_ask a;
	struct buf text;
	const char *why = NULL, *week = NULL;
	size_t from, to;
	int r;

	memset(&a, 0, sizeof(a));
	buf_init(&text, DATETIME_VI_MAX_TEXT);
	a.action = action_of(command, args);
	if ((r = english_to_vi(args, &text)) < 0)
		goto out;
	r = datetime_vi_parse(text.data, now, &a.when, &why);
	if (r == GW_ERR_INVAL) {
		a.date_error = why;
		memset(&a.when, 0, sizeof(a.when));
	} else if (r < 0) {
		goto out;
	}
	if (a.action == APPOINTMENTS_MOVE && !a.date_error)
		moved_to(text.data, now, &a.when);
	from = a.when.span_start;
	to = a.when.span_end;
	if (!a.when.has_date && (week = find_phrase(text.data, "tuan sau")) == NULL)
		week = find_phrase(text.data, "tuan toi");
	if (!a.when.has_date && week) { /* a week, not a day: look from its Monday */
		a.next_week = 1;
		from = (size_t)(week - text.data);
		to = from + strlen("tuan sau");
	}
	keep_topic(text.data, from, to, a.topic, sizeof(a.topic));
	*out = a;
	r = 0;
out:
	buf_release(&text);
	return r;
}

const char *appointments_action_name(enum appointments_action a)
{
	static const char *const names[] = { "book", "move", "cancel", "list" };

	return (unsigned)a < 4 ? names[a] : "book";
}

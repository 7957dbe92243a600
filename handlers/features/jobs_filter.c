#include "handlers/features/jobs_filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/gw_err.h"
#include "handlers/vi/textfold.h"

#define TOK_MAX 256
#define TOK_LEN 32
#define PLACE_TEXT_MAX 1024

/* Words of a folded text, with a mark for those already understood. */
struct toks {
	char w[TOK_MAX][TOK_LEN];
	unsigned char used[TOK_MAX];
	int n;
};

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_number(const char *w)
{
	if (!*w)
		return 0;
	for (; *w; w++)
		if (*w < '0' || *w > '9')
			return 0;
	return 1;
}

static int number_of(const char *w)
{
	long v = 0;

	for (; *w && v < 100000; w++)
		v = v * 10 + (*w - '0');
	return (int)v;
}

/* Words longer than TOK_LEN are kept cut: they match nothing we look for. */
static void tokenize(const char *s, struct toks *t)
{
	memset(t, 0, sizeof(*t));
	while (*s && t->n < TOK_MAX) {
		size_t k = 0;

		while (*s && !is_alnum(*s))
			s++;
		if (!*s)
			break;
		while (is_alnum(*s)) {
			if (k + 1 < TOK_LEN)
				t->w[t->n][k++] = *s;
			s++;
		}
		t->w[t->n][k] = '\0';
		t->n++;
	}
}

static const char *tok(const struct toks *t, int i)
{
	return i >= 0 && i < t->n ? t->w[i] : "";
}

/* Length in words of phrase when it starts at word i (unused words only),
 * else 0. */
static int phrase_at(const struct toks *t, int i, const char *phrase)
{
	int k = 0;

	while (*phrase) {
		size_t n = 0;

		while (phrase[n] && phrase[n] != ' ')
			n++;
		if (i + k >= t->n || t->used[i + k] || strlen(t->w[i + k]) != n ||
		    strncmp(t->w[i + k], phrase, n) != 0)
			return 0;
		k++;
		phrase += n;
		while (*phrase == ' ')
			phrase++;
	}
	return k;
}

static const struct cue {
	const char *phrase;
	unsigned bit;
} cues[] = {
	{ "cong nhan", JOBS_TYPE_CONG_NHAN }, { "cn", JOBS_TYPE_CONG_NHAN },
	{ "lao dong pho thong", JOBS_TYPE_CONG_NHAN },
	{ "bao ve", JOBS_TYPE_BAO_VE }, { "ve si", JOBS_TYPE_BAO_VE },
	{ "lai xe", JOBS_TYPE_LAI_XE }, { "tai xe", JOBS_TYPE_LAI_XE },
	{ "xe nang", JOBS_TYPE_LAI_XE },
	{ "boc xep", JOBS_TYPE_KHO },
	{ "thoi vu", JOBS_TYPE_THOI_VU }, { "mua vu", JOBS_TYPE_THOI_VU },
	{ "ban thoi gian", JOBS_TYPE_BAN_THOI_GIAN }, { "part time", JOBS_TYPE_BAN_THOI_GIAN },
	{ "lam tai nha", JOBS_TYPE_BAN_THOI_GIAN }, { "tai nha", JOBS_TYPE_BAN_THOI_GIAN },
	{ "xkld", JOBS_TYPE_XKLD }, { "xuat khau lao dong", JOBS_TYPE_XKLD },
	{ "di nhat", JOBS_TYPE_XKLD }, { "di han", JOBS_TYPE_XKLD },
	{ "di dai loan", JOBS_TYPE_XKLD }, { "nhat ban", JOBS_TYPE_XKLD },
	{ "han quoc", JOBS_TYPE_XKLD }, { "dai loan", JOBS_TYPE_XKLD },
	{ "nuoc ngoai", JOBS_TYPE_XKLD }, { "eps", JOBS_TYPE_XKLD },
	{ "thuc tap sinh", JOBS_TYPE_XKLD }, { "tts", JOBS_TYPE_XKLD },
};

static const char *const type_names[JOBS_TYPE_COUNT] = {
	"may", "cong nhan", "bao ve", "lai xe", "kho", "thoi vu", "ban thoi gian", "xkld",
};

static int in_words(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

/* A bare "may" is sewing unless the words around make it a machine, a
 * motorbike or a factory ("xe may", "nha may", "may moc", "may tinh"). */
static int sewing_at(const struct toks *t, int i)
{
	static const char *const before[] = { "xe", "nha", "chay", "lai", "sua", NULL };
	static const char *const after[] = { "moc", "tinh", "bay", "nang", "xuc", "cat", "han",
					     "phat", "lanh", "giat", "bom", "in", "anh", "tien",
					     "cay", "khoan", "dien", "lap", NULL };

	return strcmp(tok(t, i), "may") == 0 && !t->used[i] && !in_words(tok(t, i - 1), before) &&
	       !in_words(tok(t, i + 1), after);
}

/* "kho" the warehouse, not "kho khan" (hard) or "chiu kho" (hard-working). */
static int warehouse_at(const struct toks *t, int i)
{
	return strcmp(tok(t, i), "kho") == 0 && !t->used[i] && strcmp(tok(t, i + 1), "khan") != 0 &&
	       strcmp(tok(t, i - 1), "chiu") != 0;
}

/* Mark and return the types found in t; consume = mark the words used. */
static unsigned scan_types(struct toks *t, int consume)
{
	unsigned bits = 0;

	for (int i = 0; i < t->n; i++) {
		int k = 0;

		if (sewing_at(t, i)) {
			bits |= JOBS_TYPE_MAY;
			k = 1;
		} else if (warehouse_at(t, i)) {
			bits |= JOBS_TYPE_KHO;
			k = 1;
		} else {
			for (size_t c = 0; c < sizeof(cues) / sizeof(cues[0]) && !k; c++)
				if ((k = phrase_at(t, i, cues[c].phrase)) > 0)
					bits |= cues[c].bit;
		}
		if (consume)
			for (int j = 0; j < k; j++)
				t->used[i + j] = 1;
		if (k > 1)
			i += k - 1;
	}
	return bits;
}

unsigned jobs_filter_types_of(const char *folded)
{
	struct toks *t = malloc(sizeof(*t));
	unsigned bits = 0;

	if (!t)
		return 0;
	tokenize(folded, t);
	bits = scan_types(t, 0);
	free(t);
	return bits;
}

const char *jobs_filter_type_name(unsigned bit)
{
	for (int i = 0; i < JOBS_TYPE_COUNT; i++)
		if (bit == 1u << i)
			return type_names[i];
	return NULL;
}

int jobs_filter_types_text(unsigned types, const char *sep, struct buf *out)
{
	int r = 0, first = 1;

	for (int i = 0; i < JOBS_TYPE_COUNT && r == 0; i++) {
		if (!(types & (1u << i)))
			continue;
		if (!first)
			r = buf_adds(out, sep);
		if (r == 0)
			r = buf_adds(out, type_names[i]);
		first = 0;
	}
	return r;
}

unsigned jobs_filter_type_named(const char *folded)
{
	for (int i = 0; i < JOBS_TYPE_COUNT; i++)
		if (strcmp(folded, type_names[i]) == 0)
			return 1u << i;
	return jobs_filter_types_of(folded);
}

int jobs_filter_squash(const char *text, struct buf *out)
{
	int r = buf_addch(out, ' ');

	while (*text && r == 0) {
		size_t n = 0;

		while (*text && !is_alnum(*text))
			text++;
		while (is_alnum(text[n]))
			n++;
		if (n && (r = buf_add(out, text, n)) == 0)
			r = buf_addch(out, ' ');
		text += n;
	}
	return r;
}

/* Administrative words in front of a place name, longest first. */
static const char *const place_prefixes[] = {
	"lam viec tai ", "thanh pho ", "thi tran ", "thi xa ", "khu cong nghiep ",
	"cum cong nghiep ", "phuong ", "huyen ", "quan ", "tinh ", "xa ", "tp ", "kcn ", "ccn ",
	NULL,
};

/* "(...)" removed: notes such as "(so tuyen)" are not the place. */
static int drop_parens(const char *text, struct buf *out)
{
	int depth = 0, r = 0;

	for (const char *p = text; *p && r == 0; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (!depth)
			r = buf_addch(out, *p);
	}
	return r;
}

/* Length of the administrative prefix of p (folded or unaccented text). */
static size_t prefix_len(const char *p)
{
	size_t total = 0;

	for (int again = 1; again;) {
		again = 0;
		for (const char *const *pre = place_prefixes; *pre; pre++) {
			size_t n = strlen(*pre);

			if (strncasecmp(p + total, *pre, n) == 0 && p[total + n]) {
				total += n;
				again = 1;
			}
		}
	}
	return total;
}

static int place_key_folded(const char *folded, struct buf *out)
{
	struct buf plain, sq;
	int r;

	buf_init(&plain, PLACE_TEXT_MAX);
	buf_init(&sq, PLACE_TEXT_MAX);
	if ((r = drop_parens(folded, &plain)) < 0 || (r = jobs_filter_squash(plain.data, &sq)) < 0)
		goto out;
	buf_rtrim(&sq);
	r = buf_adds(out, sq.data + 1 + prefix_len(sq.data + 1));
out:
	buf_release(&plain);
	buf_release(&sq);
	return r;
}

int jobs_filter_place_label(const char *text, struct buf *out)
{
	struct buf plain, unparened;
	const char *p;
	size_t n;
	int r;

	buf_init(&plain, PLACE_TEXT_MAX);
	buf_init(&unparened, PLACE_TEXT_MAX);
	if ((r = textfold_strip_marks(&plain, text, strlen(text))) < 0 ||
	    (r = drop_parens(plain.data, &unparened)) < 0)
		goto out;
	p = unparened.data;
	while (*p == ' ')
		p++;
	p += prefix_len(p);
	n = strcspn(p, ",;");
	while (n && p[n - 1] == ' ')
		n--;
	r = buf_add(out, p, n);
out:
	buf_release(&plain);
	buf_release(&unparened);
	return r;
}

int jobs_filter_place_key(const char *text, struct buf *out)
{
	struct buf folded;
	int r;

	buf_init(&folded, PLACE_TEXT_MAX);
	if ((r = textfold_ascii(&folded, text, strlen(text))) == 0)
		r = place_key_folded(folded.data, out);
	buf_release(&folded);
	return r;
}

/* Append "key|" to out ("|a|b|") unless it is there already. */
static int add_key(struct buf *out, const char *key)
{
	struct buf needle;
	int r;

	buf_init(&needle, PLACE_TEXT_MAX);
	if ((r = buf_addch(&needle, '|')) == 0 && (r = buf_adds(&needle, key)) == 0 &&
	    (r = buf_addch(&needle, '|')) == 0 && !strstr(out->data, needle.data))
		r = buf_adds(out, needle.data + 1);
	buf_release(&needle);
	return r;
}

/* Add a key for each comma-separated piece of text. */
static int add_places(const char *text, int zone, struct buf *out)
{
	struct buf folded, key, piece;
	const char *p;
	int r;

	if (!text || !*text)
		return 0;
	buf_init(&folded, PLACE_TEXT_MAX);
	buf_init(&key, PLACE_TEXT_MAX);
	buf_init(&piece, PLACE_TEXT_MAX);
	if ((r = textfold_ascii(&folded, text, strlen(text))) < 0)
		goto out;
	if (zone && strncmp(folded.data, "kcn ", 4) != 0 && strncmp(folded.data, "ccn ", 4) != 0 &&
	    strncmp(folded.data, "khu cong nghiep ", 16) != 0 &&
	    strncmp(folded.data, "cum cong nghiep ", 16) != 0 &&
	    strncmp(folded.data, "lam viec tai ", 13) != 0)
		goto out;
	for (p = folded.data; *p && r == 0;) {
		size_t n = strcspn(p, ",;");

		buf_reset(&piece);
		buf_reset(&key);
		if ((r = buf_add(&piece, p, n)) < 0 || (r = place_key_folded(piece.data, &key)) < 0)
			break;
		p += n;
		if (*p)
			p++;
		if (!key.len)
			continue;
		r = add_key(out, key.data);
		/* "Ba Thien II": households say "Ba Thien" */
		if (r == 0 && zone && key.len > 3 && strcmp(key.data + key.len - 3, " ii") == 0) {
			buf_truncate(&key, key.len - 3);
			r = add_key(out, key.data);
		}
	}
out:
	buf_release(&folded);
	buf_release(&key);
	buf_release(&piece);
	return r;
}

int jobs_filter_places(const char *province, const char *district, const char *commune,
		       const char *zone, struct buf *out)
{
	size_t start = out->len;
	int r;

	if ((r = buf_addch(out, '|')) < 0 || (r = add_places(commune, 0, out)) < 0 ||
	    (r = add_places(district, 0, out)) < 0 || (r = add_places(province, 0, out)) < 0 ||
	    (r = add_places(zone, 1, out)) < 0)
		buf_truncate(out, start);
	return r;
}

char jobs_filter_gender_of(const char *requirements)
{
	struct buf folded;
	struct toks *t = malloc(sizeof(*t));
	char g = 0;

	buf_init(&folded, 4096);
	if (!t || textfold_ascii(&folded, requirements, strlen(requirements)) < 0)
		goto out;
	tokenize(folded.data, t);
	/* Only the opening words say who is wanted: "Nam/nu 18-35", "Phu nu ..." */
	{
		int male = 0, female = 0;

		for (int i = 0; i < t->n && i < 4; i++) {
			if (strcmp(t->w[i], "nam") == 0)
				male = 1;
			else if (strcmp(t->w[i], "nu") == 0)
				female = 1;
			else if (i > 0 && strcmp(t->w[i - 1], "phu") == 0 && strcmp(t->w[i], "nu") == 0)
				female = 1;
			else if (is_number(t->w[i]))
				break;
		}
		if (male != female)
			g = male ? 'm' : 'f';
	}
out:
	buf_release(&folded);
	free(t);
	return g;
}

/* The longest known place in t, marked used. */
static void find_area(struct toks *t, const char *known, struct jobs_filter *f)
{
	int best_i = -1, best_k = 0;
	size_t best_len = 0;
	char key[JOBS_AREA_MAX];

	for (const char *p = known ? known : ""; *p;) {
		size_t n;

		while (*p == '|')
			p++;
		n = strcspn(p, "|");
		if (n && n < sizeof(key)) {
			memcpy(key, p, n);
			key[n] = '\0';
			for (int i = 0; i < t->n; i++) {
				int k = phrase_at(t, i, key);

				if (k && n > best_len) {
					best_i = i;
					best_k = k;
					best_len = n;
					memcpy(f->area, key, n + 1);
				}
			}
		}
		p += n;
	}
	for (int j = 0; best_i >= 0 && j < best_k; j++)
		t->used[best_i + j] = 1;
}

static const char *const area_markers[] = { "o", "tai", "xa", "huyen", "phuong", "tinh",
					    "tp", "quan", "gan", "khu", "vung", NULL };
/* Words that end a place named after a marker ("o dai loan co khong"). */
static const char *const area_stops[] = { "co", "khong", "nao", "gi", "a", "nhe", "vay", "ha",
					  "di", "lam", "viec", "tuyen", "cho", "de", "thi", "ma",
					  "nua", "luon", "duoc", "nha", "dau", NULL };

/* Countries households name for work abroad, as the offers' place keys
 * ("Lam viec tai Nhat Ban"). A short name counts only after a verb of
 * going or a word of work abroad: "nhat" alone is mostly "nhất" (most),
 * "han" welding or a deadline. */
static void find_country(struct toks *t, struct jobs_filter *f)
{
	static const struct {
		const char *said, *key;
		int after_verb;
	} c[] = {
		{ "nhat ban", "nhat ban", 0 }, { "han quoc", "han quoc", 0 }, { "dai loan", "dai loan", 0 },
		{ "trung quoc", "trung quoc", 0 }, { "nhat", "nhat ban", 1 }, { "han", "han quoc", 1 },
	};
	static const char *const verbs[] = { "di", "sang", "qua", "o", "ben", "tai", "don", "xkld",
					     "tts", NULL };

	for (size_t k = 0; k < sizeof(c) / sizeof(c[0]) && !*f->area; k++)
		for (int i = 0; i < t->n; i++) {
			int n = phrase_at(t, i, c[k].said);

			if (!n || (c[k].after_verb && !in_words(tok(t, i - 1), verbs)))
				continue;
			/* its words stay free: "di nhat ban thoi gian" is also part-time */
			snprintf(f->area, sizeof(f->area), "%s", c[k].key);
			break;
		}
}

int jobs_filter_phrases(const char *norm, struct buf *json)
{
	struct toks *t = malloc(sizeof(*t));
	int r = GW_ERR_NOMEM, first = 1;

	if (!t)
		goto out;
	tokenize(norm, t);
	r = buf_addch(json, '[');
	for (int i = 0; i < t->n && r == 0; i++) {
		size_t len = 0;

		for (int j = i; j < t->n && r == 0; j++) {
			len += (j > i) + strlen(t->w[j]);
			if (len >= JOBS_AREA_MAX) /* find_area skips such keys */
				break;
			r = buf_adds(json, first ? "\"" : ",\"");
			for (int k = i; k <= j && r == 0; k++)
				r = buf_addf(json, "%s%s", k > i ? " " : "", t->w[k]);
			if (r == 0)
				r = buf_addch(json, '"');
			first = 0;
		}
	}
	if (r == 0)
		r = buf_addch(json, ']');
out:
	free(t);
	return r;
}

/* "o hai phong": unknown place named after a marker word. */
static int area_after_marker(struct toks *t, struct jobs_filter *f)
{
	struct buf b;
	int r = 0;

	buf_init(&b, sizeof(f->area) - 1);
	for (int i = 0; i + 1 < t->n && !b.len && r == 0; i++) {
		/* "tai nha", "o nha": at home, not a place */
		if (t->used[i] || !in_words(t->w[i], area_markers) || !strcmp(t->w[i + 1], "nha") ||
		    !strcmp(t->w[i + 1], "dau")) /* "o dau": where, no place */
			continue;
		for (int j = i + 1; j < t->n && j <= i + 4 && !t->used[j] && !is_number(t->w[j]) &&
				    !in_words(t->w[j], area_stops); j++) {
			if ((b.len && (r = buf_addch(&b, ' ')) < 0) || (r = buf_adds(&b, t->w[j])) < 0)
				break;
			t->used[j] = 1;
		}
		if (b.len)
			t->used[i] = 1;
	}
	if (r == 0 && b.len)
		memcpy(f->area, b.data, b.len + 1);
	buf_release(&b);
	return r == GW_ERR_TOOBIG ? 0 : r;
}

static int plausible_age(int n)
{
	return n >= 14 && n <= 80;
}

static void find_age_gender(struct toks *t, struct jobs_filter *f)
{
	static const char *const not_gender_before[] = { "ha", "viet", "quang", "mien", NULL };
	static const char *const not_gender_after[] = { "dinh", "dan", "bo", "trung", NULL };

	for (int i = 0; i < t->n; i++) {
		const char *w = t->w[i];
		size_t n = strlen(w);
		char g = 0;
		int k = 0;

		if (t->used[i])
			continue;
		if (n >= 2 && n <= 3 && w[n - 1] == 't') {
			char num[4];

			memcpy(num, w, n - 1);
			num[n - 1] = '\0';
			if (is_number(num) && plausible_age(number_of(num))) { /* "25t" */
				f->age = number_of(num);
				t->used[i] = 1;
				continue;
			}
		}
		if (is_number(w) && strcmp(tok(t, i + 1), "tuoi") == 0 && plausible_age(number_of(w))) {
			f->age = number_of(w);
			t->used[i] = t->used[i + 1] = 1;
			continue;
		}
		if (strcmp(w, "tuoi") == 0 && is_number(tok(t, i + 1)) && !t->used[i + 1] &&
		    plausible_age(number_of(tok(t, i + 1)))) {
			f->age = number_of(tok(t, i + 1));
			t->used[i] = t->used[i + 1] = 1;
			continue;
		}
		if ((phrase_at(t, i, "phu nu") == 2) || phrase_at(t, i, "con gai") == 2 ||
		    phrase_at(t, i, "nu gioi") == 2) {
			g = 'f';
			k = 2;
		} else if (phrase_at(t, i, "dan ong") == 2 || phrase_at(t, i, "con trai") == 2 ||
			   phrase_at(t, i, "nam gioi") == 2) {
			g = 'm';
			k = 2;
		} else if (strcmp(w, "nu") == 0) {
			g = 'f';
			k = 1;
		} else if (strcmp(w, "nam") == 0 && !in_words(tok(t, i - 1), not_gender_before) &&
			   !in_words(tok(t, i + 1), not_gender_after) && !is_number(tok(t, i - 1))) {
			g = 'm';
			k = 1;
		}
		if (!g)
			continue;
		f->gender = g;
		for (int j = 0; j < k; j++)
			t->used[i + j] = 1;
		/* "nu 30": the number after a gender is an age */
		if (is_number(tok(t, i + k)) && !t->used[i + k] && plausible_age(number_of(tok(t, i + k)))) {
			f->age = number_of(tok(t, i + k));
			t->used[i + k] = 1;
		}
		i += k - 1;
	}
}

int jobs_filter_parse(const char *norm, const char *known_places, struct jobs_filter *out)
{
	struct jobs_filter f;
	struct toks *t = malloc(sizeof(*t));
	int r = GW_ERR_NOMEM;

	if (!t)
		goto out;
	memset(&f, 0, sizeof(f));
	f.page = 1;
	tokenize(norm, t);
	find_area(t, known_places, &f);
	if (!*f.area)
		find_country(t, &f);
	f.types = scan_types(t, 1);
	find_age_gender(t, &f);
	/* a trailing small number nobody claimed is the page */
	if (t->n > 0 && !t->used[t->n - 1] && is_number(t->w[t->n - 1]) &&
	    strlen(t->w[t->n - 1]) <= 2 && number_of(t->w[t->n - 1]) >= 1) {
		f.page = number_of(t->w[t->n - 1]);
		t->used[t->n - 1] = 1;
	}
	if (!*f.area && (r = area_after_marker(t, &f)) < 0)
		goto out;
	*out = f;
	r = 0;
out:
	free(t);
	return r;
}

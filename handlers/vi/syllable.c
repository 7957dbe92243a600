#include "handlers/vi/syllable.h"

#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"

/* Every rhyme (vowel nucleus + final) Vietnamese spells, marks removed,
 * sorted for bsearch. "ua" stands for ua/ưa/uâ, "uo" for uô/ươ, and so on. */
static const char *const rhymes[] = {
	"a", "ac", "ach", "ai", "am", "an", "ang", "anh", "ao", "ap", "at", "au", "ay",
	"e", "ec", "ech", "em", "en", "eng", "enh", "eo", "ep", "et", "eu",
	"i", "ia", "ich", "iec", "iem", "ien", "ieng", "iep", "iet", "ieu", "im", "in",
	"inh", "ip", "it", "iu",
	"o", "oa", "oac", "oach", "oai", "oam", "oan", "oang", "oanh", "oao", "oap", "oat",
	"oay", "oc", "oe", "oen", "oeo", "oet", "oi", "om", "on", "ong", "ooc", "oong", "op",
	"ot",
	"u", "ua", "uan", "uang", "uat", "uay", "uc", "ue", "uech", "uen", "uenh", "uet",
	"ui", "um", "un", "ung", "uo", "uoc", "uoi", "uom", "uon", "uong", "uop", "uot",
	"uou", "up", "ut", "uu", "uy", "uya", "uych", "uyen", "uyet", "uynh", "uyt", "uyu",
	"y", "yem", "yen", "yet", "yeu", "ynh",
};

/* Onsets, longest first so "ngh" is tried before "ng" (all are tried:
 * "giup" is gi + up, "gieng" is g + ieng). */
static const char *const onsets[] = {
	"ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
	"b", "c", "d", "g", "h", "k", "l", "m", "n", "r", "s", "t", "v", "x", "",
};

static int cmp_rhyme(const void *key, const void *elem)
{
	return strcmp((const char *)key, *(const char *const *)elem);
}

static int is_rhyme(const char *r, size_t n)
{
	char key[SYLLABLE_MAX + 1];

	if (n == 0 || n > SYLLABLE_MAX)
		return 0;
	memcpy(key, r, n);
	key[n] = '\0';
	return bsearch(key, rhymes, sizeof(rhymes) / sizeof(rhymes[0]), sizeof(rhymes[0]),
		       cmp_rhyme) != NULL;
}

static int front_vowel(char c)
{
	return c == 'e' || c == 'i' || c == 'y';
}

/* Spelling rules between onset and rhyme: k/gh/ngh only before e i y,
 * c/g/ng never before them (g + i is "gi"), qu never before u, and the
 * "ye" rhymes only stand alone or after qu. */
static int onset_fits(const char *on, const char *rhyme)
{
	if (!strcmp(on, "k") || !strcmp(on, "gh") || !strcmp(on, "ngh"))
		return front_vowel(rhyme[0]);
	if (!strcmp(on, "c") || !strcmp(on, "ng"))
		return !front_vowel(rhyme[0]);
	if (!strcmp(on, "g"))
		return rhyme[0] != 'e' && rhyme[0] != 'y';
	if (!strcmp(on, "qu"))
		return rhyme[0] != 'u';
	if (rhyme[0] == 'y' && rhyme[1] != '\0')
		return !*on;
	return 1;
}

int syllable_valid(const char *w, size_t n)
{
	if (n == 0 || n > SYLLABLE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (w[i] < 'a' || w[i] > 'z')
			return 0;
	for (size_t k = 0; k < sizeof(onsets) / sizeof(onsets[0]); k++) {
		size_t on = strlen(onsets[k]);
		char rhyme[SYLLABLE_MAX + 1];

		if (on >= n || strncmp(w, onsets[k], on) != 0)
			continue;
		memcpy(rhyme, w + on, n - on);
		rhyme[n - on] = '\0';
		if (is_rhyme(rhyme, n - on) && onset_fits(onsets[k], rhyme))
			return 1;
	}
	return 0;
}

static int is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* A checked syllable (final c, ch, p, t) carries only the sac or nang tone. */
static int tone_fits(const char *s, size_t n, char tone)
{
	int stop = n && (s[n - 1] == 'c' || s[n - 1] == 'p' || s[n - 1] == 't' ||
			 (n >= 2 && s[n - 2] == 'c' && s[n - 1] == 'h'));

	return !stop || tone == 0 || tone == 's' || tone == 'j';
}

static int finish(const char *b, size_t n, char tone, int strong, char *out, size_t outsz,
		  int *how)
{
	int r = GW_ERR_NOTFOUND;

	if (!syllable_valid(b, n) || !tone_fits(b, n, tone) || n + 1 > outsz)
		goto out;
	memcpy(out, b, n);
	out[n] = '\0';
	*how = strong ? SYLLABLE_STRONG : SYLLABLE_WEAK;
	r = 0;
out:
	return r;
}

int syllable_decode_telex(const char *w, size_t n, char *out, size_t outsz, int *how)
{
	int r = GW_ERR_NOTFOUND;
	char b[SYLLABLE_WORD_MAX];
	size_t bn = 0, i = 0;
	int strong = 0, vowel = 0, doubled = 0;
	char tone = 0;

	if (n < 2 || n >= sizeof(b))
		goto out;
	if (w[0] == 'd' && w[1] == 'd') { /* dd = đ */
		b[bn++] = 'd';
		i = 2;
		strong = 1;
	}
	for (; i < n; i++) {
		char c = w[i];

		if (c < 'a' || c > 'z')
			goto out;
		if (vowel && (c == 's' || c == 'f' || c == 'r' || c == 'x' || c == 'j')) {
			if (tone) /* two tone keys: not a leftover */
				goto out;
			tone = c;
			continue;
		}
		if (c == 'w') { /* aw ow uw: breve/horn; a lone w is ư */
			if (bn && (b[bn - 1] == 'a' || b[bn - 1] == 'o' || b[bn - 1] == 'u')) {
				strong = 1;
				continue;
			}
			c = 'u';
			strong = 1;
		} else if (bn && !doubled && c == b[bn - 1] && (c == 'a' || c == 'e' || c == 'o')) {
			strong = 1; /* aa ee oo: circumflex */
			doubled = 1;
			continue;
		}
		if (is_vowel(c))
			vowel = 1;
		b[bn++] = c;
	}
	if (!strong && !tone)
		goto out;
	r = finish(b, bn, tone, strong, out, outsz, how);
out:
	return r;
}

int syllable_decode_vni(const char *w, size_t n, char *out, size_t outsz, int *how)
{
	int r = GW_ERR_NOTFOUND;
	char b[SYLLABLE_WORD_MAX];
	size_t bn = 0;
	int digits = 0, inner = 0;
	char tone = 0;

	if (n < 2 || n >= sizeof(b) || w[0] < 'a' || w[0] > 'z')
		goto out;
	for (size_t i = 0; i < n; i++) {
		char c = w[i];

		if (c >= 'a' && c <= 'z') {
			b[bn++] = c;
			if (digits)
				inner = 1; /* a digit between letters: "ngh2eo" */
			continue;
		}
		if (c < '1' || c > '9')
			goto out;
		digits++;
		if (c <= '5') { /* tone: one only */
			if (tone)
				goto out;
			tone = "sfrxj"[c - '1'];
		} else if (c == '9') { /* đ: right after a d */
			if (!bn || b[bn - 1] != 'd')
				goto out;
		} else { /* 6: â ê ô, 7: ơ ư, 8: ă -- need their vowel before them */
			const char *need = c == '6' ? "aeo" : c == '7' ? "ou" : "a";
			int found = 0;

			for (size_t k = 0; k < bn && !found; k++)
				found = strchr(need, b[k]) != NULL;
			if (!found)
				goto out;
		}
	}
	if (!digits)
		goto out;
	r = finish(b, bn, tone, inner || digits >= 2, out, outsz, how);
out:
	return r;
}

int syllable_split(const char *w, size_t n, char *out, size_t outsz)
{
	int r = GW_ERR_NOTFOUND;
	/* cost[i]: fewest syllables for w[0..i), then fewest later syllables
	 * that start with a vowel (a final consonant is likelier than an
	 * onset-less syllable: "hoanhap" is hoan|hap over hoa|n...). */
	int cost[SYLLABLE_WORD_MAX + 1], pen[SYLLABLE_WORD_MAX + 1];
	unsigned char from[SYLLABLE_WORD_MAX + 1];
	size_t cuts[SYLLABLE_WORD_MAX], ncut = 0, pos, o = 0;

	if (n < 2 || n > SYLLABLE_WORD_MAX || syllable_valid(w, n))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (w[i] < 'a' || w[i] > 'z')
			goto out;
	cost[0] = 0;
	pen[0] = 0;
	for (size_t i = 1; i <= n; i++) {
		cost[i] = -1;
		for (size_t len = 1; len <= SYLLABLE_MAX && len <= i; len++) {
			size_t s = i - len;
			int c, p;

			if (cost[s] < 0 || !syllable_valid(w + s, len))
				continue;
			c = cost[s] + 1;
			p = pen[s] + (s > 0 && is_vowel(w[s]));
			if (cost[i] < 0 || c < cost[i] || (c == cost[i] && p < pen[i])) {
				cost[i] = c;
				pen[i] = p;
				from[i] = (unsigned char)len;
			}
		}
	}
	if (cost[n] < 2)
		goto out;
	for (pos = n; pos > 0; pos -= from[pos])
		cuts[ncut++] = pos - from[pos];
	if (n + (size_t)cost[n] > outsz) { /* letters + spaces + NUL */
		r = GW_ERR_TOOBIG;
		goto out;
	}
	for (pos = 0; pos < n; pos++) {
		for (size_t k = 0; k < ncut; k++)
			if (cuts[k] == pos && pos > 0)
				out[o++] = ' ';
		out[o++] = w[pos];
	}
	out[o] = '\0';
	r = 0;
out:
	return r;
}

#include "gateway/web/web_request.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "handlers/vi/textfold.h"

void web_form_init(struct web_form *f)
{
	memset(f, 0, sizeof(*f));
}

void web_form_release(struct web_form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->f[i].name);
		free(f->f[i].value);
	}
	free(f->f);
	web_form_init(f);
}

static int form_push(struct web_form *f, char *name, char *value)
{
	struct web_field *grown;
	int r = GW_ERR_TOOBIG;

	if (f->n >= WEB_FORM_FIELDS_MAX)
		goto out;
	r = GW_ERR_NOMEM;
	if (f->n == f->alloc) {
		size_t alloc = f->alloc ? f->alloc * 2 : 16;

		if (!(grown = realloc(f->f, alloc * sizeof(*grown))))
			goto out;
		f->f = grown;
		f->alloc = alloc;
	}
	f->f[f->n].name = name;
	f->f[f->n].value = value;
	f->n++;
	r = 0;
out:
	return r;
}

int web_form_add(struct web_form *f, const char *name, const char *value)
{
	char *n = strdup(name), *v = strdup(value);
	int r = GW_ERR_NOMEM;

	if (n && v && (r = form_push(f, n, v)) == 0)
		n = v = NULL;
	free(n);
	free(v);
	return r;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one urlencoded piece into a new string. Only tab, CR and LF of
 * the control characters are text a form can carry. */
static int decode(const char *s, size_t len, char **out)
{
	struct buf b;
	int r = 0;

	buf_init(&b, len + 1);
	for (size_t i = 0; i < len && r == 0; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi = -1;

			if (i + 2 >= len || (hi = hexval(s[i + 1])) < 0 || hexval(s[i + 2]) < 0) {
				r = GW_ERR_INVAL;
				break;
			}
			c = (unsigned char)(hi * 16 + hexval(s[i + 2]));
			i += 2;
		}
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
			r = GW_ERR_INVAL;
			break;
		}
		r = buf_addch(&b, (char)c);
	}
	if (r == 0 && !textfold_utf8_valid(b.data, b.len))
		r = GW_ERR_INVAL;
	if (r == 0 && !(*out = buf_detach(&b, NULL)))
		r = GW_ERR_NOMEM;
	buf_release(&b);
	return r;
}

int web_form_parse(const char *data, size_t len, struct web_form *out)
{
	struct web_form f;
	size_t i = 0;
	int r = 0;

	web_form_init(&f);
	while (i < len && r == 0) {
		size_t end = i, eq;
		char *name = NULL, *value = NULL;

		while (end < len && data[end] != '&')
			end++;
		for (eq = i; eq < end && data[eq] != '='; eq++)
			;
		if (end == i) { /* "a=1&&b=2": an empty piece is harmless */
			i = end + 1;
			continue;
		}
		if (eq == i) {
			r = GW_ERR_INVAL;
			break;
		}
		if ((r = decode(data + i, eq - i, &name)) == 0 &&
		    (r = decode(data + (eq < end ? eq + 1 : end), eq < end ? end - eq - 1 : 0,
				&value)) == 0 &&
		    (r = form_push(&f, name, value)) == 0)
			name = value = NULL;
		free(name);
		free(value);
		i = end + 1;
	}
	if (r == 0) {
		*out = f;
		web_form_init(&f);
	}
	web_form_release(&f);
	return r;
}

const char *web_form_get(const struct web_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, name) == 0)
			return f->f[i].value;
	return NULL;
}

const char *web_form_str(const struct web_form *f, const char *name)
{
	const char *v = web_form_get(f, name);

	return v ? v : "";
}

int web_form_int(const struct web_form *f, const char *name, long long min, long long max,
		 long long *out)
{
	const char *v = web_form_get(f, name);
	char *end;
	long long n;
	int r = GW_ERR_INVAL;

	if (!v)
		goto out;
	while (*v == ' ')
		v++;
	errno = 0;
	n = strtoll(v, &end, 10);
	while (*end == ' ')
		end++;
	if (end == v || *end || errno || n < min || n > max)
		goto out;
	*out = n;
	r = 0;
out:
	return r;
}

const char *web_arg(const struct web_req *rq, const char *name)
{
	const char *v = rq->post ? web_form_get(&rq->form, name) : NULL;

	return v ? v : web_form_get(&rq->query, name);
}

void web_resp_init(struct web_resp *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->status = 200;
	buf_init(&rs->body, 4u * 1024 * 1024);
}

void web_resp_release(struct web_resp *rs)
{
	buf_release(&rs->body);
}

int web_local_path(const char *s)
{
	int r = 0;

	if (!s || s[0] != '/' || s[1] == '/' || s[1] == '\\')
		goto out;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '\\' || *p == 0x7f)
			goto out;
	r = strlen(s) < WEB_URL_MAX;
out:
	return r;
}

int web_redirect(struct web_resp *rs, const char *path)
{
	int r = GW_ERR_INVAL;

	if (!web_local_path(path))
		goto out;
	if ((r = gw_strlcpy(rs->location, path, sizeof(rs->location))) < 0)
		goto out;
	rs->status = 303;
	buf_reset(&rs->body);
out:
	return r;
}

int web_resp_cookie(struct web_resp *rs, const char *cookie)
{
	int r = GW_ERR_TOOBIG;

	if (rs->ncookies >= WEB_COOKIES_MAX)
		goto out;
	if ((r = gw_strlcpy(rs->cookies[rs->ncookies], cookie, WEB_COOKIE_MAX)) < 0)
		goto out;
	rs->ncookies++;
out:
	return r;
}

int web_path_segment(const char *path, const char *prefix, char *out, size_t outsz,
		     const char **rest)
{
	size_t plen = strlen(prefix), n;
	int r = GW_ERR_NOTFOUND;

	if (strncmp(path, prefix, plen) != 0)
		goto out;
	n = strcspn(path + plen, "/");
	if (n == 0)
		goto out;
	r = GW_ERR_TOOBIG;
	if (n >= outsz)
		goto out;
	memcpy(out, path + plen, n);
	out[n] = '\0';
	if (rest)
		*rest = path + plen + n;
	r = 0;
out:
	return r;
}

int web_parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v;
	int r = GW_ERR_INVAL;

	if (!s || *s < '0' || *s > '9')
		goto out;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end || errno || v <= 0)
		goto out;
	*out = v;
	r = 0;
out:
	return r;
}

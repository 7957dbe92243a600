/* http_body.c - see http_body.h. */
#include "gateway/http/http_body.h"

#include <stdlib.h>

#include "common/gw_err.h"

long long http_body_declared(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);

	return cl ? strtoll(cl, NULL, 10) : -1;
}

int http_body_refused(long long declared, size_t max, int drain_factor)
{
	return declared > (long long)max * drain_factor;
}

int http_body_new(struct http_body **out, size_t max, int drain_factor, long long declared)
{
	struct http_body *b;
	int r = GW_ERR_NOMEM;

	if (!(b = calloc(1, sizeof(*b))))
		goto out;
	buf_init(&b->buf, max);
	b->too_big = declared > (long long)max;
	b->drain_max = max * (size_t)drain_factor;
	*out = b;
	r = 0;
out:
	return r;
}

int http_body_feed(struct http_body *b, const char *upload, size_t *upload_size)
{
	size_t n = *upload_size;

	if (!n)
		return 0;
	*upload_size = 0;
	b->seen += n;
	if (b->seen > b->drain_max)
		return GW_ERR_TOOBIG;
	if (!b->too_big && buf_add(&b->buf, upload, n) < 0)
		b->too_big = 1;
	return 1;
}

void http_body_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_body *b = *con_cls;

	if (b) {
		buf_release(&b->buf);
		free(b);
		*con_cls = NULL;
	}
}

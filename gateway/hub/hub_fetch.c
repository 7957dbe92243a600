#include "gateway/hub/hub_fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"

#define FETCH_CONNECT_S 30L
#define FETCH_STALL_S 60L      /* under 1 byte/s this long: given up */
#define FETCH_REDIRECTS 5L

struct sink {
	struct buf *out;
	size_t max;
	int full;
};

static size_t take(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;

	if (s->out->len + size * n > s->max || buf_add(s->out, data, size * n) < 0) {
		s->full = 1;
		return 0; /* libcurl stops with CURLE_WRITE_ERROR */
	}
	return size * n;
}

int hub_fetch_url(const char *base, const char *name, struct buf *out)
{
	size_t n = strlen(base);

	return buf_addf(out, "%.*s/%s", (int)(n && base[n - 1] == '/' ? n - 1 : n), base, name);
}

int hub_fetch(const char *url, size_t max, long timeout_s, struct buf *out, char *err, size_t errsz)
{
	char why[CURL_ERROR_SIZE] = "";
	struct sink sink = { out, max, 0 };
	CURL *c = NULL;
	CURLcode rc;
	long status = 0;
	int r = GW_ERR_NOMEM;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(c = curl_easy_init())) {
		snprintf(err, errsz, "%s: libcurl cannot start", url);
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http,file");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, FETCH_REDIRECTS);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, FETCH_CONNECT_S < timeout_s ? FETCH_CONNECT_S : timeout_s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, FETCH_STALL_S);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "gateway/" GW_VERSION);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, why);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_OK) {
		r = 0;
		goto out;
	}
	if (sink.full || rc == CURLE_FILESIZE_EXCEEDED) {
		r = GW_ERR_TOOBIG;
		snprintf(err, errsz, "%s: larger than %zu bytes", url, max);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		r = GW_ERR_TIMEOUT;
		snprintf(err, errsz, "%s: %s", url, *why ? why : curl_easy_strerror(rc));
	} else {
		r = GW_ERR_IO;
		if (rc == CURLE_HTTP_RETURNED_ERROR)
			snprintf(err, errsz, "%s: the server answered HTTP %ld", url, status);
		else if (rc == CURLE_PARTIAL_FILE)
			snprintf(err, errsz, "%s: the download broke off before its end (%s)", url,
				 *why ? why : curl_easy_strerror(rc));
		else
			snprintf(err, errsz, "%s: %s", url, *why ? why : curl_easy_strerror(rc));
	}
out:
	curl_easy_cleanup(c);
	return r;
}

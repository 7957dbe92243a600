#include "gateway/hub/hub_fetch.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"

#define FETCH_CONNECT_S 30L
#define FETCH_STALL_S 60L      /* under 1 byte/s this long: given up */
#define FETCH_REDIRECTS 5L

/* libcurl's calls we use, from the library loaded at the first download
 * (hub_fetch.h says why); the header gives the types and constants. */
struct curl_api {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *c);
	const char *(*easy_strerror)(CURLcode rc);
};

/* Debian's two flavours of libcurl 4: OpenSSL's, then GnuTLS's. */
static const char *const curl_sonames[] = { "libcurl.so.4", "libcurl-gnutls.so.4" };

static void *sym(void *lib, const char *name, int *missing)
{
	void *p = dlsym(lib, name);

	if (!p)
		*missing = 1;
	return p;
}

/* The library once per process, kept loaded (curl_global_init may run
 * only once). */
static int curl_load(const struct curl_api **out, char *why, size_t whysz)
{
	static struct curl_api api;
	static int loaded;
	void *lib = NULL;
	size_t i;
	int missing = 0, r = GW_ERR_UNSUPPORTED;

	if (loaded)
		goto done;
	for (i = 0; !lib && i < sizeof(curl_sonames) / sizeof(curl_sonames[0]); i++)
		lib = dlopen(curl_sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(why, whysz, "libcurl is not installed (%s)", dlerror());
		goto out;
	}
	/* POSIX guarantees a function's address survives the trip through void * */
	*(void **)&api.global_init = sym(lib, "curl_global_init", &missing);
	*(void **)&api.easy_init = sym(lib, "curl_easy_init", &missing);
	*(void **)&api.easy_setopt = sym(lib, "curl_easy_setopt", &missing);
	*(void **)&api.easy_perform = sym(lib, "curl_easy_perform", &missing);
	*(void **)&api.easy_getinfo = sym(lib, "curl_easy_getinfo", &missing);
	*(void **)&api.easy_cleanup = sym(lib, "curl_easy_cleanup", &missing);
	*(void **)&api.easy_strerror = sym(lib, "curl_easy_strerror", &missing);
	if (missing || api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(why, whysz, "libcurl cannot start");
		dlclose(lib);
		goto out;
	}
	loaded = 1;
done:
	*out = &api;
	r = 0;
out:
	return r;
}

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
	const struct curl_api *api = NULL;
	CURL *c = NULL;
	CURLcode rc;
	long status = 0;
	int r;

	if ((r = curl_load(&api, why, sizeof(why))) < 0) {
		snprintf(err, errsz, "%s: %s", url, why);
		goto out;
	}
	r = GW_ERR_NOMEM;
	if (!(c = api->easy_init())) {
		snprintf(err, errsz, "%s: libcurl cannot start", url);
		goto out;
	}
	api->easy_setopt(c, CURLOPT_URL, url);
	api->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http,file");
	api->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https,http");
	api->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	api->easy_setopt(c, CURLOPT_MAXREDIRS, FETCH_REDIRECTS);
	api->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	api->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	api->easy_setopt(c, CURLOPT_CONNECTTIMEOUT, FETCH_CONNECT_S < timeout_s ? FETCH_CONNECT_S : timeout_s);
	api->easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	api->easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	api->easy_setopt(c, CURLOPT_LOW_SPEED_TIME, FETCH_STALL_S);
	api->easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	api->easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	api->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	api->easy_setopt(c, CURLOPT_USERAGENT, "gateway/" GW_VERSION);
	api->easy_setopt(c, CURLOPT_ERRORBUFFER, why);
	api->easy_setopt(c, CURLOPT_WRITEFUNCTION, take);
	api->easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	rc = api->easy_perform(c);
	api->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_OK) {
		r = 0;
		goto out;
	}
	if (sink.full || rc == CURLE_FILESIZE_EXCEEDED) {
		r = GW_ERR_TOOBIG;
		snprintf(err, errsz, "%s: larger than %zu bytes", url, max);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		r = GW_ERR_TIMEOUT;
		snprintf(err, errsz, "%s: %s", url, *why ? why : api->easy_strerror(rc));
	} else {
		r = GW_ERR_IO;
		if (rc == CURLE_HTTP_RETURNED_ERROR)
			snprintf(err, errsz, "%s: the server answered HTTP %ld", url, status);
		else if (rc == CURLE_PARTIAL_FILE)
			snprintf(err, errsz, "%s: the download broke off before its end (%s)", url,
				 *why ? why : api->easy_strerror(rc));
		else
			snprintf(err, errsz, "%s: %s", url, *why ? why : api->easy_strerror(rc));
	}
out:
	if (c)
		api->easy_cleanup(c);
	return r;
}

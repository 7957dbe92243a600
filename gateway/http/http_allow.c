/* http_allow.c - see http_allow.h. */
#include "gateway/http/http_allow.h"

#include <netdb.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

int http_client_allowed(struct MHD_Connection *c, const char *list)
{
	const union MHD_ConnectionInfo *ci;
	char host[NI_MAXHOST];
	socklen_t slen;
	int ok = 0;

	if (!*list) {
		ok = 1;
		goto out;
	}
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		goto out;
	slen = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						       : sizeof(struct sockaddr_in);
	if (getnameinfo(ci->client_addr, slen, host, sizeof(host), NULL, 0, NI_NUMERICHOST) != 0)
		goto out;
	while (*list && !ok) {
		size_t n;

		list += strspn(list, " ,");
		n = strcspn(list, ", ");
		ok = n && strlen(host) == n && !strncasecmp(list, host, n);
		list += n;
	}
out:
	return ok;
}

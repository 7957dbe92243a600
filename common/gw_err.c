#include "common/gw_err.h"

const char *gw_strerror(int err)
{
	switch (err) {
	case GW_OK: return "success";
	case GW_ERR_NOMEM: return "out of memory";
	case GW_ERR_INVAL: return "invalid input";
	case GW_ERR_IO: return "input/output error";
	case GW_ERR_DB: return "database error";
	case GW_ERR_NOTFOUND: return "not found";
	case GW_ERR_EXISTS: return "already exists";
	case GW_ERR_TOOBIG: return "too big";
	case GW_ERR_CONFIG: return "invalid configuration";
	case GW_ERR_MODEM_GONE: return "modem not connected";
	case GW_ERR_TIMEOUT: return "modem timeout";
	case GW_ERR_SEND_PERM: return "message refused by the network";
	case GW_ERR_SEND_TEMP: return "temporary send failure";
	case GW_ERR_BUSY: return "busy";
	case GW_ERR_AUTH: return "not authorised";
	case GW_ERR_UNSUPPORTED: return "not supported";
	case GW_ERR_SECURITY: return "SIM needs a PIN or is missing";
	case GW_ERR_CORRUPT: return "malformed data";
	case GW_ERR_EMPTY: return "empty";
	}
	return "unknown error";
}

/* gw_err.h - the one error convention of the gateway.
 *
 * Every function that can fail returns int: 0 on success, a negative
 * GW_ERR_* on failure. Library codes (GSM_Error, SQLite result codes,
 * libconfig, errno) are translated at the module that owns the library
 * and never travel further.
 */
#ifndef GW_ERR_H
#define GW_ERR_H

enum gw_err {
	GW_OK = 0,
	GW_ERR_NOMEM = -1,       /* allocation failed */
	GW_ERR_INVAL = -2,       /* bad argument or malformed input */
	GW_ERR_IO = -3,          /* file or socket I/O failed */
	GW_ERR_DB = -4,          /* database error (details logged by storage) */
	GW_ERR_NOTFOUND = -5,    /* no such record */
	GW_ERR_EXISTS = -6,      /* record already exists / duplicate */
	GW_ERR_TOOBIG = -7,      /* a size cap was hit */
	GW_ERR_CONFIG = -8,      /* configuration is invalid */
	GW_ERR_MODEM_GONE = -9,  /* modem vanished or not connected: reconnect */
	GW_ERR_TIMEOUT = -10,    /* the modem did not answer in time */
	GW_ERR_SEND_PERM = -11,  /* network refused a message for good */
	GW_ERR_SEND_TEMP = -12,  /* network refused a message for now: retry */
	GW_ERR_BUSY = -13,       /* resource busy (database locked, modem busy) */
	GW_ERR_AUTH = -14,       /* not authenticated or not allowed */
	GW_ERR_UNSUPPORTED = -15,/* operation not supported by this device */
	GW_ERR_SECURITY = -16,   /* SIM needs a PIN or is missing: operator action */
	GW_ERR_CORRUPT = -17,    /* a stored message or file is malformed */
	GW_ERR_EMPTY = -18,      /* nothing there (no message at a location) */
};

/* On a function whose result says whether it worked: the compiler warns
 * when a caller ignores it (curl's dynbuf does the same). */
#define GW_WARN_UNUSED __attribute__((warn_unused_result))

/* A short English description of a GW_ERR_* code (never NULL). */
const char *gw_strerror(int err);

#endif

/* modem_text.h - text between the gateway (UTF-8) and libgammu (UCS-2).
 *
 * Private to modem/: it names GSM_* types. libgammu keeps text as
 * big-endian UTF-16 code units ("UCS-2" in its docs) terminated by two zero
 * bytes. Its own converters are unusable here: EncodeUnicode/DecodeUnicode
 * go through the process locale (UTF-8 becomes NUL at the first non-ASCII
 * byte under the C locale) and DecodeUnicodeString returns a 500-byte
 * static buffer. These do the conversion themselves, locale-free, with
 * surrogate pairs for characters beyond U+FFFF.
 *
 * modem_text_parts() and modem_text_is_gsm7() (declared in modem.h) live in
 * modem_text.c and use modem_text_encode(), the same path the transport
 * sends with, so a part count shown to a user is the count sent.
 */
#ifndef GW_MODEM_TEXT_H
#define GW_MODEM_TEXT_H

#include <stddef.h>

#include <gammu.h>

#include "common/buf.h"

/* Longest text accepted for sending, in UTF-16 units: libgammu's encoder
 * copies the text into a fixed buffer of GSM_MAX_SMS_LENGTH * 2 *
 * GSM_MAX_MULTI_SMS bytes and silently truncates past GSM_MAX_MULTI_SMS
 * parts, so longer input must be refused before it gets there. */
#define MODEM_TEXT_UNITS_MAX (GSM_MAX_MULTI_SMS * GSM_MAX_SMS_CHARS_LENGTH)

/* Convert NUL-terminated UTF-8 to a malloc'd UTF-16BE buffer with the
 * two-byte terminator; *units excludes the terminator. GW_ERR_INVAL on
 * invalid UTF-8 (overlong forms, encoded surrogates, > U+10FFFF, truncated
 * sequences), GW_ERR_TOOBIG past max_units. */
int modem_text_to_ucs2(const char *utf8, size_t max_units, unsigned char **out, size_t *units);

/* Same into a fixed libgammu field of dstsz bytes (e.g. a Number field). */
int modem_text_to_ucs2_field(const char *utf8, unsigned char *dst, size_t dstsz);

/* Append the UTF-8 form of at most units UTF-16BE code units to out,
 * stopping early at a zero unit. An unpaired surrogate becomes U+FFFD, so
 * anything a phone sends decodes to valid UTF-8. */
int modem_text_from_ucs2(const unsigned char *ucs2, size_t units, struct buf *out);

/* Copy UTF-8 src into dst (dstsz bytes, always NUL-terminated), cutting at
 * a character boundary when it does not fit. Returns 1 if it was cut. */
int modem_text_copy_trunc(char *dst, size_t dstsz, const char *src);

/* Encode text as libgammu SMS parts: GSM-7 when modem_text_is_gsm7(),
 * otherwise UCS-2, concatenated (8-bit reference, set by the caller) when
 * longer than one part. *ucs2 tells which. GW_ERR_INVAL on invalid UTF-8,
 * GW_ERR_TOOBIG when libgammu cannot hold it. */
int modem_text_encode(const char *utf8, GSM_MultiSMSMessage *sms, int *ucs2);

#endif

/* hash.h - a 64-bit FNV-1a hash of a string.
 *
 * Not cryptographic: for fingerprints that must be equal for equal text
 * (inbound parts seen twice, identical outbound texts counted against the
 * operators' same-text limits). Stored in SQLite as a signed 64-bit value.
 */
#ifndef GW_HASH_H
#define GW_HASH_H

#include <stdint.h>

uint64_t hash_fnv1a64(const char *s);

/* The same as SQLite stores it (two's complement, INTEGER). */
int64_t hash_text_key(const char *s);

#endif

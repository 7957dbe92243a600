/* pwhash.h - how the gateway keeps a secret it must check later.
 *
 * Officers' PINs and web console passwords are stored as Argon2id strings
 * (libsodium's crypto_pwhash_str): salt and cost inside, so checking needs
 * no parameter. Production uses libsodium's interactive limits (about
 * 0.1 s and 64 MiB a hash); tests and benchmarks ask for the minimum.
 */
#ifndef GW_PWHASH_H
#define GW_PWHASH_H

#include <stddef.h>

#include "common/gw_err.h"

#define PWHASH_MAX 128 /* crypto_pwhash_STRBYTES */

enum pwhash_cost { PWHASH_INTERACTIVE = 0, PWHASH_MIN = 1 };

/* The Argon2id string of secret (len bytes) into out (at least PWHASH_MAX
 * bytes, else GW_ERR_INVAL); GW_ERR_NOMEM when libsodium cannot run. */
int pwhash_make(const char *secret, size_t len, enum pwhash_cost cost, char *out,
		size_t outsz) GW_WARN_UNUSED;

/* 1 when secret (len bytes) is the one hash was made from; 0 when not, or
 * when hash is empty. */
int pwhash_check(const char *hash, const char *secret, size_t len);

#endif

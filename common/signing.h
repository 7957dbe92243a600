/* signing.h - Ed25519 signatures for content a hub publishes.
 *
 * A hub holds a secret key in a file of its own (mode 0600, made by
 * signing_keygen); the boxes that trust it hold its public key, in
 * base64, in their configuration (sync.pubkey). What the hub publishes is
 * signed with crypto_sign_detached (libsodium), the signature written
 * apart in base64, and a box checks it (signing_verify) before it reads
 * one byte of what was signed.
 *
 * Key file: a comment line, then the 64-byte libsodium secret key (seed
 * and public key) in base64. Base64 here is the standard alphabet with
 * padding; blanks and newlines around it are ignored when reading.
 */
#ifndef GW_SIGNING_H
#define GW_SIGNING_H

#include <stddef.h>

#include "common/gw_err.h"

#define SIGNING_PUBLIC_B64 45 /* 32 bytes in base64 and its NUL */
#define SIGNING_SIG_B64 89    /* 64 bytes in base64 and its NUL */
#define SIGNING_SECRET_BYTES 64

struct signing_key {
	unsigned char secret[SIGNING_SECRET_BYTES];
};

/* A new key pair: the secret key written to path (created, never over an
 * existing file: GW_ERR_EXISTS; mode 0600), the public key in base64 into
 * pub (SIGNING_PUBLIC_B64 bytes). GW_ERR_IO when the file cannot be made. */
int signing_keygen(const char *path, char *pub) GW_WARN_UNUSED;

/* The secret key of a key file; GW_ERR_INVAL when it is not one,
 * GW_ERR_IO when it cannot be read. Clear it with signing_forget(). */
int signing_load(const char *path, struct signing_key *key) GW_WARN_UNUSED;
void signing_forget(struct signing_key *key);

/* The public key of key in base64 (SIGNING_PUBLIC_B64 bytes). */
void signing_public(const struct signing_key *key, char *pub);

/* The detached signature of data[0..len) in base64 (SIGNING_SIG_B64 bytes). */
int signing_sign(const struct signing_key *key, const void *data, size_t len, char *sig) GW_WARN_UNUSED;

/* 0 when sig (base64, blanks around allowed) is pub's signature of
 * data[0..len); GW_ERR_AUTH when it is not, GW_ERR_INVAL when pub or sig
 * is not a key or signature at all. */
int signing_verify(const char *pub, const void *data, size_t len, const char *sig) GW_WARN_UNUSED;

/* 0 when text is a public key in base64 (configuration checks). */
int signing_check_public(const char *text);

#endif

/* pwhash.c - see pwhash.h. */
#include "common/pwhash.h"

#include <sodium.h>
#include <string.h>

int pwhash_make(const char *secret, size_t len, enum pwhash_cost cost, char *out, size_t outsz)
{
	char hash[crypto_pwhash_STRBYTES];
	unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	int r = GW_ERR_INVAL;

	if (outsz < sizeof(hash))
		goto out;
	r = GW_ERR_NOMEM; /* what sodium_init and crypto_pwhash fail for, in practice */
	if (sodium_init() < 0)
		goto out;
	if (cost == PWHASH_MIN) {
		ops = crypto_pwhash_OPSLIMIT_MIN;
		mem = crypto_pwhash_MEMLIMIT_MIN;
	}
	if (crypto_pwhash_str_alg(hash, secret, len, ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		goto out;
	memcpy(out, hash, sizeof(hash));
	r = 0;
out:
	sodium_memzero(hash, sizeof(hash));
	return r;
}

int pwhash_check(const char *hash, const char *secret, size_t len)
{
	if (!*hash || sodium_init() < 0)
		return 0;
	return crypto_pwhash_str_verify(hash, secret, len) == 0;
}

#include "common/signing.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fdio.h"

#define SIGNING_FILE_MAX 4096
#define SIGNING_HEADER "# gateway hub signing key (Ed25519, libsodium): keep it secret, mode 0600\n"

/* text (blanks around it allowed) decoded into exactly n bytes of out. */
static int from_b64(const char *text, unsigned char *out, size_t n)
{
	size_t len = strlen(text), got = 0;
	const char *end = NULL;

	if (sodium_base642bin(out, n, text, len, " \t\r\n", &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 || got != n || !end)
		return GW_ERR_INVAL;
	for (; *end; end++)
		if (!strchr(" \t\r\n", *end))
			return GW_ERR_INVAL;
	return 0;
}

int signing_keygen(const char *path, char *pub)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_SECRETKEYBYTES, sodium_base64_VARIANT_ORIGINAL)];
	int fd = -1, r = GW_ERR_NOMEM;

	if (sodium_init() < 0 || crypto_sign_keypair(pk, sk) != 0)
		goto out;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = errno == EEXIST ? GW_ERR_EXISTS : GW_ERR_IO;
		goto out;
	}
	sodium_bin2base64(b64, sizeof(b64), sk, sizeof(sk), sodium_base64_VARIANT_ORIGINAL);
	/* 0600 whatever the umask left */
	if (fchmod(fd, 0600) != 0 || (r = fdio_write_all(fd, SIGNING_HEADER, strlen(SIGNING_HEADER))) < 0 ||
	    (r = fdio_write_all(fd, b64, strlen(b64))) < 0 || (r = fdio_write_all(fd, "\n", 1)) < 0 ||
	    fsync(fd) != 0) {
		r = GW_ERR_IO;
		goto out;
	}
	sodium_bin2base64(pub, SIGNING_PUBLIC_B64, pk, sizeof(pk), sodium_base64_VARIANT_ORIGINAL);
	r = 0;
out:
	if (fd >= 0 && close(fd) != 0 && r == 0)
		r = GW_ERR_IO;
	if (fd >= 0 && r < 0)
		unlink(path);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(b64, sizeof(b64));
	return r;
}

int signing_load(const char *path, struct signing_key *key)
{
	FILE *f = fopen(path, "re");
	char line[SIGNING_FILE_MAX];
	int r = GW_ERR_IO;

	if (!f)
		goto out;
	r = GW_ERR_INVAL;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (sodium_init() >= 0 && from_b64(line, key->secret, sizeof(key->secret)) == 0)
			r = 0;
		break;
	}
	sodium_memzero(line, sizeof(line));
out:
	if (f)
		fclose(f);
	return r;
}

void signing_forget(struct signing_key *key)
{
	sodium_memzero(key, sizeof(*key));
}

void signing_public(const struct signing_key *key, char *pub)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];

	crypto_sign_ed25519_sk_to_pk(pk, key->secret);
	sodium_bin2base64(pub, SIGNING_PUBLIC_B64, pk, sizeof(pk), sodium_base64_VARIANT_ORIGINAL);
}

int signing_sign(const struct signing_key *key, const void *data, size_t len, char *sig)
{
	unsigned char s[crypto_sign_BYTES];

	if (sodium_init() < 0 || crypto_sign_detached(s, NULL, data, len, key->secret) != 0)
		return GW_ERR_NOMEM;
	sodium_bin2base64(sig, SIGNING_SIG_B64, s, sizeof(s), sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

int signing_verify(const char *pub, const void *data, size_t len, const char *sig)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], s[crypto_sign_BYTES];

	if (sodium_init() < 0)
		return GW_ERR_NOMEM;
	if (from_b64(pub, pk, sizeof(pk)) < 0 || from_b64(sig, s, sizeof(s)) < 0)
		return GW_ERR_INVAL;
	return crypto_sign_verify_detached(s, data, len, pk) == 0 ? 0 : GW_ERR_AUTH;
}

int signing_check_public(const char *text)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];

	return sodium_init() < 0 ? GW_ERR_NOMEM : from_b64(text, pk, sizeof(pk));
}

/* Unit tests: common/signing (the hub's Ed25519 key file, detached
 * signatures): real files in a throw-away folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/tmpdir.h"

#include "common/gw_err.h"
#include "common/signing.h"

struct fx {
	char dir[64];
	char key[128];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/gwsign-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->key, sizeof(f->key), "%s/hub.key", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	assert_int_equal(tmpdir_remove(f->dir), 0);
	free(f);
	return 0;
}

static void test_keygen_file(void **state)
{
	struct fx *f = *state;
	char pub[SIGNING_PUBLIC_B64], again[SIGNING_PUBLIC_B64];
	struct signing_key k;
	struct stat st;
	mode_t old = umask(0);

	/* 0600 even under a permissive umask */
	assert_int_equal(signing_keygen(f->key, pub), 0);
	umask(old);
	assert_int_equal(stat(f->key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(strlen(pub), 44);
	assert_int_equal(signing_check_public(pub), 0);
	/* never over an existing key: the boxes trust that one */
	assert_int_equal(signing_keygen(f->key, again), GW_ERR_EXISTS);
	/* the file gives the same public key back */
	assert_int_equal(signing_load(f->key, &k), 0);
	signing_public(&k, again);
	assert_string_equal(again, pub);
	signing_forget(&k);
}

static void test_sign_and_verify(void **state)
{
	static const char text[] = "{\"format\":\"gateway-content\",\"version\":7}";
	struct fx *f = *state;
	char pub[SIGNING_PUBLIC_B64], other_pub[SIGNING_PUBLIC_B64], sig[SIGNING_SIG_B64],
		other_key[160], bad[SIGNING_SIG_B64 + 8], padded[SIGNING_SIG_B64 + 8];
	struct signing_key k;

	assert_int_equal(signing_keygen(f->key, pub), 0);
	snprintf(other_key, sizeof(other_key), "%s/other.key", f->dir);
	assert_int_equal(signing_keygen(other_key, other_pub), 0);
	assert_int_equal(signing_load(f->key, &k), 0);
	assert_int_equal(signing_sign(&k, text, strlen(text), sig), 0);
	assert_int_equal(signing_verify(pub, text, strlen(text), sig), 0);
	/* blanks around the signature, as a file holds it */
	snprintf(padded, sizeof(padded), " %s\n", sig);
	assert_int_equal(signing_verify(pub, text, strlen(text), padded), 0);
	/* one byte changed, one byte short, another key */
	{
		char changed[sizeof(text)];

		memcpy(changed, text, sizeof(text));
		changed[5] ^= 1;
		assert_int_equal(signing_verify(pub, changed, strlen(changed), sig), GW_ERR_AUTH);
	}
	assert_int_equal(signing_verify(pub, text, strlen(text) - 1, sig), GW_ERR_AUTH);
	assert_int_equal(signing_verify(other_pub, text, strlen(text), sig), GW_ERR_AUTH);
	/* a changed signature fails; not base64, or the wrong length, is no signature */
	memcpy(bad, sig, sizeof(sig));
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	assert_int_equal(signing_verify(pub, text, strlen(text), bad), GW_ERR_AUTH);
	assert_int_equal(signing_verify(pub, text, strlen(text), "not*base64"), GW_ERR_INVAL);
	assert_int_equal(signing_verify(pub, text, strlen(text), "AAAA"), GW_ERR_INVAL);
	assert_int_equal(signing_verify("AAAA", text, strlen(text), sig), GW_ERR_INVAL);
	assert_int_equal(signing_check_public(""), GW_ERR_INVAL);
	assert_int_equal(signing_check_public(sig), GW_ERR_INVAL); /* 64 bytes: not a key */
	signing_forget(&k);
}

static void test_key_files_refused(void **state)
{
	struct fx *f = *state;
	struct signing_key k;
	char path[128];
	FILE *o;

	assert_int_equal(signing_load(f->key, &k), GW_ERR_IO); /* none yet */
	snprintf(path, sizeof(path), "%s/not.key", f->dir);
	o = fopen(path, "w");
	assert_non_null(o);
	fputs("# a comment\nAAAA\n", o);
	fclose(o);
	assert_int_equal(signing_load(path, &k), GW_ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keygen_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_and_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_files_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("signing", tests, NULL, NULL);
}

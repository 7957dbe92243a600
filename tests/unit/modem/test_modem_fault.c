/* test_modem_fault.c - the fault-injection decorator.
 *
 * Most tests wrap a fake transport that counts calls, so they see exactly
 * which ops reached the inner modem. One wraps the real dummy driver to
 * show the decorator composes with it. The control file is always
 * replaced atomically (write + rename), as the decorator asks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/tmpdir.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/gw_err.h"
#include "common/log.h"
#include "modem/modem.h"

/* ---- fake inner transport ---- */

struct fake {
	int calls, opens, closes, sends, reads, destroyed;
};

static struct fake fk;

static int f_open(struct modem *m) { (void)m; fk.calls++; fk.opens++; return 0; }
static void f_close(struct modem *m) { (void)m; fk.closes++; }
static int f_read(struct modem *m, struct modem_part **p, size_t *n)
{
	(void)m;
	fk.calls++;
	fk.reads++;
	*p = NULL;
	*n = 0;
	return 0;
}
static int f_delete(struct modem *m, const struct modem_part *p) { (void)m; (void)p; fk.calls++; return 0; }
static int f_send(struct modem *m, const char *ph, const char *t, const struct modem_send_req *req,
		  struct modem_sent *o)
{
	(void)m;
	(void)ph;
	(void)t;
	(void)req;
	fk.calls++;
	fk.sends++;
	o->parts = 1;
	o->total = 1;
	o->ref = 0;
	o->ucs2 = 0;
	o->network_error = 0;
	return 0;
}
static int f_status(struct modem *m, struct modem_status *o)
{
	(void)m;
	fk.calls++;
	memset(o, 0, sizeof(*o));
	o->connected = 1;
	return 0;
}
static int f_ussd(struct modem *m, const char *c, int t, char *a, size_t n)
{
	(void)m;
	(void)c;
	(void)t;
	fk.calls++;
	snprintf(a, n, "ok");
	return 0;
}
static int f_poll(struct modem *m, struct modem_event *e, size_t max, size_t *n)
{
	(void)m;
	(void)e;
	(void)max;
	fk.calls++;
	*n = 0;
	return 0;
}
static int f_hangup(struct modem *m) { (void)m; fk.calls++; return 0; }
static void f_destroy(struct modem *m) { fk.destroyed++; free(m); }

static const struct modem_ops fake_ops = {
	.name = "fake", .open = f_open, .close = f_close, .read_pending = f_read,
	.delete_part = f_delete, .send = f_send, .status = f_status, .ussd = f_ussd,
	.poll_events = f_poll, .hangup = f_hangup, .destroy = f_destroy,
};

/* ---- fixture ---- */

struct fx {
	char dir[64];
	char ctl[96];
	struct modem *m;
};

static void control(struct fx *f, const char *text)
{
	char tmp[128];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s/.ctl.tmp", f->dir);
	fp = fopen(tmp, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(rename(tmp, f->ctl), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct modem *inner = calloc(1, sizeof(*inner));

	assert_non_null(f);
	assert_non_null(inner);
	inner->ops = &fake_ops;
	memset(&fk, 0, sizeof(fk));
	snprintf(f->dir, sizeof(f->dir), "/tmp/gwfault.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->ctl, sizeof(f->ctl), "%s/faults", f->dir);
	assert_int_equal(modem_fault_create(&f->m, inner, f->ctl), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	modem_destroy(f->m);
	assert_int_equal(fk.destroyed, 1); /* the decorator owns its inner modem */
	assert_int_equal(tmpdir_remove(f->dir), 0);
	free(f);
	return 0;
}

static int send1(struct fx *f, struct modem_sent *s)
{
	memset(s, 0, sizeof(*s));
	return modem_send(f->m, "+84901234567", "hello", s);
}

/* ---- tests ---- */

static void test_no_file_passes_through(void **state)
{
	struct fx *f = *state;
	struct modem_part *p;
	struct modem_sent s;
	struct modem_status st;
	struct modem_event ev;
	char ans[8];
	size_t n;

	assert_int_equal(modem_open(f->m), 0);
	assert_int_equal(modem_read_pending(f->m, &p, &n), 0);
	assert_int_equal(send1(f, &s), 0);
	assert_int_equal(s.parts, 1);
	assert_int_equal(modem_status(f->m, &st), 0);
	assert_int_equal(modem_ussd(f->m, "*101#", 10, ans, sizeof(ans)), 0);
	assert_int_equal(modem_poll_events(f->m, &ev, 1, &n), 0);
	assert_int_equal(modem_hangup(f->m), 0);
	modem_close(f->m);
	assert_int_equal(fk.calls, 7);
	assert_int_equal(fk.closes, 1);
}

static void test_gone_and_back(void **state)
{
	struct fx *f = *state;
	struct modem_part *p;
	struct modem_sent s;
	size_t n;

	control(f, "gone\n");
	assert_int_equal(modem_open(f->m), GW_ERR_MODEM_GONE);
	assert_int_equal(modem_read_pending(f->m, &p, &n), GW_ERR_MODEM_GONE);
	assert_int_equal(send1(f, &s), GW_ERR_MODEM_GONE);
	assert_int_equal(s.network_error, 0);
	assert_int_equal(modem_hangup(f->m), GW_ERR_MODEM_GONE);
	assert_int_equal(fk.calls, 0); /* nothing reached the modem */
	modem_close(f->m);
	assert_int_equal(fk.closes, 1); /* close is never faulted */
	control(f, "clear\n");
	assert_int_equal(modem_open(f->m), 0);
	assert_int_equal(fk.opens, 1);
	control(f, "gone\n");
	assert_int_equal(modem_open(f->m), GW_ERR_MODEM_GONE);
	control(f, ""); /* empty file = no faults */
	assert_int_equal(modem_open(f->m), 0);
	control(f, "gone\n");
	assert_int_equal(unlink(f->ctl), 0); /* missing file = no faults */
	assert_int_equal(modem_read_pending(f->m, &p, &n), 0);
}

static void test_timeout_per_op(void **state)
{
	struct fx *f = *state;
	struct modem_part *p;
	struct modem_sent s;
	struct modem_status st;
	char ans[8];
	size_t n;

	control(f, "# only sending hangs\ntimeout send\n");
	assert_int_equal(send1(f, &s), GW_ERR_TIMEOUT);
	assert_int_equal(modem_read_pending(f->m, &p, &n), 0);
	assert_int_equal(modem_status(f->m, &st), 0);
	control(f, "timeout ussd\n  timeout status  \n");
	assert_int_equal(modem_ussd(f->m, "*101#", 10, ans, sizeof(ans)), GW_ERR_TIMEOUT);
	assert_int_equal(modem_status(f->m, &st), GW_ERR_TIMEOUT);
	assert_int_equal(send1(f, &s), 0);
	control(f, "timeout any\n");
	assert_int_equal(modem_open(f->m), GW_ERR_TIMEOUT);
	assert_int_equal(modem_read_pending(f->m, &p, &n), GW_ERR_TIMEOUT);
	assert_int_equal(modem_delete_part(f->m, &(struct modem_part){ 0 }), GW_ERR_TIMEOUT);
}

static void test_cms_classified(void **state)
{
	struct fx *f = *state;
	struct modem_sent s;

	control(f, "cms 1 send\n");
	assert_int_equal(send1(f, &s), GW_ERR_SEND_PERM);
	assert_int_equal(s.network_error, 1);
	assert_int_equal(s.parts, 0);
	control(f, "cms 38\n");
	assert_int_equal(send1(f, &s), GW_ERR_SEND_TEMP);
	assert_int_equal(s.network_error, 38);
	control(f, "cms 500 send\n");
	assert_int_equal(send1(f, &s), GW_ERR_SEND_TEMP);
	assert_int_equal(s.network_error, 500);
	assert_int_equal(fk.sends, 0);
}

static void test_once(void **state)
{
	struct fx *f = *state;
	struct modem_sent s;

	control(f, "cms 38 send once\n");
	assert_int_equal(send1(f, &s), GW_ERR_SEND_TEMP);
	assert_int_equal(send1(f, &s), 0);
	assert_int_equal(send1(f, &s), 0);
	/* Rewriting the file (even unchanged) arms it again. */
	control(f, "cms 38 send once\n");
	assert_int_equal(send1(f, &s), GW_ERR_SEND_TEMP);
	assert_int_equal(send1(f, &s), 0);
	/* First match wins; a spent once-directive lets the next one act. */
	control(f, "gone once\ntimeout send\n");
	assert_int_equal(send1(f, &s), GW_ERR_MODEM_GONE);
	assert_int_equal(send1(f, &s), GW_ERR_TIMEOUT);
	assert_int_equal(fk.sends, 3);
}

static void test_clear_and_garbage(void **state)
{
	struct fx *f = *state;
	struct modem_sent s;

	control(f, "gone\nclear\n");
	assert_int_equal(send1(f, &s), 0);
	control(f, "bogus line\ntimeout nowhere\ncms x send\nslow -5\nclear once\n");
	assert_int_equal(send1(f, &s), 0);
	control(f, "clear\ntimeout send # trailing comment\n");
	assert_int_equal(send1(f, &s), GW_ERR_TIMEOUT);
}

static void test_slow(void **state)
{
	struct fx *f = *state;
	struct modem_sent s;
	struct timespec a, b;
	long ms;

	control(f, "slow 30\n");
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(send1(f, &s), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms >= 30);
}

static void test_create_invalid(void **state)
{
	struct modem inner = { &fake_ops, NULL };
	struct modem *m = NULL;

	(void)state;
	memset(&fk, 0, sizeof(fk));
	assert_int_equal(modem_fault_create(&m, &inner, ""), GW_ERR_INVAL);
	assert_int_equal(modem_fault_create(&m, NULL, "/tmp/x"), GW_ERR_INVAL);
	assert_int_equal(modem_fault_create(NULL, &inner, "/tmp/x"), GW_ERR_INVAL);
	assert_null(m);
	assert_int_equal(fk.destroyed, 0); /* inner untouched on failure */
}

static void test_over_dummy(void **state)
{
	char dir[64], ctl[96];
	struct modem_config cfg = { "dummy", "none", NULL, "", 0 };
	struct modem *g = NULL, *m = NULL;
	struct modem_status st;
	struct fx fx;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/gwfaultd.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(ctl, sizeof(ctl), "%s/faults", dir);
	cfg.device = dir;
	assert_int_equal(modem_gammu_create(&g, &cfg), 0);
	assert_int_equal(modem_fault_create(&m, g, ctl), 0);
	memset(&fx, 0, sizeof(fx));
	snprintf(fx.dir, sizeof(fx.dir), "%s", dir);
	snprintf(fx.ctl, sizeof(fx.ctl), "%s", ctl);
	control(&fx, "gone\n");
	assert_int_equal(modem_open(m), GW_ERR_MODEM_GONE);
	control(&fx, "clear\n");
	assert_int_equal(modem_open(m), 0);
	assert_int_equal(modem_status(m, &st), 0);
	assert_int_equal(st.signal_percent, 42);
	modem_destroy(m);
	assert_int_equal(tmpdir_remove(dir), 0);
}

static void test_helpers(void **state)
{
	(void)state;
	/* modem.c helpers that the decorator relies on or sits next to. */
	assert_int_equal(modem_cms_permanent(1), 1);
	assert_int_equal(modem_cms_permanent(8), 1);
	assert_int_equal(modem_cms_permanent(21), 1);
	assert_int_equal(modem_cms_permanent(50), 1);
	assert_int_equal(modem_cms_permanent(96), 1);
	assert_int_equal(modem_cms_permanent(304), 1);
	assert_int_equal(modem_cms_permanent(305), 1);
	assert_int_equal(modem_cms_permanent(38), 0);
	assert_int_equal(modem_cms_permanent(41), 0);
	assert_int_equal(modem_cms_permanent(42), 0);
	assert_int_equal(modem_cms_permanent(111), 0);
	assert_int_equal(modem_cms_permanent(331), 0);
	assert_int_equal(modem_cms_permanent(500), 0);
	assert_int_equal(modem_cms_permanent(535), 0);
	assert_int_equal(modem_cms_permanent(616), 0);
	assert_int_equal(modem_cms_permanent(9999), 0);
	assert_int_equal(modem_reconnect_delay_ms(1, 500, 30000), 500);
	assert_int_equal(modem_reconnect_delay_ms(2, 500, 30000), 1000);
	assert_int_equal(modem_reconnect_delay_ms(4, 500, 30000), 4000);
	assert_int_equal(modem_reconnect_delay_ms(7, 500, 30000), 30000);
	assert_int_equal(modem_reconnect_delay_ms(1000000, 500, 30000), 30000);
	assert_int_equal(modem_reconnect_delay_ms(0, 500, 30000), 500);
	assert_int_equal(modem_reconnect_delay_ms(40, 1, 2147483647), 2147483647);
	assert_int_equal(modem_number_is_service(""), 1);
	assert_int_equal(modem_number_is_service(NULL), 1);
	assert_int_equal(modem_number_is_service("VIETTEL"), 1);
	assert_int_equal(modem_number_is_service("Bank123"), 1);
	assert_int_equal(modem_number_is_service("9029"), 1);
	assert_int_equal(modem_number_is_service("+1234567"), 1);
	assert_int_equal(modem_number_is_service("12345678"), 0);
	assert_int_equal(modem_number_is_service("+84901234567"), 0);
	assert_int_equal(modem_number_is_service("0901234567"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_file_passes_through, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gone_and_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_per_op, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cms_classified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clear_and_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow, setup, teardown),
		cmocka_unit_test(test_create_invalid),
		cmocka_unit_test(test_over_dummy),
		cmocka_unit_test(test_helpers),
	};

	setlocale(LC_ALL, "C");
	log_setup("test", LOG_LVL_ERROR, 0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

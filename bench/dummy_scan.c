/* dummy_scan.c - what one look at libgammu's dummy phone costs here.
 *
 * Every daemon on the dummy driver pays this for each check for new
 * messages: GSM_GetSMSStatus counts the files of 5 folders x 10,000
 * locations with fopen(), and a GSM_GetNextSMS pass probes the same
 * 50,000 names. The cost is the machine's (syscalls, path lookups), not
 * the daemon's, and it bounds both daemons in the benchmarks: gammu-smsd
 * counts once per loop, gatewayd reads once per poll interval.
 *
 * Times both on an empty dummy phone in PHONE_DIR, ROUNDS times each
 * (default 7), and prints one JSON object:
 *   {"rounds": R, "get_sms_status_ms": {"median": .., "min": .., "max": ..},
 *    "get_next_sms_pass_ms": {...}, "probes": 50000}
 *
 * Build: make bench-bins (build/bench/bin/bench_dummy_scan)
 * Run:   build/bench/bin/bench_dummy_scan /tmp/empty-phone [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gammu.h>

#define SCAN_ROUNDS_MAX 101

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void print_stats(const char *name, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	printf("\"%s\": {\"median\": %.2f, \"min\": %.2f, \"max\": %.2f}", name,
	       n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0, v[0], v[n - 1]);
}

static int dummy_open(GSM_StateMachine **out, const char *dir)
{
	GSM_StateMachine *s = GSM_AllocStateMachine();
	GSM_Config *cfg;
	int r = -1;

	if (!s)
		goto out;
	cfg = GSM_GetConfig(s, 0);
	free(cfg->Device);
	free(cfg->Connection);
	cfg->Device = strdup(dir);
	cfg->Connection = strdup("none");
	if (!cfg->Device || !cfg->Connection)
		goto out;
	snprintf(cfg->Model, sizeof(cfg->Model), "dummy");
	GSM_SetConfigNum(s, 1);
	if (GSM_InitConnection(s, 1) != ERR_NONE) {
		fprintf(stderr, "dummy_scan: cannot open a dummy phone in %s (it must exist)\n", dir);
		goto out;
	}
	*out = s;
	s = NULL;
	r = 0;
out:
	if (s)
		GSM_FreeStateMachine(s);
	return r;
}

int main(int argc, char **argv)
{
	double status_ms[SCAN_ROUNDS_MAX], pass_ms[SCAN_ROUNDS_MAX];
	GSM_StateMachine *s = NULL;
	GSM_MultiSMSMessage *sms = NULL;
	GSM_SMSMemoryStatus st;
	long rounds = 7;
	int i, rc = 1;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s PHONE_DIR [ROUNDS]\n", argv[0]);
		return 2;
	}
	if (argc == 3) {
		char *end = NULL;

		rounds = strtol(argv[2], &end, 10);
		if (!end || *end || rounds < 1 || rounds > SCAN_ROUNDS_MAX) {
			fprintf(stderr, "dummy_scan: ROUNDS must be 1..%d\n", SCAN_ROUNDS_MAX);
			return 2;
		}
	}
	if (dummy_open(&s, argv[1]) < 0)
		goto out;
	if (!(sms = calloc(1, sizeof(*sms))))
		goto out;
	for (i = 0; i < rounds; i++) {
		double t0 = now_ms();
		GSM_Error e;
		int start = 1, steps = 0;

		if (GSM_GetSMSStatus(s, &st) != ERR_NONE) {
			fprintf(stderr, "dummy_scan: GetSMSStatus failed\n");
			goto out;
		}
		status_ms[i] = now_ms() - t0;
		t0 = now_ms();
		memset(sms, 0, sizeof(*sms));
		do { /* never reset Folder: the cursor is Folder/Location */
			e = GSM_GetNextSMS(s, sms, start);
			start = 0;
		} while (e == ERR_NONE && ++steps < 60000);
		pass_ms[i] = now_ms() - t0;
	}
	printf("{\"rounds\": %ld, \"probes\": 50000, ", rounds);
	print_stats("get_sms_status_ms", status_ms, (int)rounds);
	printf(", ");
	print_stats("get_next_sms_pass_ms", pass_ms, (int)rounds);
	printf("}\n");
	rc = 0;
out:
	free(sms);
	if (s) {
		GSM_TerminateConnection(s);
		GSM_FreeStateMachine(s);
	}
	return rc;
}

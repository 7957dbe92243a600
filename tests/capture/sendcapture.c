/* sendcapture.c - LD_PRELOAD shim recording every SMS part a process sends.
 *
 * The dummy driver stores nothing it sends, so tests and benchmarks preload
 * this into the daemon under test (ours or Debian's gammu-smsd, whose
 * libgsmsd calls GSM_SendSMS through the PLT too). It defines GSM_SendSMS
 * and GSM_DialService, calls the real ones (dlsym(RTLD_NEXT)), and when
 * the real call returned ERR_NONE and GW_CAPTURE_DIR is set, writes:
 *
 *   <sent_at_ns>-<pid>-<n>.smsbackup   one part, Gammu smsbackup format
 *   <sent_at_ns>-<pid>-<n>.ussd        a USSD code dialled ([USSD] Code=...)
 *
 * sent_at_ns is CLOCK_REALTIME in nanoseconds right after the real call,
 * also written as a "; sent_at_ns = N" line and a SentAtNs key (which
 * libgammu's reader ignores), so benchmarks can measure latency. Files are
 * written under a ".tmp-" name (invisible to readers that skip dot files)
 * created with O_EXCL, then published with link(), which never replaces an
 * existing file: names stay unique across processes and restarts.
 *
 * The INI is written by hand rather than with GSM_AddSMSBackupFile: that
 * one goes through DecodeUnicodeString's static 500-byte buffer and the
 * locale, and trusts Length, which gammu-smsd's SQL backend leaves at 0.
 * Here Length is recomputed from the text. Capture problems are reported
 * once on stderr and never change what the real call returned.
 *
 * Build: cc -shared -fPIC -O2 -o sendcapture.so tests/capture/sendcapture.c \
 *            $(pkg-config --cflags --libs gammu) -ldl
 * Under an ASan-built daemon, preload libasan first or set
 * ASAN_OPTIONS=verify_asan_link_order=0.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gammu.h>

#define TEXT_LINE_HEX 200 /* libgammu's own smsbackup line length */

typedef GSM_Error (*send_fn)(GSM_StateMachine *, GSM_SMSMessage *);
typedef GSM_Error (*dial_fn)(GSM_StateMachine *, char *);

static send_fn real_send;
static dial_fn real_dial;
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static unsigned long counter;
static int warned;

static void resolve(void)
{
	real_send = (send_fn)dlsym(RTLD_NEXT, "GSM_SendSMS");
	real_dial = (dial_fn)dlsym(RTLD_NEXT, "GSM_DialService");
}

static void warn_once(const char *what, int err)
{
	if (__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED) == 0)
		fprintf(stderr, "sendcapture: %s: %s (further errors not shown)\n", what,
			strerror(err));
}

/* A small growable string: the shim cannot use the gateway's common/. */
struct sb {
	char *p;
	size_t len, cap;
	int failed;
};

static void sb_addf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_addf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = 1;
			return;
		}
		if (b->p && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t nc = (b->cap ? b->cap : 1024) + (size_t)n + 1024;
		char *np = realloc(b->p, nc);

		if (!np) {
			b->failed = 1;
			return;
		}
		b->p = np;
		b->cap = nc;
	}
}

static void sb_hex(struct sb *b, const unsigned char *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sb_addf(b, "%02X", d[i]);
}

static size_t ucs2_units(const unsigned char *u, size_t max)
{
	size_t n = 0;

	while (n < max && (u[2 * n] || u[2 * n + 1]))
		n++;
	return n;
}

/* Key = "printable" plus KeyUnicode = hex; libgammu prefers the latter. */
static void sb_number(struct sb *b, const char *key, const unsigned char *u, size_t max)
{
	size_t n = ucs2_units(u, max), i;

	sb_addf(b, "%s = \"", key);
	for (i = 0; i < n; i++) {
		unsigned c = ((unsigned)u[2 * i] << 8) | u[2 * i + 1];

		sb_addf(b, "%c", c >= 0x20 && c < 0x7F && c != '"' ? (char)c : '?');
	}
	sb_addf(b, "\"\n%sUnicode = ", key);
	sb_hex(b, u, 2 * n);
	sb_addf(b, "\n");
}

static void sms_ini(struct sb *b, const GSM_SMSMessage *s, long long ns)
{
	const char *coding = GSM_SMSCodingToString(s->Coding);
	size_t len, bytes, off;
	int line = 0;

	if (s->Coding == SMS_Coding_8bit)
		len = s->Length > 0 ? (size_t)s->Length : 0;
	else /* recomputed: some callers leave Length at 0 */
		len = ucs2_units(s->Text, GSM_MAX_SMS_LENGTH);
	if (len > GSM_MAX_SMS_LENGTH)
		len = GSM_MAX_SMS_LENGTH;
	bytes = s->Coding == SMS_Coding_8bit ? len : 2 * len;
	sb_addf(b, "; gateway send capture\n; sent_at_ns = %lld\n; pid = %ld\n\n", ns,
		(long)getpid());
	sb_addf(b, "[SMSBackup000]\n");
	sb_number(b, "SMSC", s->SMSC.Number, GSM_MAX_NUMBER_LENGTH);
	sb_addf(b, "PDU = Submit\nState = Sent\n");
	sb_number(b, "Number", s->Number, GSM_MAX_NUMBER_LENGTH);
	if (s->UDH.Type != UDH_NoUDH && s->UDH.Length > 0 && s->UDH.Length <= GSM_MAX_UDH_LENGTH) {
		sb_addf(b, "UDH = ");
		sb_hex(b, s->UDH.Text, (size_t)s->UDH.Length);
		sb_addf(b, "\n");
	}
	off = 0;
	do { /* at least one Text line, even for an empty text */
		size_t k = bytes - off < TEXT_LINE_HEX / 2 ? bytes - off : TEXT_LINE_HEX / 2;

		sb_addf(b, "Text%02d = ", line++);
		sb_hex(b, s->Text + off, k);
		sb_addf(b, "\n");
		off += k;
	} while (off < bytes);
	sb_addf(b, "Coding = %s\nLength = %zu\nClass = %d\nSentAtNs = %lld\n\n",
		coding ? coding : "8bit", len, (int)s->Class, ns);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write content to dir as "<ns>-<pid>-<n>.<ext>", atomically, uniquely. */
static void publish(const char *dir, long long ns, const char *ext, const struct sb *b)
{
	char tmp[4096], fin[4096];
	unsigned long n;
	int fd = -1, tries;

	for (tries = 0; tries < 100; tries++) {
		n = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
		snprintf(tmp, sizeof(tmp), "%s/.tmp-%ld-%lu", dir, (long)getpid(), n);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		warn_once(tmp, errno);
		return;
	}
	if (write_all(fd, b->p, b->len) < 0) {
		warn_once(tmp, errno);
		close(fd);
		unlink(tmp);
		return;
	}
	close(fd);
	for (tries = 0; tries < 100; tries++) {
		snprintf(fin, sizeof(fin), "%s/%lld-%ld-%lu.%s", dir, ns, (long)getpid(), n, ext);
		if (link(tmp, fin) == 0)
			break;
		if (errno != EEXIST) {
			/* No hard links here: the name is still unique by pid+counter. */
			if (rename(tmp, fin) < 0)
				warn_once(fin, errno);
			return;
		}
		n = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
	}
	unlink(tmp);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

GSM_Error GSM_SendSMS(GSM_StateMachine *s, GSM_SMSMessage *sms)
{
	const char *dir;
	GSM_Error e;
	int saved;

	pthread_once(&resolve_once, resolve);
	if (!real_send)
		return ERR_NOTIMPLEMENTED;
	e = real_send(s, sms);
	dir = getenv("GW_CAPTURE_DIR");
	if (e == ERR_NONE && dir && *dir) {
		struct sb b = { NULL, 0, 0, 0 };
		long long ns = now_ns();

		saved = errno;
		sms_ini(&b, sms, ns);
		if (b.failed)
			warn_once("out of memory", ENOMEM);
		else
			publish(dir, ns, "smsbackup", &b);
		free(b.p);
		errno = saved;
	}
	return e;
}

GSM_Error GSM_DialService(GSM_StateMachine *s, char *number)
{
	const char *dir;
	GSM_Error e;
	int saved;

	pthread_once(&resolve_once, resolve);
	if (!real_dial)
		return ERR_NOTIMPLEMENTED;
	e = real_dial(s, number);
	dir = getenv("GW_CAPTURE_DIR");
	if (e == ERR_NONE && dir && *dir && number) {
		struct sb b = { NULL, 0, 0, 0 };
		long long ns = now_ns();

		saved = errno;
		sb_addf(&b, "; gateway USSD capture\n; sent_at_ns = %lld\n; pid = %ld\n\n", ns,
			(long)getpid());
		sb_addf(&b, "[USSD]\nCode = \"%s\"\nSentAtNs = %lld\n", number, ns);
		if (b.failed)
			warn_once("out of memory", ENOMEM);
		else
			publish(dir, ns, "ussd", &b);
		free(b.p);
		errno = saved;
	}
	return e;
}

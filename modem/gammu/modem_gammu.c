/* modem_gammu.c - the libgammu transport: struct modem_ops over GSM_*.
 *
 * Divisions: error mapping; callbacks and the event ring; open/close;
 * status/ussd/poll_events/hangup; create. Reading, deleting and sending
 * SMS live in modem_gammu_sms.c; the shared state is in modem_gammu.h.
 *
 * Rules libgammu imposes (details in modem/LIBGAMMU.md):
 * - GSM_InitConnection resets every callback to NULL, and the dummy driver
 *   dereferences SendSMSStatus unconditionally: callbacks are installed
 *   after every connect.
 * - GSM_GetNextSMS must not get Folder reset between calls (the dummy then
 *   rescans one malformed file forever); the loop is also capped.
 * - GSM_ReadDevice never blocks on the dummy: every wait sleeps ~10 ms
 *   between polls and is bounded by a deadline.
 * - libgammu is not thread-safe: one struct modem per thread, as modem.h says.
 * - A modem that stops answering would block one call for minutes: every
 *   op runs under a deadline (modem_gammu_deadline_start).
 */
#include "modem/gammu/modem_gammu.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <gammu.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "modem/gammu/modem_text.h"

#define GAMMU_REPLY_NUM 2        /* reply retries per command, as gammu-smsd */

static struct gammu_priv *priv_of(struct modem *m)
{
	return m->priv;
}

/* ---- error mapping: the only place GSM_Error becomes GW_ERR_* ---- */

int modem_gammu_err(GSM_Error e, const char *what)
{
	int r = GW_ERR_IO;

	switch (e) {
	case ERR_NONE: /* == 1, not 0 */
		return 0;
	case ERR_DEVICEWRITEERROR:
	case ERR_DEVICEREADERROR:
	case ERR_DEVICENOTEXIST:
	case ERR_DEVICEOPENERROR:
	case ERR_DEVICENOPERMISSION:
	case ERR_DEVICEBUSY:
	case ERR_DEVICELOCKED:
	case ERR_DEVICENODRIVER:
	case ERR_DEVICENOTWORK:
	case ERR_NOTCONNECTED:
		r = GW_ERR_MODEM_GONE;
		break;
	case ERR_TIMEOUT:
		r = GW_ERR_TIMEOUT;
		break;
	case ERR_ABORTED: /* a deadline fired: this state machine is done for */
		r = GW_ERR_MODEM_GONE;
		break;
	case ERR_SECURITYERROR:
	case ERR_NOSIM:
		r = GW_ERR_SECURITY;
		break;
	case ERR_NOTSUPPORTED:
	case ERR_NOTIMPLEMENTED:
		r = GW_ERR_UNSUPPORTED;
		break;
	case ERR_EMPTY:
		r = GW_ERR_EMPTY;
		break;
	case ERR_MOREMEMORY:
		r = GW_ERR_NOMEM;
		break;
	default:
		break;
	}
	if (r == GW_ERR_IO || r == GW_ERR_SECURITY || r == GW_ERR_NOMEM)
		log_warn("modem: %s: %s", what, GSM_ErrorName(e));
	else
		log_debug("modem: %s: %s", what, GSM_ErrorName(e));
	return r;
}

int modem_gammu_fatal(int r)
{
	return r == GW_ERR_MODEM_GONE || r == GW_ERR_TIMEOUT || r == GW_ERR_NOMEM;
}

int64_t modem_gammu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- deadlines (see modem_gammu.h): the only state a signal handler
 * may touch, so it lives here rather than in struct gammu_priv. SIGALRM
 * ticks every second while a call runs: at the deadline, or as soon as the
 * device node is gone (a USB modem unplugged: libgammu reads "no data"
 * from the dead tty until its own timeouts), the call is aborted. ---- */

#define DEADLINE_TIMEOUT 1
#define DEADLINE_VANISHED 2

static GSM_StateMachine *volatile deadline_sm;
static volatile sig_atomic_t deadline_fired;
static volatile sig_atomic_t deadline_ticks; /* seconds left */
static char deadline_dev[256];               /* "" when not a path to watch */

static void on_deadline(int signo)
{
	int saved = errno, why = 0;
	struct stat st;

	(void)signo;
	if (!deadline_sm || deadline_fired)
		goto out;
	if (--deadline_ticks <= 0)
		why = DEADLINE_TIMEOUT;
	else if (deadline_dev[0] && stat(deadline_dev, &st) < 0 && errno == ENOENT)
		why = DEADLINE_VANISHED; /* stat() is async-signal-safe */
	if (why) {
		GSM_AbortOperation(deadline_sm); /* sets a flag, nothing more */
		deadline_fired = why;
	}
out:
	errno = saved;
}

void modem_gammu_deadline_start(struct gammu_priv *p, int ms)
{
	static int installed;
	struct itimerval it;

	if (!installed) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_deadline;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESTART;
		installed = sigaction(SIGALRM, &sa, NULL) == 0;
	}
	deadline_sm = NULL;
	deadline_fired = 0;
	deadline_ticks = (ms + 999) / 1000;
	if (p->cfg_device[0] != '/' || modem_text_copy_trunc(deadline_dev, sizeof(deadline_dev),
							      p->cfg_device))
		deadline_dev[0] = '\0';
	deadline_sm = p->sm;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = 1;
	it.it_interval.tv_sec = 1;
	if (installed)
		(void)setitimer(ITIMER_REAL, &it, NULL);
}

int modem_gammu_deadline_end(struct gammu_priv *p, int r)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	(void)setitimer(ITIMER_REAL, &it, NULL);
	deadline_sm = NULL;
	if (deadline_fired) {
		log_warn("modem: %s: call abandoned, reconnecting", deadline_fired == DEADLINE_VANISHED
			 ? "the device vanished" : "no answer before the deadline");
		deadline_fired = 0;
		p->aborted = 1;
		if (r < 0)
			r = GW_ERR_MODEM_GONE;
	}
	return r;
}

int modem_gammu_deadline_hit(void)
{
	return deadline_fired != 0;
}

/* UCS-2 field -> UTF-8 into a fixed array; 1 if it had to be cut. */
int modem_gammu_ucs2_field(char *dst, size_t dstsz, const unsigned char *src, size_t units)
{
	struct buf b;
	int cut = 1;

	buf_init(&b, 4 * units + 8);
	if (modem_text_from_ucs2(src, units, &b) == 0)
		cut = modem_text_copy_trunc(dst, dstsz, b.data);
	else
		dst[0] = '\0';
	buf_release(&b);
	return cut;
}

/* ---- callbacks: they only record or enqueue; the ops act on it ---- */

static void ring_push(struct gammu_priv *p, const struct modem_event *ev)
{
	size_t i;

	for (i = 0; i < p->ring_len; i++) {
		const struct modem_event *q = &p->ring[(p->ring_head + i) % GAMMU_RING];

		/* The AT driver reports every RING of one call; one "new
		 * message" waiting is as good as ten (one read takes them all). */
		if (ev->kind == MODEM_EVENT_CALL && q->kind == MODEM_EVENT_CALL &&
		    strcmp(q->number, ev->number) == 0)
			return;
		if ((ev->kind == MODEM_EVENT_SMS || ev->kind == MODEM_EVENT_REPORT) &&
		    q->kind == ev->kind)
			return;
	}
	if (p->ring_len == GAMMU_RING) {
		log_warn("modem: event queue full, dropping an event");
		return;
	}
	p->ring[(p->ring_head + p->ring_len) % GAMMU_RING] = *ev;
	p->ring_len++;
}

static void cb_send_status(GSM_StateMachine *sm, int status, int mr, void *user)
{
	struct gammu_priv *p = user;

	(void)sm;
	p->send_done = 1;
	p->send_status = status;
	p->send_mr = mr; /* -1 when the +CMGS line did not parse */
	log_debug("modem: send status %d (reference %d)", status, mr);
}

static void cb_ussd(GSM_StateMachine *sm, GSM_USSDMessage *u, void *user)
{
	struct gammu_priv *p = user;
	struct modem_event ev;

	(void)sm;
	if (p->ussd_waiting) {
		buf_reset(&p->ussd_text);
		(void)modem_text_from_ucs2(u->Text, GSM_MAX_USSD_LENGTH, &p->ussd_text);
		p->ussd_status = u->Status;
		p->ussd_done = 1;
		return;
	}
	/* A late answer or a network-initiated USSD. */
	memset(&ev, 0, sizeof(ev));
	ev.kind = MODEM_EVENT_USSD;
	(void)modem_gammu_ucs2_field(ev.text, sizeof(ev.text), u->Text, GSM_MAX_USSD_LENGTH);
	ring_push(p, &ev);
}

static void cb_call(GSM_StateMachine *sm, GSM_Call *call, void *user)
{
	struct gammu_priv *p = user;
	struct modem_event ev;

	(void)sm;
	if (call->Status != GSM_CALL_IncomingCall)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = MODEM_EVENT_CALL;
	(void)modem_gammu_ucs2_field(ev.number, sizeof(ev.number), call->PhoneNumber, GSM_MAX_NUMBER_LENGTH);
	ring_push(p, &ev);
}

/* +CMTI (AT+CNMI=2,1: stored, then indicated), and delivery reports
 * (+CDSI: stored, +CDS: the report itself), seen whenever libgammu reads
 * the port: while sending, or in g_poll_events. */
static void cb_sms(GSM_StateMachine *sm, GSM_SMSMessage *sms, void *user)
{
	struct modem_event ev;

	(void)sm;
	memset(&ev, 0, sizeof(ev));
	ev.kind = modem_gammu_report_incoming(user, sms) ? MODEM_EVENT_REPORT : MODEM_EVENT_SMS;
	ring_push(user, &ev);
}

static void install_callbacks(struct gammu_priv *p)
{
	GSM_SetIncomingSMSCallback(p->sm, cb_sms, p);
	GSM_SetSendSMSStatusCallback(p->sm, cb_send_status, p);
	GSM_SetIncomingUSSDCallback(p->sm, cb_ussd, p);
	GSM_SetIncomingCallCallback(p->sm, cb_call, p);
}

/* ---- open / close ---- */

static int unlock_sim(struct gammu_priv *p)
{
	GSM_SecurityCodeType st;
	GSM_SecurityCode code;
	GSM_Error e;
	int r;

	e = GSM_GetSecurityStatus(p->sm, &st);
	if (e == ERR_NOTSUPPORTED || e == ERR_NOTIMPLEMENTED) {
		r = 0; /* the phone has no notion of it: carry on */
		goto out;
	}
	if ((r = modem_gammu_err(e, "security status")) < 0)
		goto out;
	r = GW_ERR_SECURITY;
	if (st == SEC_None) {
		r = 0;
		goto out;
	}
	if (st != SEC_Pin) {
		log_error("modem: SIM needs a code other than the PIN (type %d)", (int)st);
		goto out;
	}
	if (p->pin[0] == '\0') {
		log_error("modem: SIM needs a PIN and none is configured");
		goto out;
	}
	if (p->pin_rejected) {
		log_error("modem: configured PIN was rejected before; not trying again");
		goto out;
	}
	memset(&code, 0, sizeof(code));
	code.Type = SEC_Pin;
	(void)modem_text_copy_trunc(code.Code, sizeof(code.Code), p->pin);
	e = GSM_EnterSecurityCode(p->sm, &code);
	if (e == ERR_SECURITYERROR)
		p->pin_rejected = 1;
	if ((r = modem_gammu_err(e, "enter PIN")) < 0)
		goto out;
	log_notice("modem: PIN accepted");
	r = 0;
out:
	return r;
}

/* Optional features: a failure other than the device vanishing is logged
 * and ignored (many modems lack CUSD or CLIP). */
static int enable_feature(GSM_Error e, const char *what)
{
	int r = modem_gammu_err(e, what);

	return modem_gammu_fatal(r) ? r : 0;
}

static void learn_folders(struct gammu_priv *p)
{
	GSM_SMSFolders f;
	int i;

	memset(&f, 0, sizeof(f));
	p->folders_known = 0;
	if (GSM_GetSMSFolders(p->sm, &f) != ERR_NONE)
		return;
	memset(p->inbox, 0, sizeof(p->inbox));
	for (i = 0; i < f.Number && i < GSM_MAX_SMS_FOLDERS; i++)
		p->inbox[i + 1] = f.Folder[i].InboxFolder ? 1 : 0;
	p->folders_known = 1;
}

static int configure(struct gammu_priv *p, const struct modem_config *cfg);

/* A fresh state machine after a deadline aborted the old one. */
static int rebuild(struct gammu_priv *p)
{
	struct modem_config mc;
	int r = GW_ERR_NOMEM;

	if (p->sm) {
		(void)GSM_TerminateConnection(p->sm);
		GSM_FreeStateMachine(p->sm); /* frees Device/Connection too */
	}
	memset(&mc, 0, sizeof(mc));
	mc.device = p->cfg_device;
	mc.connection = p->cfg_connection;
	if (!(p->sm = GSM_AllocStateMachine()))
		goto out;
	if ((r = configure(p, &mc)) < 0)
		goto out;
	p->aborted = 0;
	p->smsc_state = 0;
	log_info("modem: new libgammu state machine after an abandoned call");
	r = 0;
out:
	return r;
}

static int g_open_once(struct gammu_priv *p)
{
	GSM_Error e;
	int r = 0;

	if (GSM_IsConnected(p->sm))
		goto out;
	e = GSM_InitConnection(p->sm, GAMMU_REPLY_NUM);
	if ((r = modem_gammu_err(e, "connect")) < 0)
		goto out;
	install_callbacks(p);
	if ((r = unlock_sim(p)) < 0)
		goto out;
	/* Store incoming SMS (AT+CNMI) so polling finds them, as smsd does. */
	if ((r = enable_feature(GSM_SetIncomingSMS(p->sm, TRUE), "enable incoming SMS")) < 0 ||
	    (r = enable_feature(GSM_SetIncomingCall(p->sm, TRUE), "enable incoming calls")) < 0 ||
	    (r = enable_feature(GSM_SetIncomingUSSD(p->sm, TRUE), "enable USSD")) < 0)
		goto out;
	learn_folders(p);
	p->smsc_state = 0; /* the SIM may have changed while we were away */
	/* reports that came while nobody listened wait in the report memory;
	 * indications from the last connection point at slots read since */
	p->sweep_due = !p->is_dummy;
	p->nstored = 0;
	log_info("modem: connected (%s, %s)", p->model[0] ? p->model : "auto", p->connection);
out:
	if (r < 0 && p->sm)
		(void)GSM_TerminateConnection(p->sm);
	return r;
}

static int g_open(struct modem *m)
{
	struct gammu_priv *p = priv_of(m);
	int r;

	/* before the deadline is armed: it must never point at a freed sm */
	if ((p->aborted || !p->sm) && (r = rebuild(p)) < 0)
		return r;
	modem_gammu_deadline_start(p, GAMMU_OPEN_DEADLINE_MS);
	return modem_gammu_deadline_end(p, g_open_once(p));
}

static void g_close(struct modem *m)
{
	struct gammu_priv *p = priv_of(m);
	GSM_Error e;

	if (!p->sm || !GSM_IsConnected(p->sm))
		return;
	e = GSM_TerminateConnection(p->sm);
	if (e != ERR_NONE)
		log_debug("modem: disconnect: %s", GSM_ErrorName(e));
}

int modem_gammu_need_connection(struct gammu_priv *p)
{
	return !p->aborted && GSM_IsConnected(p->sm) ? 0 : GW_ERR_MODEM_GONE;
}

/* ---- status / ussd / events / hangup ---- */

static int g_status(struct modem *m, struct modem_status *out)
{
	struct gammu_priv *p = priv_of(m);
	struct modem_status st;
	GSM_SignalQuality sig;
	GSM_BatteryCharge bat;
	GSM_NetworkInfo net;
	GSM_SecurityCodeType sec;
	GSM_Error e;
	int r;

	if ((r = modem_gammu_need_connection(p)) < 0)
		goto out;
	memset(&st, 0, sizeof(st));
	st.connected = 1;
	st.signal_percent = -1;
	st.battery_percent = -1;
	/* Each item is optional; only losing the modem fails the call. */
	memset(&sig, 0, sizeof(sig));
	e = GSM_GetSignalQuality(p->sm, &sig);
	if (modem_gammu_fatal(r = modem_gammu_err(e, "signal")))
		goto out;
	if (e == ERR_NONE && sig.SignalPercent >= 0 && sig.SignalPercent <= 100)
		st.signal_percent = sig.SignalPercent;
	memset(&bat, 0, sizeof(bat));
	e = GSM_GetBatteryCharge(p->sm, &bat);
	if (modem_gammu_fatal(r = modem_gammu_err(e, "battery")))
		goto out;
	if (e == ERR_NONE && bat.BatteryPercent >= 0 && bat.BatteryPercent <= 100)
		st.battery_percent = bat.BatteryPercent;
	memset(&net, 0, sizeof(net));
	e = GSM_GetNetworkInfo(p->sm, &net);
	if (modem_gammu_fatal(r = modem_gammu_err(e, "network")))
		goto out;
	if (e == ERR_NONE) {
		(void)modem_gammu_ucs2_field(st.network, sizeof(st.network), net.NetworkName,
				 sizeof(net.NetworkName) / 2);
		if (st.network[0] == '\0') {
			net.NetworkCode[sizeof(net.NetworkCode) - 1] = '\0';
			(void)modem_text_copy_trunc(st.network, sizeof(st.network), net.NetworkCode);
		}
	}
	e = GSM_GetSecurityStatus(p->sm, &sec);
	if (e == ERR_NOSIM) {
		snprintf(st.security, sizeof(st.security), "nosim");
	} else if (modem_gammu_fatal(r = modem_gammu_err(e, "security status"))) {
		goto out;
	} else if (e == ERR_NONE) {
		snprintf(st.security, sizeof(st.security), "%s",
			 sec == SEC_None ? "ready" : sec == SEC_Pin ? "pin"
			 : sec == SEC_Puk ? "puk" : "code");
	}
	*out = st;
	r = 0;
out:
	return r;
}

static int g_ussd(struct modem *m, const char *code, int timeout_ms, char *answer, size_t answersz)
{
	struct gammu_priv *p = priv_of(m);
	char dial[GSM_MAX_USSD_LENGTH + 1];
	int64_t deadline = modem_gammu_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int r;
	GSM_Error e;

	if ((r = modem_gammu_need_connection(p)) < 0)
		goto out;
	r = GW_ERR_INVAL;
	if (code[0] == '\0' || strspn(code, "0123456789*#+") != strlen(code) ||
	    modem_text_copy_trunc(dial, sizeof(dial), code))
		goto out;
	p->ussd_done = 0;
	p->ussd_waiting = 1;
	buf_reset(&p->ussd_text);
	GSM_SetIncomingUSSDCallback(p->sm, cb_ussd, p);
	/* Without it the AT driver asks the network for no answer (CUSD=0). */
	if ((r = enable_feature(GSM_SetIncomingUSSD(p->sm, TRUE), "enable USSD")) < 0)
		goto out;
	e = GSM_DialService(p->sm, dial);
	if ((r = modem_gammu_err(e, "USSD")) < 0)
		goto out;
	/* The dummy answers inside DialService; AT answers later (+CUSD). */
	while (!p->ussd_done && modem_gammu_now_ms() < deadline && !modem_gammu_deadline_hit()) {
		if (GSM_ReadDevice(p->sm, FALSE) < 0) {
			r = GW_ERR_MODEM_GONE;
			goto out;
		}
		if (!p->ussd_done)
			gw_sleep_ms(POLL_SLEEP_MS);
	}
	r = GW_ERR_TIMEOUT;
	if (!p->ussd_done)
		goto out;
	if (p->ussd_status == USSD_NotSupported) {
		r = GW_ERR_UNSUPPORTED;
		goto out;
	}
	if (p->ussd_status == USSD_Timeout)
		goto out;
	(void)modem_text_copy_trunc(answer, answersz, p->ussd_text.data);
	r = 0;
out:
	p->ussd_waiting = 0;
	return r;
}

static int g_poll_events(struct modem *m, struct modem_event *ev, size_t max, size_t *n)
{
	struct gammu_priv *p = priv_of(m);
	size_t k = 0;
	int r;

	if ((r = modem_gammu_need_connection(p)) < 0)
		goto out;
	/* The dummy fires its incoming-call trigger only from an API call
	 * (DUMMY_PreAPICall); signal quality is a constant there. */
	if (p->is_dummy) {
		GSM_SignalQuality sig;

		if ((r = modem_gammu_err(GSM_GetSignalQuality(p->sm, &sig), "poll")) < 0)
			goto out;
	}
	/* Lets the AT driver dispatch unsolicited RING/+CLIP/+CUSD/+CMTI lines. */
	r = GW_ERR_MODEM_GONE;
	if (GSM_ReadDevice(p->sm, FALSE) < 0)
		goto out;
	while (k < max && p->ring_len > 0) {
		ev[k++] = p->ring[p->ring_head];
		p->ring_head = (p->ring_head + 1) % GAMMU_RING;
		p->ring_len--;
	}
	*n = k;
	r = 0;
out:
	return r;
}

static int g_hangup(struct modem *m)
{
	struct gammu_priv *p = priv_of(m);
	int r;

	if ((r = modem_gammu_need_connection(p)) < 0)
		goto out;
	r = modem_gammu_err(GSM_CancelCall(p->sm, 0, TRUE), "hang up");
out:
	return r;
}

/* ---- create / destroy ---- */

static void g_destroy(struct modem *m)
{
	struct gammu_priv *p;

	if (!m)
		return;
	p = priv_of(m);
	if (p) {
		if (p->sm) {
			g_close(m);
			GSM_FreeStateMachine(p->sm); /* frees Device/Connection too */
		}
		buf_release(&p->ussd_text);
		free(p->cfg_device);
		free(p->cfg_connection);
		free(p);
	}
	free(m);
}

/* The ops under a deadline (send sets one per part itself). */
static int d_read_pending(struct modem *m, struct modem_part **parts, size_t *n)
{
	modem_gammu_deadline_start(priv_of(m), GAMMU_DEADLINE_MS);
	return modem_gammu_deadline_end(priv_of(m), modem_gammu_read_pending(m, parts, n));
}

static int d_delete_part(struct modem *m, const struct modem_part *mp)
{
	modem_gammu_deadline_start(priv_of(m), GAMMU_DEADLINE_MS);
	return modem_gammu_deadline_end(priv_of(m), modem_gammu_delete_part(m, mp));
}

static int d_read_reports(struct modem *m, enum modem_report_scope scope,
			  struct modem_report **out, size_t *n, size_t *waiting)
{
	modem_gammu_deadline_start(priv_of(m), GAMMU_DEADLINE_MS);
	return modem_gammu_deadline_end(priv_of(m),
					modem_gammu_read_reports(m, scope, out, n, waiting));
}

static int d_delete_report(struct modem *m, const struct modem_report *rep)
{
	modem_gammu_deadline_start(priv_of(m), GAMMU_DEADLINE_MS);
	return modem_gammu_deadline_end(priv_of(m), modem_gammu_delete_report(m, rep));
}

static int d_status(struct modem *m, struct modem_status *out)
{
	modem_gammu_deadline_start(priv_of(m), GAMMU_DEADLINE_MS);
	return modem_gammu_deadline_end(priv_of(m), g_status(m, out));
}

static int d_ussd(struct modem *m, const char *code, int timeout_ms, char *answer, size_t answersz)
{
	modem_gammu_deadline_start(priv_of(m), GAMMU_DEADLINE_MS + (timeout_ms > 0 ? timeout_ms : 0));
	return modem_gammu_deadline_end(priv_of(m), g_ussd(m, code, timeout_ms, answer, answersz));
}

static int d_hangup(struct modem *m)
{
	modem_gammu_deadline_start(priv_of(m), GAMMU_DEADLINE_MS);
	return modem_gammu_deadline_end(priv_of(m), g_hangup(m));
}

static const struct modem_ops gammu_ops = {
	.name = "gammu",
	.open = g_open,
	.close = g_close,
	.read_pending = d_read_pending,
	.delete_part = d_delete_part,
	.send = modem_gammu_send,
	.read_reports = d_read_reports,
	.delete_report = d_delete_report,
	.status = d_status,
	.ussd = d_ussd,
	.poll_events = g_poll_events,
	.hangup = d_hangup,
	.destroy = g_destroy,
};

/* The equivalent of a [gammu] section, without a gammurc. */
static int configure(struct gammu_priv *p, const struct modem_config *cfg)
{
	GSM_Config *c = GSM_GetConfig(p->sm, 0);
	int i, r = GW_ERR_NOMEM;

	free(c->Device);
	free(c->Connection);
	c->Device = strdup(cfg->device);
	c->Connection = strdup(cfg->connection && cfg->connection[0] ? cfg->connection : "at");
	if (!c->Device || !c->Connection)
		goto out;
	snprintf(c->Model, sizeof(c->Model), "%s", p->model);
	c->DebugLevel[0] = '\0';
	c->DebugFile = NULL;
	c->UseGlobalDebugFile = TRUE; /* gammurc default; global debug is off */
	c->LockDevice = FALSE;
	c->SyncTime = FALSE;
	c->StartInfo = FALSE;
	c->PhoneFeatures[0] = 0;
	snprintf(c->TextReminder, sizeof(c->TextReminder), "Reminder");
	snprintf(c->TextMeeting, sizeof(c->TextMeeting), "Meeting");
	snprintf(c->TextCall, sizeof(c->TextCall), "Call");
	snprintf(c->TextBirthday, sizeof(c->TextBirthday), "Birthday");
	snprintf(c->TextMemo, sizeof(c->TextMemo), "Memo");
	/* -1 = driver default. Zero (what calloc leaves) would make the AT
	 * driver pick AT+CNMI=0,0,... and lose incoming-message routing. */
	for (i = 0; i < 5; i++)
		c->CNMIParams[i] = -1;
	GSM_SetConfigNum(p->sm, 1);
	p->connection = c->Connection;
	p->device = c->Device;
	r = 0;
out:
	return r;
}

int modem_gammu_create(struct modem **out, const struct modem_config *cfg)
{
	struct modem *m = NULL;
	struct gammu_priv *p = NULL;
	const char *model;
	int r = GW_ERR_INVAL;

	if (!out || !cfg || !cfg->device || !cfg->device[0])
		goto out;
	model = cfg->model ? cfg->model : "";
	r = GW_ERR_TOOBIG;
	if (strlen(model) >= sizeof(p->model) ||
	    (cfg->pin && strlen(cfg->pin) > GSM_SECURITY_CODE_LEN))
		goto out;
	r = GW_ERR_NOMEM;
	if (!(m = calloc(1, sizeof(*m))) || !(p = calloc(1, sizeof(*p))))
		goto out;
	m->priv = p;
	m->ops = &gammu_ops;
	buf_init(&p->ussd_text, 4 * GSM_MAX_USSD_LENGTH + 8);
	snprintf(p->model, sizeof(p->model), "%s", model);
	snprintf(p->pin, sizeof(p->pin), "%s", cfg->pin ? cfg->pin : "");
	p->send_delay_ms = cfg->send_delay_ms > 0 ? cfg->send_delay_ms : 0;
	p->is_dummy = strcmp(model, "dummy") == 0;
	/* Start references away from 1 so a restart does not reuse the last. */
	p->next_ref = (unsigned)((time(NULL) ^ getpid()) % 255) + 1;
	p->cfg_device = strdup(cfg->device);
	p->cfg_connection = strdup(cfg->connection && cfg->connection[0] ? cfg->connection : "at");
	if (!p->cfg_device || !p->cfg_connection || !(p->sm = GSM_AllocStateMachine()))
		goto out;
	if ((r = configure(p, cfg)) < 0)
		goto out;
	*out = m;
	m = NULL; /* transferred */
	r = 0;
out:
	if (m && !m->priv)
		free(m);
	else
		g_destroy(m);
	return r;
}

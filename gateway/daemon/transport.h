/* transport.h - what gatewayd talks through, picked by `transport`.
 *
 *   "modem"   libgammu (modem_gammu_create), wrapped in the fault
 *             injector when modem.fault_file is set (tests)
 *   "kannel"  smsbox's sendsms for answers (kannel_send.h) and the
 *             endpoint smsbox calls for messages and delivery reports
 *             (kannel_http.h), which runs in its own thread and writes to
 *             wake_fd after each new message so the event loop answers it
 *             at once instead of at the next poll
 * Either way the rest of the daemon drives a struct modem through the
 * link (link.h); with Kannel, reading finds nothing (messages are already
 * in the inbox) and sending is an HTTP request.
 */
#ifndef GW_TRANSPORT_H
#define GW_TRANSPORT_H

#include "common/gw_err.h"
#include "config/settings.h"
#include "modem/modem.h"

struct kannel_http;

struct transport {
	struct modem *modem;        /* what the link drives */
	struct kannel_http *kannel; /* Kannel's endpoint, once listening; else NULL */
	int wake_fd;                /* readable after a message came over HTTP; -1: none */
};

/* The transport cfg->transport names; nothing listens yet. */
int transport_create(struct transport *t, const struct gw_settings *cfg) GW_WARN_UNUSED;

/* Start what receives by itself (Kannel's endpoint): GW_ERR_IO when its
 * port cannot be bound. Nothing to do for a modem. */
int transport_listen(struct transport *t, const struct gw_settings *cfg) GW_WARN_UNUSED;

/* Empty wake_fd (call when it is readable). */
void transport_drain_wake(struct transport *t);

/* What the transport is, for log lines: the modem's device or sendsms. */
const char *transport_where(const struct gw_settings *cfg);

/* Stop listening, destroy the modem; safe on a transport never created. */
void transport_destroy(struct transport *t);

#endif

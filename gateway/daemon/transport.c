/* transport.c - see transport.h. */
#include "gateway/daemon/transport.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/gw_err.h"
#include "common/log.h"
#include "gateway/kannel/kannel_http.h"
#include "gateway/kannel/kannel_send.h"

static int is_kannel(const struct gw_settings *cfg)
{
	return !strcmp(cfg->transport, "kannel");
}

static int make_modem(const struct gw_settings *cfg, struct modem **out)
{
	struct modem_config mc;
	struct modem *m = NULL, *wrapped = NULL;
	int r;

	memset(&mc, 0, sizeof(mc));
	mc.model = cfg->modem.model;
	mc.connection = cfg->modem.connection;
	mc.device = cfg->modem.device;
	mc.pin = cfg->modem.pin;
	mc.send_delay_ms = cfg->modem.send_delay_ms;
	if ((r = modem_gammu_create(&m, &mc)) < 0)
		return r;
	if (*cfg->modem.fault_file) {
		if ((r = modem_fault_create(&wrapped, m, cfg->modem.fault_file)) < 0) {
			modem_destroy(m);
			return r;
		}
		log_warn("modem: fault injection enabled from %s (test only)", cfg->modem.fault_file);
		m = wrapped;
	}
	*out = m;
	return 0;
}

int transport_create(struct transport *t, const struct gw_settings *cfg)
{
	int r;

	memset(t, 0, sizeof(*t));
	t->wake_fd = -1;
	if (!is_kannel(cfg))
		return make_modem(cfg, &t->modem);
	if ((t->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		log_error("kannel: eventfd: %s", strerror(errno));
		return GW_ERR_IO;
	}
	if ((r = kannel_send_create(&t->modem, cfg)) < 0)
		transport_destroy(t);
	return r;
}

/* On the endpoint's thread: one more message is in the inbox. */
static void wake(void *arg)
{
	struct transport *t = arg;
	uint64_t one = 1;

	/* a full counter still wakes the loop: nothing to do on failure */
	if (write(t->wake_fd, &one, sizeof(one)) < 0)
		return;
}

int transport_listen(struct transport *t, const struct gw_settings *cfg)
{
	if (!is_kannel(cfg) || t->kannel)
		return 0;
	return kannel_http_start(&t->kannel, cfg, wake, t);
}

void transport_drain_wake(struct transport *t)
{
	uint64_t n;

	if (t->wake_fd >= 0 && read(t->wake_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_debug("kannel: wake: %s", strerror(errno));
}

const char *transport_where(const struct gw_settings *cfg)
{
	return is_kannel(cfg) ? cfg->kannel.sendsms_url : cfg->modem.device;
}

void transport_destroy(struct transport *t)
{
	kannel_http_stop(t->kannel); /* first: its thread may still call wake() */
	t->kannel = NULL;
	modem_destroy(t->modem);
	t->modem = NULL;
	if (t->wake_fd >= 0)
		close(t->wake_fd);
	t->wake_fd = -1;
}

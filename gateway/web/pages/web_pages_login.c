/* Logging in and out, and the language switch. */
#include <string.h>

#include "common/audit.h"
#include "common/gw_err.h"
#include "common/log.h"
#include "common/store.h"
#include "gateway/web/pages/web_pages.h"
#include "gateway/web/web_auth.h"
#include "gateway/web/web_html.h"
#include "gateway/web/web_scope.h"
#include "gateway/web/web_session.h"

#define LANG_COOKIE_AGE (365L * 86400)

static const char *next_of(const struct web_req *rq)
{
	const char *next = web_arg(rq, "next");

	return next && web_local_path(next) && strcmp(next, "/login") != 0 ? next : "/";
}

static int login_form(struct web_req *rq, struct web_resp *rs, const char *phone, const char *error)
{
	struct buf *b = &rs->body;
	int r;

	if ((r = web_page_begin(rq, rs, web_t(rq, "Đăng nhập", "Log in"), "")) < 0)
		return r;
	if (error && (r = web_notice(b, "err", error)) < 0)
		return r;
	if ((r = web_h(b, "<form method=\"post\" action=\"/login\" class=\"stack card login\">")) < 0 ||
	    (r = web_csrf_field(rq, b)) < 0)
		return r;
	r = web_h(b, "<input type=\"hidden\" name=\"next\" value=\"%s\">"
			"<label for=\"phone\">%s</label>"
			"<input type=\"tel\" id=\"phone\" name=\"phone\" value=\"%s\" autocomplete=\"username\""
			" required autofocus>"
			"<label for=\"password\">%s</label>"
			"<input type=\"password\" id=\"password\" name=\"password\""
			" autocomplete=\"current-password\" required>"
			"<p><button type=\"submit\">%s</button></p>"
			"<p class=\"muted\">%s</p></form>",
		     next_of(rq), web_t(rq, "Số điện thoại", "Phone number"), phone ? phone : "",
		     web_t(rq, "Mật khẩu", "Password"), web_t(rq, "Đăng nhập", "Log in"),
		     web_t(rq, "Tài khoản là cán bộ đã đăng ký. Quản trị viên đặt mật khẩu bằng lệnh"
			       " gatewayctl officer passwd.",
			   "Accounts are the registered officers. An administrator sets the password"
			   " with gatewayctl officer passwd."));
	return r < 0 ? r : web_page_end(rq, rs);
}

int web_page_login(struct web_req *rq, struct web_resp *rs)
{
	if (rq->logged_in)
		return web_redirect(rs, next_of(rq));
	return login_form(rq, rs, NULL, NULL);
}

int web_page_login_post(struct web_req *rq, struct web_resp *rs)
{
	char token[WEB_TOKEN_HEX + 1], csrf[WEB_TOKEN_HEX + 1];
	const char *phone = web_form_str(&rq->form, "phone");
	struct buf cookie;
	int64_t officer = 0;
	int wait = 0, r;

	buf_init(&cookie, WEB_COOKIE_MAX - 1);
	r = web_auth_login(rq->auth, rq->db, phone, web_form_str(&rq->form, "password"), rq->client,
			   rq->now, &officer, &wait);
	if (r == GW_ERR_BUSY) {
		struct buf why;

		buf_init(&why, 256);
		rs->retry_after = wait;
		r = rq->en ? buf_addf(&why, "Too many wrong logins. Wait %d minutes and try again.",
				      (wait + 59) / 60)
			   : buf_addf(&why, "Sai quá nhiều lần. Hãy đợi %d phút rồi thử lại.", (wait + 59) / 60);
		if (r == 0)
			r = login_form(rq, rs, phone, why.data);
		buf_release(&why);
		rs->status = 429;
		goto out;
	}
	if (r == GW_ERR_AUTH) {
		r = login_form(rq, rs, phone,
			       web_t(rq, "Sai số điện thoại hoặc mật khẩu.", "Wrong phone number or password."));
		rs->status = 401;
		goto out;
	}
	if (r < 0)
		goto out;
	/* rotation: whatever session the browser had ends here */
	if ((r = web_session_delete(rq->db, rq->session_token)) < 0 ||
	    (r = web_session_create(rq->db, officer, rq->client, rq->now, rq->cfg->web.session_minutes,
				    token, csrf)) < 0)
		goto out;
	if ((r = web_cookie(&cookie, WEB_SESSION_COOKIE, token, (long)rq->cfg->web.session_minutes * 60,
			    1)) < 0 ||
	    (r = web_resp_cookie(rs, cookie.data)) < 0)
		goto out;
	buf_reset(&cookie);
	if ((r = web_cookie(&cookie, WEB_PRE_COOKIE, "", 0, 1)) < 0 ||
	    (r = web_resp_cookie(rs, cookie.data)) < 0)
		goto out;
	log_info("web: login from %s", rq->client);
	r = web_redirect(rs, next_of(rq));
out:
	buf_release(&cookie);
	return r;
}

int web_page_logout(struct web_req *rq, struct web_resp *rs)
{
	struct buf cookie;
	char actor[64];
	int r;

	buf_init(&cookie, WEB_COOKIE_MAX - 1);
	web_actor(rq, actor, sizeof(actor));
	if ((r = web_session_delete(rq->db, rq->session_token)) < 0 ||
	    (r = audit_write(rq->db, time(NULL), actor, "web_logout", rq->acct.phone, rq->client)) < 0)
		goto out;
	if ((r = web_cookie(&cookie, WEB_SESSION_COOKIE, "", 0, 1)) < 0 ||
	    (r = web_resp_cookie(rs, cookie.data)) < 0)
		goto out;
	r = web_redirect(rs, "/login");
out:
	buf_release(&cookie);
	return r;
}

int web_page_lang(struct web_req *rq, struct web_resp *rs)
{
	const char *to = web_form_str(&rq->query, "to");
	const char *next = web_form_get(&rq->query, "next");
	struct buf cookie;
	int r;

	buf_init(&cookie, WEB_COOKIE_MAX - 1);
	if ((r = web_cookie(&cookie, WEB_LANG_COOKIE, strcmp(to, "en") == 0 ? "en" : "vi",
			    LANG_COOKIE_AGE, 0)) < 0 ||
	    (r = web_resp_cookie(rs, cookie.data)) < 0)
		goto out;
	r = web_redirect(rs, next && web_local_path(next) ? next : "/");
out:
	buf_release(&cookie);
	return r;
}

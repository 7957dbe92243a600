#include "gateway/web/pages/web_pages.h"

/* Every page and who may open it; web_server.c matches them in order. */
const struct web_route web_pages_routes[] = {
	{ "GET", "/login", WEB_PUBLIC, web_page_login },
	{ "POST", "/login", WEB_PUBLIC, web_page_login_post },
	{ "GET", "/lang", WEB_PUBLIC, web_page_lang },
	{ "POST", "/logout", WEB_USER, web_page_logout },
	{ "GET", "/", WEB_USER, web_page_dashboard },
	{ "GET", "/programs", WEB_USER, web_page_programs },
	{ "GET", "/programs/new", WEB_ADMIN, web_page_program_new },
	{ "POST", "/programs/new", WEB_ADMIN, web_page_program_save },
	{ "GET", "/programs/*", WEB_USER, web_page_program },
	{ "POST", "/programs/*", WEB_ADMIN, web_page_program_save },
	{ "GET", "/programs/*/history", WEB_USER, web_page_program_history },
	{ "POST", "/programs/*/revert", WEB_ADMIN, web_page_program_revert },
	{ "POST", "/preview/program", WEB_USER, web_page_program_preview },
	{ "POST", "/preview/answer", WEB_USER, web_page_answer_preview },
	{ "GET", "/jobs", WEB_USER, web_page_jobs },
	{ "GET", "/jobs/*", WEB_USER, web_page_job },
	{ "POST", "/jobs/*", WEB_USER, web_page_job_save },
	{ "POST", "/jobs/*/close", WEB_USER, web_page_job_close },
	{ "GET", "/jobs/*/broadcast", WEB_USER, web_page_broadcast_preview },
	{ "POST", "/jobs/*/broadcast", WEB_USER, web_page_broadcast_send },
	{ "POST", "/referrals/*", WEB_USER, web_page_referral_status },
	{ "GET", "/broadcasts", WEB_USER, web_page_broadcasts },
	{ "GET", "/appointments", WEB_USER, web_page_appointments },
	{ "POST", "/appointments/*", WEB_USER, web_page_appointment_action },
	{ "GET", "/calendar", WEB_USER, web_page_calendar },
	{ "POST", "/calendar", WEB_ADMIN, web_page_calendar_save },
	{ "GET", "/inbox", WEB_USER, web_page_inbox },
	{ "GET", "/inbox/*", WEB_USER, web_page_inbox_message },
	{ "POST", "/inbox/*", WEB_USER, web_page_inbox_answer },
	{ "GET", "/contacts", WEB_USER, web_page_contacts },
	{ "GET", "/contacts/*", WEB_USER, web_page_contact },
	{ "POST", "/contacts/*", WEB_USER, web_page_contact_save },
};

const size_t web_pages_nroutes = sizeof(web_pages_routes) / sizeof(web_pages_routes[0]);

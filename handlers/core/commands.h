/* commands.h - the small household commands: help, stop/start,
 * reply preferences (accents, language), and the fallbacks. */
#ifndef GW_COMMANDS_H
#define GW_COMMANDS_H

#include "handlers/core/request.h"

/* The commands, one GSM-7 part a page: "HD" is page 1, "HD 2" the next
 * (COMMANDS_HELP_PARTS parts a page, whatever sms.max_parts allows). */
#define COMMANDS_HELP_PARTS 1
int commands_help(const struct handler_req *rq, struct handler_result *res);
int commands_stop(const struct handler_req *rq, struct handler_result *res);
int commands_start(const struct handler_req *rq, struct handler_result *res);
int commands_preference(const struct handler_req *rq, struct handler_result *res);
/* A real question outside every programme: the help's first page, with
 * intent "unknown". */
int commands_unknown(const struct handler_req *rq, struct handler_result *res);
/* Not a question for us (greetings, chatter to a wrong number, adverts,
 * gibberish): the help's first page and nothing else, intent "noise":
 * never a programme, the self-check, a job list or a booking. */
int commands_noise(const struct handler_req *rq, struct handler_result *res);
/* A recognised intent whose feature is not available yet. */
int commands_not_yet(const struct handler_req *rq, struct handler_result *res);

#endif

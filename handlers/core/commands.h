/* commands.h - the small household commands: help, stop/start,
 * reply preferences (accents, language), and the fallbacks. */
#ifndef GW_COMMANDS_H
#define GW_COMMANDS_H

#include "handlers/core/request.h"

int commands_help(const struct handler_req *rq, struct handler_result *res);
int commands_stop(const struct handler_req *rq, struct handler_result *res);
int commands_start(const struct handler_req *rq, struct handler_result *res);
int commands_preference(const struct handler_req *rq, struct handler_result *res);
/* Text we could not place: the help, with intent "unknown". */
int commands_unknown(const struct handler_req *rq, struct handler_result *res);
/* A recognised intent whose feature is not available yet. */
int commands_not_yet(const struct handler_req *rq, struct handler_result *res);

#endif

/* menu.h - the menu screens, drawn from data.
 *
 * The tree is menu_nodes (key, parent, position, kind, arg, labels, body;
 * loaded from data/dialogs.json). Node kinds and their screens:
 *   menu          its children as numbered options
 *   categories    program categories that hold a program -> the programs
 *                 of one (program_menu view: programs.category, else the
 *                 category patterns) -> one program: the children of node
 *                 "program" (kind field: summary, eligibility,
 *                 how_to_apply, documents, office)
 *   jobs          open offers (deadline not passed) -> one offer ->
 *                 "Ung tuyen" runs `UT <n>` through the SMS handlers
 *   selfcheck     the KT dialog (selfcheck.h)
 *   text          its body (USSD: offered by SMS too)
 *   prompt        asks for text and runs arg as an SMS command, "{}"
 *                 standing for the text ("HEN {}")
 *   appointments  the phone's coming appointments (read only)
 *   appt_cancel   pick one; runs arg with its day and slot ("HUY HEN {}")
 * Adding a program, a category or a job changes the screens, not the code.
 * Long lists page with "9. Tiep"; each page is its own frame, so `0` goes
 * back a page.
 *
 * Frames (see dialog.h): {"t": "menu"|"text"|"prompt"|"appointments"|
 * "appt_cancel", "key"}, {"t": "cats", "key", "o"}, {"t": "cat", "c", "o"},
 * {"t": "prog", "code"}, {"t": "field", "key", "code"}, {"t": "jobs", "o"},
 * {"t": "job", "id"}; "o" is the first item shown.
 */
#ifndef GW_MENU_H
#define GW_MENU_H

#include <jansson.h>

#include "dialog.h"
#include "screen.h"

/* Push the screen of node key ("main"). GW_ERR_NOTFOUND without it. */
int menu_open(struct dialog *d, const char *key);

/* Draw frame onto s (title, body, options; the engine adds the footer). */
int menu_render(struct dialog *d, json_t *frame, struct screen *s);

/* Take input (not "0"/"00", which the engine handles) on frame; *taken =
 * 0 when the screen does not accept it. */
int menu_input(struct dialog *d, json_t *frame, const char *input, int *taken);

/* 1 when frame reads free text (a prompt), so an SMS that is not a
 * command goes to it. */
int menu_wants_text(const json_t *frame);

#endif

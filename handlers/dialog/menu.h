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
 * Frames (dialog_frame.h): {"t": "menu"|"text"|"prompt"|"appointments"|
 * "appt_cancel", "key"}, {"t": "cats", "key", "o"}, {"t": "cat", "c", "o"},
 * {"t": "prog", "code"}, {"t": "field", "key", "code"}, {"t": "jobs", "o"},
 * {"t": "job", "id"}; "o" is the first item shown.
 */
#ifndef GW_MENU_H
#define GW_MENU_H

#include "handlers/dialog/dialog_frame.h"

/* The menu's frames (dialog_frame.h); open takes the node key ("main"). */
extern const struct dialog_kind menu_kind;

#endif

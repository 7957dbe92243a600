/* dialog_data.h - loading the conversation data into SQLite.
 *
 * data/dialogs.json carries what the menus and the self-check read: the
 * menu tree (menu_nodes), the program categories and their code patterns
 * (program_categories, program_category_rules), the poverty standards
 * (poverty_standards), their deprivation questions (poverty_indicators)
 * and the programs each household category opens (poverty_benefits). See
 * the file's "note" for the meaning of each field.
 *
 * `gatewayctl init` loads it once, when menu_nodes is empty, so edits an
 * administrator made in the database are never overwritten. A new poverty
 * standard (the 2027 lines) is a row in this data, not a code change.
 */
#ifndef GW_DIALOG_DATA_H
#define GW_DIALOG_DATA_H

#include <stddef.h>

#include "common/db.h"

/* Replace the conversation tables with the file's content, in one
 * transaction (the caller must not hold one). On failure nothing changes
 * and err (size errsz) says which record and field was wrong. */
int dialog_data_import(struct db *db, const char *path, char *err, size_t errsz);

/* 1 when the menu tables hold data, 0 when empty; < 0 on error. */
int dialog_data_loaded(struct db *db);

#endif

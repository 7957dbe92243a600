/* lexicon.h - commands and their aliases, kept as data in SQLite.
 *
 * Loaded from data/lexicon.json by `gatewayctl init`; extended at run time
 * with `gatewayctl keyword add`. Aliases are stored folded (lower-case
 * ASCII, single spaces). An alias belongs to one command: adding one that
 * another command already owns is refused with GW_ERR_EXISTS.
 */
#ifndef GW_LEXICON_H
#define GW_LEXICON_H

#include <stddef.h>

#include "../common/db.h"

/* Load the file in one transaction (the caller must not hold one). */
int lexicon_import(struct db *db, const char *path, char *err, size_t errsz);

/* Add alias to command (inside or outside a transaction). err explains a
 * refusal, e.g. "alias 'huy' already belongs to STOP". */
int lexicon_add_alias(struct db *db, const char *command, const char *alias, const char *lang,
		      char *err, size_t errsz);
int lexicon_remove_alias(struct db *db, const char *alias);

/* Fold an alias to its stored form. */
int lexicon_fold_alias(const char *alias, char *out, size_t outsz);

#endif

/* operators.h - which operator a phone number probably belongs to.
 *
 * The prefixes are data (table operator_prefixes, loaded by `gatewayctl
 * init` from data/operators.json). A number ported to another operator
 * keeps its prefix, so the answer is a likely operator: routing uses it
 * to prefer a SIM of the same operator (cheaper, surer), never to refuse
 * a number (gateway/daemon/route.h).
 *
 * Numbers are compared in national form: "+84961234567", "84961234567"
 * and "0961234567" are all "0961234567"; the longest matching prefix wins.
 */
#ifndef GW_OPERATORS_H
#define GW_OPERATORS_H

#include <stddef.h>

#include "common/db.h"

#define OPERATORS_MAX 128
#define OPERATORS_NAME_MAX 24
#define OPERATORS_PREFIX_MAX 12

struct operator_table {
	int n;
	struct {
		char prefix[OPERATORS_PREFIX_MAX];
		char name[OPERATORS_NAME_MAX];
	} e[OPERATORS_MAX];
};

/* The table as the database holds it (n = 0 when never loaded). */
int operators_load(struct db *db, struct operator_table *t);

/* The likely operator of phone ("viettel"), or "" when no prefix matches
 * (a foreign number, a landline, an unknown prefix). */
const char *operators_find(const struct operator_table *t, const char *phone);

/* Replace the prefixes with those of a JSON file ({"operators": {"name":
 * ["086", ...], ...}}), in one transaction. *count: prefixes loaded.
 * Errors are written into err. */
int operators_import(struct db *db, const char *path, int *count, char *err, size_t errsz);

/* 1 when name has at least one prefix in t. */
int operators_known(const struct operator_table *t, const char *name);

#endif

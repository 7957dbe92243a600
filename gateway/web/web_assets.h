/* web_assets.h - the web console's static files, compiled in.
 *
 * One stylesheet, one small plain script (live SMS preview of the program
 * editor, confirmation of destructive buttons; every page works without
 * it) and an icon. No build step, no CDN: the daemon serves all of it
 * under /static/.
 */
#ifndef GW_WEB_ASSETS_H
#define GW_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *path;   /* "/static/app.css" */
	const char *type;   /* Content-Type */
	const char *data;
	size_t len;
};

/* The asset served at path, or NULL. */
const struct web_asset *web_assets_find(const char *path);

#endif

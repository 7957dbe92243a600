/* gatewayctl program: list, show, add, edit, remove, history, revert.
 *
 * Every save goes through content_apply (content.h): the same validation as
 * an import, one transaction, the previous version kept in history, an
 * audit row. `edit` works like `git commit`: the program as a readable form
 * (program_form.h) in a temporary file, $VISUAL or $EDITOR run on it with
 * execvp (never a shell, so no text of ours is ever interpreted), and the
 * result checked before anything is saved.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/audit.h"
#include "common/buf.h"
#include "common/gw_err.h"
#include "gateway/content/content.h"
#include "gateway/content/content_programs.h"
#include "gateway/content/program_form.h"
#include "gateway/ctl/ctl.h"

#define FORM_MAX (1024 * 1024)
#define EDITOR_ARGS_MAX 16

static const char program_usage[] =
	"usage: gatewayctl program list [--needs-check]\n"
	"       gatewayctl program show CODE [--version N] [--json]\n"
	"       gatewayctl program add [FILE]      (a form or a JSON record; no FILE: $EDITOR)\n"
	"       gatewayctl program edit CODE       (opens $VISUAL or $EDITOR on a form)\n"
	"       gatewayctl program remove CODE     (kept in history: revert brings it back)\n"
	"       gatewayctl program history CODE\n"
	"       gatewayctl program revert CODE VERSION\n";

/* A subcommand's operands and the options of them all. */
struct program_args {
	char **argv;
	int argc;
	int needs_check, as_json;
	long version; /* --version N; 0: the current one */
};

/* At most max characters (not bytes) of UTF-8 s, "..." when cut. */
static void print_cut(const char *s, int max)
{
	int chars = 0;
	const char *p = s;

	while (*p && chars < max) {
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
		chars++;
	}
	printf("%.*s%s", (int)(p - s), s, *p ? "..." : "");
}

static int cmd_list(struct ctl *c, struct db *db, const struct program_args *a)
{
	sqlite3_stmt *st;
	char when[32];
	int r, n = 0, rc = 1;

	if ((r = db_prepare(db, "SELECT code, version, needs_check, updated_at, title_vi"
				" FROM programs WHERE needs_check >= ? ORDER BY code", &st)) < 0)
		goto out;
	sqlite3_bind_int(st, 1, a->needs_check);
	printf("%-16s %4s %-5s %-16s %s\n", "CODE", "VER", "CHECK", "UPDATED", "TITLE");
	while ((r = db_step(st)) == DB_ROW) {
		ctl_office_time(c, sqlite3_column_int64(st, 3), when, sizeof(when));
		printf("%-16s %4d %-5s %-16s ", db_col_text(st, 0), sqlite3_column_int(st, 1),
		       sqlite3_column_int(st, 2) ? "yes" : "", when);
		print_cut(db_col_text(st, 4), 60);
		printf("\n");
		n++;
	}
	if (r < 0)
		goto out;
	printf("%d program(s)\n", n);
	rc = 0;
out:
	return rc;
}

static int cmd_show(struct ctl *c, struct db *db, const struct program_args *a)
{
	const char *code = a->argv[0];
	int version = (int)a->version;
	json_t *rec = NULL;
	char note[128];
	struct buf out;
	char *s = NULL;
	int cur = 0, r, rc = 1;

	buf_init(&out, FORM_MAX);
	r = content_programs_get(db, code, &rec, &cur);
	if (r == 0 && version && version != cur) {
		json_decref(rec);
		rec = NULL;
		r = content_programs_version(db, code, version, &rec);
	} else if (r == GW_ERR_NOTFOUND && version) {
		r = content_programs_version(db, code, version, &rec);
	}
	if (r < 0) {
		fprintf(stderr, "gatewayctl: program %s%s%.0d: %s\n", code, version ? " version " : "",
			version, gw_strerror(r));
		goto out;
	}
	if (a->as_json) {
		if (!(s = json_dumps(rec, JSON_INDENT(1) | JSON_PRESERVE_ORDER)))
			goto out;
		printf("%s\n", s);
		rc = 0;
		goto out;
	}
	snprintf(note, sizeof(note), "# %s, version %d%s\n", code, version ? version : cur,
		 version && version != cur ? " (from history)" : "");
	if (buf_adds(&out, note) < 0 || program_form_write(rec, NULL, &out) < 0)
		goto out;
	fwrite(out.data, 1, out.len, stdout);
	rc = 0;
out:
	free(s);
	json_decref(rec);
	buf_release(&out);
	return rc;
}

/* Save one record through the import path. *version: the version now. */
static int save_record(struct ctl *c, struct db *db, json_t *rec, const char *action,
		       const char *source, int expect_version, int *changed, char *err,
		       size_t errsz)
{
	json_t *records = json_array();
	struct content_report rep;
	struct content_opts o;
	int r = GW_ERR_NOMEM;

	content_report_init(&rep);
	if (!records || json_array_append(records, rec) < 0)
		goto out;
	content_opts_init(&o, c->actor, source);
	o.action = action;
	o.target = json_string_value(json_object_get(rec, "code"));
	o.expect_version = expect_version;
	if ((r = content_apply(db, CONTENT_PROGRAMS, records, &o, &rep, err, errsz)) < 0)
		goto out;
	*changed = rep.n.added + rep.n.changed;
out:
	content_report_release(&rep);
	json_decref(records);
	return r;
}

static int read_all(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;
	int r = GW_ERR_IO;

	buf_reset(out);
	if (!f)
		goto out;
	r = 0;
	while (r == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		r = buf_add(out, chunk, n);
	if (r == 0 && ferror(f))
		r = GW_ERR_IO;
	fclose(f);
out:
	return r;
}

/* Run $VISUAL / $EDITOR (default vi) on path. The variable is split on
 * blanks ("code --wait") and run with execvp: no shell ever sees it. */
static int run_editor(const char *path)
{
	const char *env = getenv("VISUAL");
	char *words = NULL, *argv[EDITOR_ARGS_MAX + 2], *p;
	int argc = 0, status = 0, r = GW_ERR_INVAL;
	pid_t pid;

	if (!env || !*env)
		env = getenv("EDITOR");
	if (!env || !*env)
		env = "vi";
	if (!(words = strdup(env))) {
		r = GW_ERR_NOMEM;
		goto out;
	}
	for (p = words; *p && argc < EDITOR_ARGS_MAX;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	if (argc == 0)
		goto out;
	argv[argc++] = (char *)(uintptr_t)path;
	argv[argc] = NULL;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		r = GW_ERR_IO;
		goto out;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "gatewayctl: cannot run editor '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : GW_ERR_IO;
out:
	free(words);
	return r;
}

static int ask_again(void)
{
	char answer[16];

	if (!isatty(STDIN_FILENO))
		return 0;
	fprintf(stderr, "Edit again? [Y/n] ");
	if (!fgets(answer, sizeof(answer), stdin))
		return 0;
	return answer[0] != 'n' && answer[0] != 'N';
}

/* The editor loop of add (code NULL) and edit CODE. */
static int edit_loop(struct ctl *c, struct db *db, const char *code, json_t *start, int version)
{
	char path[64], err[1024], note[160];
	struct buf orig, now;
	json_t *rec = NULL;
	int fd = -1, changed = 0, keep = 0, r, rc = 1;

	buf_init(&orig, FORM_MAX);
	buf_init(&now, FORM_MAX);
	snprintf(path, sizeof(path), "/tmp/gatewayctl-program-XXXXXX.txt");
	if ((fd = mkstemps(path, 4)) < 0) {
		fprintf(stderr, "gatewayctl: cannot create a temporary file: %s\n", strerror(errno));
		path[0] = '\0';
		goto out;
	}
	if (code)
		snprintf(note, sizeof(note), "Program %s, version %d (gatewayctl program edit)", code,
			 version);
	else
		snprintf(note, sizeof(note), "New program (gatewayctl program add)");
	if (program_form_write(start, note, &orig) < 0 ||
	    write(fd, orig.data, orig.len) != (ssize_t)orig.len) {
		fprintf(stderr, "gatewayctl: cannot write %s\n", path);
		goto out;
	}
	close(fd);
	fd = -1;
	for (;;) {
		json_decref(rec);
		rec = NULL;
		if (run_editor(path) < 0) {
			fprintf(stderr, "gatewayctl: the editor failed; nothing saved\n");
			goto out;
		}
		if (read_all(path, &now) < 0) {
			fprintf(stderr, "gatewayctl: cannot read %s back\n", path);
			goto out;
		}
		if (now.len == orig.len && memcmp(now.data, orig.data, now.len) == 0) {
			printf("no changes\n");
			rc = 0;
			goto out;
		}
		err[0] = '\0';
		r = program_form_parse(now.data, now.len, &rec, err, sizeof(err));
		if (r == GW_ERR_EMPTY) {
			fprintf(stderr, "gatewayctl: empty form: cancelled, nothing saved\n");
			goto out;
		}
		if (r == 0 && code && strcmp(json_string_value(json_object_get(rec, "code")) ?
					     json_string_value(json_object_get(rec, "code")) : "",
					     code) != 0) {
			snprintf(err, sizeof(err), "code: stays %s here (to rename: program add, then"
				 " program remove)", code);
			r = GW_ERR_INVAL;
		}
		if (r == 0)
			r = save_record(c, db, rec, code ? "program edit" : "program add", "form",
					code ? version : -1, &changed, err, sizeof(err));
		if (r == 0)
			break;
		fprintf(stderr, "gatewayctl: not saved: %s\n", *err ? err : gw_strerror(r));
		if (r == GW_ERR_BUSY || !ask_again()) {
			fprintf(stderr, "gatewayctl: your text is kept in %s\n", path);
			keep = 1;
			goto out;
		}
	}
	if (changed)
		printf("saved %s\n", json_string_value(json_object_get(rec, "code")));
	else
		printf("no changes\n");
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (*path && !keep)
		unlink(path);
	json_decref(rec);
	buf_release(&orig);
	buf_release(&now);
	return rc;
}

static int add_file(struct ctl *c, struct db *db, const char *path)
{
	struct buf text;
	json_t *rec = NULL;
	json_error_t je;
	char err[1024];
	int changed = 0, r, rc = 1;

	buf_init(&text, FORM_MAX);
	err[0] = '\0';
	if (read_all(path, &text) < 0) {
		fprintf(stderr, "gatewayctl: cannot read %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (text.len && text.data[strspn(text.data, " \t\r\n")] == '{') {
		if (!(rec = json_loadb(text.data, text.len, JSON_REJECT_DUPLICATES, &je))) {
			fprintf(stderr, "gatewayctl: %s:%d:%d: invalid JSON: %s\n", path, je.line,
				je.column, je.text);
			goto out;
		}
		r = 0;
	} else {
		r = program_form_parse(text.data, text.len, &rec, err, sizeof(err));
	}
	if (r == 0)
		r = save_record(c, db, rec, "program add", path, -1, &changed, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "gatewayctl: not added: %s: %s\n", path, *err ? err : gw_strerror(r));
		goto out;
	}
	printf("added %s\n", json_string_value(json_object_get(rec, "code")));
	rc = 0;
out:
	json_decref(rec);
	buf_release(&text);
	return rc;
}

static int cmd_remove(struct ctl *c, struct db *db, const struct program_args *a)
{
	const char *code = a->argv[0];
	char detail[64];
	int version = 0, r, rc = 1;
	json_t *rec = NULL;

	if ((r = db_begin(db)) < 0 || (r = content_programs_get(db, code, &rec, &version)) < 0 ||
	    (r = content_programs_remove(db, code, c->actor, (int64_t)time(NULL))) < 0)
		goto out;
	snprintf(detail, sizeof(detail), "version %d kept in history", version);
	if ((r = audit_write(db, time(NULL), c->actor, "program remove", code, detail)) < 0 ||
	    (r = db_commit(db)) < 0)
		goto out;
	printf("removed %s (version %d is kept: gatewayctl program revert %s %d)\n", code, version,
	       code, version);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "gatewayctl: cannot remove %s: %s\n", code, gw_strerror(r));
	db_rollback(db);
	json_decref(rec);
	return rc;
}

static int cmd_history(struct ctl *c, struct db *db, const struct program_args *a)
{
	const char *code = a->argv[0];
	sqlite3_stmt *st;
	char when[32];
	int r, n = 0, rc = 1;

	/* the current version, then every kept one, newest first */
	if ((r = db_prepare(db, "SELECT version, 'current', updated_at, updated_by, title_vi"
				" FROM programs WHERE code = ?1"
				" UNION ALL SELECT version, 'replaced', changed_at, changed_by,"
				"  json_extract(data, '$.title_vi') FROM program_history WHERE code = ?1"
				" ORDER BY 1 DESC", &st)) < 0)
		goto out;
	db_bind_text(st, 1, code);
	printf("%4s  %-8s  %-16s  %-20s  %s\n", "VER", "", "WHEN", "WHO", "TITLE");
	while ((r = db_step(st)) == DB_ROW) {
		int current = strcmp(db_col_text(st, 1), "current") == 0;

		ctl_office_time(c, sqlite3_column_int64(st, 2), when, sizeof(when));
		printf("%4d  %-8s  %-16s  %-20s  ", sqlite3_column_int(st, 0),
		       current ? "saved" : n == 0 ? "removed" : "replaced", when, db_col_text(st, 3));
		print_cut(db_col_text(st, 4), 50);
		printf("\n");
		n++;
	}
	if (r < 0)
		goto out;
	if (n == 0) {
		fprintf(stderr, "gatewayctl: no program %s, now or in history\n", code);
		goto out;
	}
	printf("(saved: when and by whom the current version was saved; replaced/removed: when"
	       " and by whom that version was replaced or removed)\n");
	rc = 0;
out:
	return rc;
}

static int cmd_revert(struct ctl *c, struct db *db, const struct program_args *a)
{
	const char *code = a->argv[0], *vtext = a->argv[1];
	char *end, err[1024], source[48];
	long version = strtol(vtext, &end, 10);
	json_t *rec = NULL;
	int changed = 0, now_version = 0, r, rc = 1;

	if (*end || version < 1 || version > 1000000) {
		fprintf(stderr, "%s", program_usage);
		return 2;
	}
	err[0] = '\0';
	if ((r = content_programs_version(db, code, (int)version, &rec)) < 0) {
		fprintf(stderr, "gatewayctl: %s has no version %ld: %s\n", code, version,
			gw_strerror(r));
		goto out;
	}
	snprintf(source, sizeof(source), "version %ld", version);
	if ((r = save_record(c, db, rec, "program revert", source, 0, &changed, err,
			     sizeof(err))) < 0) {
		fprintf(stderr, "gatewayctl: not reverted: %s\n", *err ? err : gw_strerror(r));
		goto out;
	}
	json_decref(rec);
	rec = NULL;
	if (!changed) {
		printf("%s is already the same as version %ld\n", code, version);
	} else if (content_programs_get(db, code, &rec, &now_version) == 0) {
		printf("%s: version %ld restored as version %d\n", code, version, now_version);
	}
	rc = 0;
out:
	json_decref(rec);
	return rc;
}

/* add [FILE]: from the file, or from an empty form in the editor. */
static int cmd_add(struct ctl *c, struct db *db, const struct program_args *a)
{
	json_t *rec = NULL;
	int rc = 1;

	if (a->argc == 1) {
		rc = add_file(c, db, a->argv[0]);
		goto out;
	}
	if (!(rec = json_pack("{s:s, s:s, s:s}", "code", "", "title_vi", "", "summary_vi", "")))
		goto out;
	rc = edit_loop(c, db, NULL, rec, 0);
out:
	json_decref(rec);
	return rc;
}

static int cmd_edit(struct ctl *c, struct db *db, const struct program_args *a)
{
	json_t *rec = NULL;
	int cur = 0, r, rc = 1;

	if ((r = content_programs_get(db, a->argv[0], &rec, &cur)) < 0) {
		fprintf(stderr, "gatewayctl: program %s: %s\n", a->argv[0], gw_strerror(r));
		goto out;
	}
	rc = edit_loop(c, db, a->argv[0], rec, cur);
out:
	json_decref(rec);
	return rc;
}

static const struct program_cmd {
	const char *name;
	int min_args, max_args; /* operands after the subcommand's name */
	int (*run)(struct ctl *c, struct db *db, const struct program_args *a);
} program_cmds[] = {
	{ "list", 0, 0, cmd_list },
	{ "show", 1, 1, cmd_show },
	{ "add", 0, 1, cmd_add },
	{ "edit", 1, 1, cmd_edit },
	{ "remove", 1, 1, cmd_remove },
	{ "history", 1, 1, cmd_history },
	{ "revert", 2, 2, cmd_revert },
};

int ctl_cmd_program(struct ctl *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	const struct program_cmd *cmd = NULL;
	struct program_args a = { NULL, 0, 0, 0, 0 };
	int help = 0, first, rc = 2;
	const struct ctl_opt opts[] = {
		CTL_FLAG('c', "needs-check", &a.needs_check), CTL_LONG('v', "version", &a.version, 1, LONG_MAX),
		CTL_FLAG('j', "json", &a.as_json), CTL_FLAG('h', "help", &help), CTL_END,
	};
	struct db *db = NULL;

	if (strcmp(sub, "help") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(program_usage, stdout);
		return 0;
	}
	if (argc > 1)
		argv++, argc--; /* options after the sub-subcommand */
	if ((first = ctl_options(c, argc, argv, opts)) < 0)
		return ctl_usage(program_usage);
	if (help) {
		fputs(program_usage, stdout);
		return 0;
	}
	a.argv = argv + first;
	a.argc = argc - first;
	for (size_t i = 0; i < sizeof(program_cmds) / sizeof(program_cmds[0]) && !cmd; i++)
		if (strcmp(sub, program_cmds[i].name) == 0)
			cmd = &program_cmds[i];
	if (!cmd || a.argc < cmd->min_args || a.argc > cmd->max_args)
		return ctl_usage(program_usage);
	rc = 1;
	if (ctl_open_db(c, &db) == 0)
		rc = cmd->run(c, db, &a);
	db_close(db);
	return rc;
}

/*
 * pg_denorm — the operator's command for denorm, built with libpq.
 *
 *   pg_denorm [connection options] status
 *   pg_denorm [connection options] audit [PROJECTION]     exit 1 when there is drift
 *   pg_denorm [connection options] repair [PROJECTION]
 *   pg_denorm [connection options] rebuild PROJECTION [--batch N] [--restart] [--max-batches N]
 *   pg_denorm [connection options] rebuild-table TABLE [--in-place]
 *
 * It connects like psql: -d takes a database name or a conninfo string, -h,
 * -p and -U override, and the PG* environment fills in the rest. rebuild
 * runs one transaction per batch and draws a progress bar (done/total,
 * rate, time left) on a terminal, plain lines otherwise; Ctrl-C stops it
 * after the batch in flight, and running it again resumes. rebuild-table
 * calls denorm.rebuild_target in one transaction: every projection writing
 * the table, by a new table swapped in when it can (readers wait).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <stdbool.h>
#include <unistd.h>

#include "libpq-fe.h"

#define EXIT_DRIFT 1
#define EXIT_TROUBLE 2
#define EXIT_INTERRUPTED 130

static volatile sig_atomic_t interrupted = 0;

static void
on_sigint(int sig)
{
	(void) sig;
	interrupted = 1;
}

static void
usage(FILE *out)
{
	fprintf(out,
			"pg_denorm: operate denorm projections\n\n"
			"Usage:\n"
			"  pg_denorm [OPTION]... status\n"
			"  pg_denorm [OPTION]... audit [PROJECTION]\n"
			"  pg_denorm [OPTION]... repair [PROJECTION]\n"
			"  pg_denorm [OPTION]... rebuild PROJECTION [--batch N] [--restart] [--max-batches N]\n"
			"  pg_denorm [OPTION]... rebuild-table TABLE [--in-place]\n\n"
			"Connection options:\n"
			"  -d, --dbname=DBNAME|CONNINFO   database to connect to\n"
			"  -h, --host=HOST                server host or socket directory\n"
			"  -p, --port=PORT                server port\n"
			"  -U, --username=USER            user name\n\n"
			"audit exits with 1 when any projection has drifted, so that cron and CI can use it.\n"
			"rebuild runs one transaction per batch; Ctrl-C stops after the current batch,\n"
			"and running it again resumes where it stopped (--restart starts over).\n"
			"rebuild-table rebuilds every projection writing TABLE in one transaction, by\n"
			"swapping in a new table when it can (readers of the table wait until it ends);\n"
			"--in-place rebuilds row by row instead (readers do not wait).\n");
}

static double
now_seconds(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static PGresult *
run(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
	PGresult   *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
	{
		fprintf(stderr, "pg_denorm: %s", PQerrorMessage(conn));
		PQclear(res);
		PQfinish(conn);
		exit(EXIT_TROUBLE);
	}
	return res;
}

/* Print a result as an aligned table. */
static void
print_table(PGresult *res)
{
	int			ncols = PQnfields(res);
	int			nrows = PQntuples(res);
	int		   *width = calloc(ncols, sizeof(int));
	int			c;
	int			r;

	for (c = 0; c < ncols; c++)
	{
		width[c] = (int) strlen(PQfname(res, c));
		for (r = 0; r < nrows; r++)
			if ((int) strlen(PQgetvalue(res, r, c)) > width[c])
				width[c] = (int) strlen(PQgetvalue(res, r, c));
	}
	for (c = 0; c < ncols; c++)
		printf("%s%-*s", c ? "  " : "", width[c], PQfname(res, c));
	printf("\n");
	for (c = 0; c < ncols; c++)
	{
		int			i;

		printf("%s", c ? "  " : "");
		for (i = 0; i < width[c]; i++)
			putchar('-');
	}
	printf("\n");
	for (r = 0; r < nrows; r++)
	{
		for (c = 0; c < ncols; c++)
			printf("%s%-*s", c ? "  " : "", width[c], PQgetvalue(res, r, c));
		printf("\n");
	}
	free(width);
}

static int
cmd_status(PGconn *conn)
{
	PGresult   *res = run(conn,
						  "SELECT p.name AS projection, p.kind, p.source::text, p.target::text, p.triggers, "
						  "       s.scope, s.statements, s.keys, s.rows_written, round(s.time_ms::numeric, 1) AS time_ms, "
						  "       s.lock_waits, s.escalations, s.serialization_failures AS ser_failures, "
						  "       coalesce(to_char(s.last_audit, 'YYYY-MM-DD HH24:MI:SS'), '-') AS last_audit, "
						  "       coalesce(s.last_audit_drift::text, '-') AS drift "
						  "  FROM denorm.projections p JOIN denorm.stats s ON s.projection = p.name "
						  " ORDER BY p.name", 0, NULL);

	print_table(res);
	PQclear(res);
	return 0;
}

static int
cmd_audit(PGconn *conn, const char *name)
{
	const char *params[1] = {name};
	PGresult   *res = run(conn,
						  "SELECT projection, coalesce(key, '') AS key, problem, "
						  "       coalesce(expected::text, '') AS expected, coalesce(actual::text, '') AS actual "
						  "  FROM denorm.audit($1)", 1, params);
	int			n = PQntuples(res);

	if (n > 0)
		print_table(res);
	printf("%d drifted key%s%s%s\n", n, n == 1 ? "" : "s",
		   name ? " in " : "", name ? name : "");
	PQclear(res);
	return n > 0 ? EXIT_DRIFT : 0;
}

static int
cmd_repair(PGconn *conn, const char *name)
{
	const char *params[1] = {name};
	PGresult   *res = run(conn, "SELECT denorm.repair($1)", 1, params);

	printf("%s key%s repaired\n", PQgetvalue(res, 0, 0),
		   strcmp(PQgetvalue(res, 0, 0), "1") == 0 ? "" : "s");
	PQclear(res);
	return 0;
}

/* The server's NOTICE saying why a swap was not possible, printed as such. */
static void
print_notice(void *arg, const char *message)
{
	(void) arg;
	fprintf(stderr, "pg_denorm: %s", message);
}

static int
cmd_rebuild_table(PGconn *conn, const char *table, bool in_place)
{
	const char *params[2] = {table, in_place ? "true" : "false"};
	PGresult   *res;

	PQsetNoticeProcessor(conn, print_notice, NULL);
	res = run(conn, "SELECT denorm.rebuild_target($1::regclass, $2::boolean)", 2, params);
	printf("%s: %s rows written\n", table, PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

static void
draw_progress(const char *name, const char *phase, long done, long total, long rows,
			  double rate, bool tty, bool final)
{
	double		frac = total > 0 ? (double) done / total : 1.0;
	long		left = (rate > 0 && total > done) ? (long) ((total - done) / rate) : 0;

	if (frac > 1.0)
		frac = 1.0;
	if (tty)
	{
		int			width = 30;
		int			filled = (int) (frac * width);
		int			i;

		printf("\r%s [", name);
		for (i = 0; i < width; i++)
			putchar(i < filled ? '#' : '.');
		printf("] %3d%%  %ld/%ld keys  %ld rows written  %.0f keys/s  %02ld:%02ld:%02ld left  (%s)   ",
			   (int) (frac * 100), done, total, rows, rate, left / 3600, (left / 60) % 60, left % 60, phase);
		if (final)
			printf("\n");
		fflush(stdout);
	}
	else
		printf("%s: %s %ld/%ld keys, %ld rows written, %.0f keys/s, %02ld:%02ld:%02ld left\n",
			   name, phase, done, total, rows, rate, left / 3600, (left / 60) % 60, left % 60);
}

static int
cmd_rebuild(PGconn *conn, const char *name, int batch, bool restart, long max_batches)
{
	char		batch_text[32];
	bool		tty = isatty(STDOUT_FILENO);
	double		t0 = now_seconds();
	long		batches = 0;
	long		start_done = -1;

	snprintf(batch_text, sizeof(batch_text), "%d", batch);
	signal(SIGINT, on_sigint);
	for (;;)
	{
		const char *params[3] = {name, batch_text, restart && batches == 0 ? "true" : "false"};
		PGresult   *res;
		long		done;
		long		total;
		long		rows;
		bool		finished;
		char		phase[16];
		double		rate;

		PQclear(run(conn, "BEGIN", 0, NULL));
		res = run(conn, "SELECT phase, done, total, rows_written, finished FROM denorm.rebuild_step($1, $2::int, $3::boolean)",
				  3, params);
		snprintf(phase, sizeof(phase), "%s", PQgetvalue(res, 0, 0));
		done = atol(PQgetvalue(res, 0, 1));
		total = atol(PQgetvalue(res, 0, 2));
		rows = atol(PQgetvalue(res, 0, 3));
		finished = PQgetvalue(res, 0, 4)[0] == 't';
		PQclear(res);
		PQclear(run(conn, "COMMIT", 0, NULL));
		batches++;
		if (start_done < 0)
			start_done = done - (done < batch ? done : batch);
		rate = (done - start_done) / (now_seconds() - t0 + 1e-6);
		draw_progress(name, phase, done, total, rows, rate, tty, finished);
		if (finished)
			return 0;
		if (interrupted || (max_batches > 0 && batches >= max_batches))
		{
			if (tty)
				printf("\n");
			printf("%s: stopped after %ld keys; run the same command again to resume\n", name, done);
			return interrupted ? EXIT_INTERRUPTED : 0;
		}
	}
}

int
main(int argc, char **argv)
{
	const char *keywords[8];
	const char *values[8];
	int			nkw = 0;
	const char *command = NULL;
	const char *name = NULL;
	int			batch = 1000;
	bool		restart = false;
	bool		in_place = false;
	long		max_batches = 0;
	PGconn	   *conn;
	int			i;
	int			rc;

	for (i = 1; i < argc; i++)
	{
		const char *a = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;

#define OPTION(shortopt, longopt, keyword) \
		if (strcmp(a, shortopt) == 0 || strcmp(a, longopt) == 0) \
		{ \
			if (!next) { usage(stderr); return EXIT_TROUBLE; } \
			keywords[nkw] = keyword; values[nkw++] = next; i++; continue; \
		} \
		if (strncmp(a, longopt "=", strlen(longopt) + 1) == 0) \
		{ \
			keywords[nkw] = keyword; values[nkw++] = a + strlen(longopt) + 1; continue; \
		}
		OPTION("-d", "--dbname", "dbname");
		OPTION("-h", "--host", "host");
		OPTION("-p", "--port", "port");
		OPTION("-U", "--username", "user");
#undef OPTION
		if (strcmp(a, "--batch") == 0 && next)
		{
			batch = atoi(next);
			i++;
		}
		else if (strcmp(a, "--max-batches") == 0 && next)
		{
			max_batches = atol(next);
			i++;
		}
		else if (strcmp(a, "--restart") == 0)
			restart = true;
		else if (strcmp(a, "--in-place") == 0)
			in_place = true;
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-?") == 0)
		{
			usage(stdout);
			return 0;
		}
		else if (a[0] == '-')
		{
			fprintf(stderr, "pg_denorm: unknown option %s\n", a);
			usage(stderr);
			return EXIT_TROUBLE;
		}
		else if (!command)
			command = a;
		else if (!name)
			name = a;
		else
		{
			usage(stderr);
			return EXIT_TROUBLE;
		}
	}
	if (!command || batch < 1 ||
		((strcmp(command, "rebuild") == 0 || strcmp(command, "rebuild-table") == 0) && !name) ||
		(strcmp(command, "status") != 0 && strcmp(command, "audit") != 0 &&
		 strcmp(command, "repair") != 0 && strcmp(command, "rebuild") != 0 &&
		 strcmp(command, "rebuild-table") != 0))
	{
		usage(stderr);
		return EXIT_TROUBLE;
	}

	keywords[nkw] = "fallback_application_name";
	values[nkw++] = "pg_denorm";
	keywords[nkw] = NULL;
	values[nkw] = NULL;
	conn = PQconnectdbParams(keywords, values, 1);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		fprintf(stderr, "pg_denorm: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return EXIT_TROUBLE;
	}

	if (strcmp(command, "status") == 0)
		rc = cmd_status(conn);
	else if (strcmp(command, "audit") == 0)
		rc = cmd_audit(conn, name);
	else if (strcmp(command, "repair") == 0)
		rc = cmd_repair(conn, name);
	else if (strcmp(command, "rebuild-table") == 0)
		rc = cmd_rebuild_table(conn, name, in_place);
	else
		rc = cmd_rebuild(conn, name, batch, restart, max_batches);
	PQfinish(conn);
	return rc;
}

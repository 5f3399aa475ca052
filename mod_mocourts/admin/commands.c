/* commands.c: mocourts-admin's commands: names, option tables and the text
 * of `mocourts-admin CMD --help` (docs/mocourts-admin.8 says the same at
 * more length: keep the two in step). */
#include "admin.h"

#include <stddef.h>

const char mc_admin_common_help[] =
    "  -c, --config FILE    the Apache file holding the MoCourts* directives\n"
    "                       (default: $MOCOURTS_CONF, else\n"
    "                       " MC_DEFAULT_CONF ")\n"
    "  -q, --quiet          no progress line (one is shown on stderr when it is\n"
    "                       a terminal)\n"
    "  -h, --help           show this text\n";

static const struct option opts_create[] = {
    {"role", required_argument, NULL, MC_OPT_ROLE},
    {"new-role", required_argument, NULL, MC_OPT_NEW_ROLE},
    {"no-role", no_argument, NULL, MC_OPT_NO_ROLE},
    {"scope", required_argument, NULL, MC_OPT_SCOPE},
    {"must-change", no_argument, NULL, MC_OPT_MUST_CHANGE},
    {"first-name", required_argument, NULL, MC_OPT_FIRST_NAME},
    {"last-name", required_argument, NULL, MC_OPT_LAST_NAME},
    {NULL, 0, NULL, 0}};

static const struct option opts_deliver[] = {{"once", no_argument, NULL, MC_OPT_ONCE},
                                             {"loop", required_argument, NULL, MC_OPT_LOOP},
                                             {"workers", required_argument, NULL, MC_OPT_WORKERS},
                                             {"batch", required_argument, NULL, MC_OPT_BATCH},
                                             {NULL, 0, NULL, 0}};

static const struct option opts_import[] = {{"casenet", required_argument, NULL, MC_OPT_CASENET},
                                            {NULL, 0, NULL, 0}};

static const struct option opts_generate[] = {{"seed", required_argument, NULL, MC_OPT_SEED},
                                              {"cases", required_argument, NULL, MC_OPT_CASES},
                                              {"courts", required_argument, NULL, MC_OPT_COURTS},
                                              {"parties", required_argument, NULL, MC_OPT_PARTIES},
                                              {NULL, 0, NULL, 0}};

static const struct option opts_case_tasks[] = {
    {"at", required_argument, NULL, MC_OPT_AT},
    {"digest-time", required_argument, NULL, MC_OPT_DIGEST_TIME},
    {"casenet", required_argument, NULL, MC_OPT_CASENET},
    {NULL, 0, NULL, 0}};

static const struct option opts_audit[] = {{"since", required_argument, NULL, MC_OPT_SINCE},
                                           {"account", required_argument, NULL, MC_OPT_ACCOUNT},
                                           {"event", required_argument, NULL, MC_OPT_EVENT},
                                           {"format", required_argument, NULL, MC_OPT_FORMAT},
                                           {NULL, 0, NULL, 0}};

const mc_admin_cmd mc_admin_commands[] = {
    {"migrate", "", 0, 0, "", "apply pending schema migrations",
     "Apply the pending schema migrations of every component in MoCourtsSQLDir:\n"
     "core first, then each component after those named in its REQUIRES file.\n"
     "Prints one line per component: the migrations applied and the version it\n"
     "is now at. Running it again applies nothing.\n",
     NULL, mc_cmd_migrate},
    {"check", "", 0, 0, "", "check the configuration, the database and the schema",
     "Check the configuration file, MoCourtsBaseURL, the database (saying the\n"
     "socket, or the host and port, it connects to) and the schema version of\n"
     "every component against the migrations shipped. Exit status 0 only when\n"
     "everything is reachable and up to date.\n",
     NULL, mc_cmd_check},
    {"create-admin", "USERNAME EMAIL", 2, 2,
     "[--role ROLE]... [--new-role ROLE]... [--no-role] [--scope SCOPE] [--must-change] "
     "[--first-name NAME] [--last-name NAME]",
     "create an account (by default a Security unit administrator)",
     "Create an active account with a verified e-mail address. The password\n"
     "comes from $MOCOURTS_PASSWORD or is asked twice on the terminal; it must\n"
     "pass MoCourtsPasswordPolicy and is never printed.\n"
     "\n"
     "Options:\n"
     "  --role ROLE          grant ROLE (repeatable; default: security). ROLE must\n"
     "                       be one the modules check (security, clerk, attorney,\n"
     "                       group_admin, group_user) or one an account holds\n"
     "  --new-role ROLE      grant ROLE even though no account holds it yet (a\n"
     "                       role that only a plugin of your own checks)\n"
     "  --no-role            an ordinary account holder, with no role\n"
     "  --scope SCOPE        the roles' scope (a clerk's court code, e.g. 22)\n"
     "  --must-change        the password must be changed at the first logon\n"
     "  --first-name NAME    the account's first name\n"
     "  --last-name NAME     the account's last name\n",
     opts_create, mc_cmd_create_admin},
    {"deliver", "", 0, 0, "[--once | --loop SECONDS] [--workers W] [--batch N]",
     "send the queued notices (e-mail, SMS, voice)",
     "Send the queued notices (e-mail through MoCourtsSMTP, SMS and voice through\n"
     "MoCourtsGateway) once, or every SECONDS until interrupted (SIGINT, SIGTERM).\n"
     "Prints \"sent N, failed M\" at the end of --once, and after each round of\n"
     "--loop that had something to send.\n"
     "\n"
     "Options:\n"
     "  --once               send what is due, then stop (the default)\n"
     "  --loop SECONDS       a round every SECONDS (1 or more; 30, 30s, 5m...)\n"
     "  --workers W          W worker processes in parallel (1 to 64, default 1)\n"
     "  --batch N            notices each worker claims a round (1 to 5000,\n"
     "                       default 500)\n",
     opts_deliver, mc_cmd_deliver},
    {"purge", "", 0, 0, "", "delete expired sessions, codes and logon-throttle rows",
     "Delete expired and idle sessions (MoCourtsSessionIdle), used and expired\n"
     "codes, old logon-throttle rows and the claims of one-time form tokens\n"
     "two days old; prints how many of each.\n",
     NULL, mc_cmd_purge},
    {"import-bar", "FILE", 1, 1, "", "load the Missouri Bar roster from a CSV file",
     "Load the Missouri Bar roster from FILE, CSV (RFC 4180), one attorney a\n"
     "record: bar_number,last_name,first_name,status (header line optional).\n"
     "A re-import updates. A bad record is reported as FILE: line N: why and\n"
     "skipped; the good ones are kept. Exit status 1 when a record was refused\n"
     "or the file could not be read.\n",
     NULL, mc_cmd_import_bar},
    {"import", "FILE.xml", 1, 1, "[--casenet PATH]",
     "load courts, cases, dockets... from a Case.net feed",
     "Load courts, case types, judges, cases, parties, attorneys, docket\n"
     "entries, hearings and judgments from a Case.net feed (docs/casenet-feed.xsd),\n"
     "streamed. Importing the same feed again changes nothing. A bad record is\n"
     "reported as FILE:LINE: why and skipped. New docket entries notify the\n"
     "case's trackers. Exit status 1 when a record was bad or the feed could\n"
     "not be read to its end.\n"
     "\n"
     "Options:\n"
     "  --casenet PATH       where Case.net is mounted, for the links in notices\n"
     "                       (default /casenet)\n",
     opts_import, mc_cmd_import},
    {"efiling-setup", "FILE", 1, 1, "", "load the courts' eFiling set-up from an XML file",
     "Load the eFiling set-up of courts from FILE (docs/efiling-setup.xsd):\n"
     "participation, the case types that may be initiated, filing codes and\n"
     "fees, document size. Each court is applied whole or not at all; errors\n"
     "are reported as FILE:LINE. Loading the same file again changes nothing.\n"
     "Exit status 1 when a court was refused.\n",
     NULL, mc_cmd_efiling_setup},
    {"generate", "", 0, 0, "[--seed N] [--cases N] [--courts N] [--parties N]",
     "write a synthetic Case.net feed to stdout",
     "Write a synthetic, deterministic Case.net feed to stdout: the same options\n"
     "give the same bytes. Needs no configuration.\n"
     "\n"
     "Options:\n"
     "  --seed N             the generator's seed (default 1)\n"
     "  --cases N            how many cases (default 1000)\n"
     "  --courts N           how many courts, 1 to 24 (default 24)\n"
     "  --parties N          how many parties in all (default 3 per case)\n",
     opts_generate, mc_cmd_generate},
    {"case-tasks", "", 0, 0, "[--at 'YYYY-MM-DD HH:MM:SS'] [--digest-time HH:MM] [--casenet PATH]",
     "queue due hearing reminders and daily digests",
     "Queue the hearing reminders and daily digests that are due (what the\n"
     "delivery worker does each round), as of now or of --at; prints how many.\n"
     "\n"
     "Options:\n"
     "  --at 'YYYY-MM-DD HH:MM:SS'\n"
     "                       the moment to act as of (UTC; default now)\n"
     "  --digest-time HH:MM  digests go from this time on (UTC, default 22:00;\n"
     "                       keep it equal to MoCourtsCaseNetDigestTime)\n"
     "  --casenet PATH       where Case.net is mounted, for the links in notices\n"
     "                       (default /casenet)\n",
     opts_case_tasks, mc_cmd_case_tasks},
    {"audit", "", 0, 0,
     "--since DATE|DURATION [--account NAME|ID] [--event TYPE] --format csv|jsonl",
     "write the audit log's events to stdout (CSV or JSON lines)",
     "Write the events of the audit log (what the Security unit's Audit log page\n"
     "shows) from --since on, newest first, to stdout: CSV (RFC 4180, a header\n"
     "line; a cell starting with = + - or @ is prefixed with ') or JSON lines\n"
     "(one object per event: id, at, event, account_id, account, actor_id,\n"
     "actor, ip, detail). The export is itself audited (audit-exported).\n"
     "\n"
     "Options:\n"
     "  --since DATE|DURATION\n"
     "                       from this day ('YYYY-MM-DD') or moment\n"
     "                       ('YYYY-MM-DD HH:MM:SS'), UTC, or this long ago\n"
     "                       (45s, 30m, 24h, 7d)\n"
     "  --account NAME|ID    only the events about this account or done by it\n"
     "                       (its username or number)\n"
     "  --event TYPE         only the events of this type (e.g. logon-failed)\n"
     "  --format csv|jsonl   the output's format\n",
     opts_audit, mc_cmd_audit},
    {NULL}};

/* calendar.h: the calendar feed of an account's tracked cases' hearings
 * (issue 16; calendar.c): its routes, joined with the plugin's others in
 * mod_mocourts_casetrack.c.
 *   GET  /calendar            the page (Manage My Case links to it)
 *   POST /calendar/create     a secret address, shown once (data-once)
 *   POST /calendar/reset      a new one; the old answers 404 at once
 *   POST /calendar/remove     none any more
 *   GET  /calendar/<secret>.ics  the feed (anonymous, RFC 5545) */
#ifndef CT_CALENDAR_H
#define CT_CALENDAR_H

#include "casetrack.h"

extern const mc_route ct_calendar_routes[];

#endif

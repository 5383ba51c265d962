/* cacheit-http-date.c: HTTP-dates, strictly.
 *
 * This unit owns _cacheit_http_parse_date() (declared in cacheit-http.h):
 * the three forms of RFC 9110, 5.6.7, read position by position, and
 * nothing else. libsoup's soup_date_time_new_from_http_string() is lenient
 * on purpose (other zones, two-digit years anywhere, missing commas, extra
 * spaces); a cache must not be, since an Expires it cannot read means the
 * response is already stale (RFC 9111, 5.3), not one guessed at.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cacheit-http.h"

/* In the order of g_date_time_get_day_of_week() (1 is Monday), and of
 * months from 1; as RFC 9110 writes them, case included. */
static const char *const day_names[] = {
  "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", NULL
};
static const char *const long_day_names[] = {
  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", NULL
};
static const char *const month_names[] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", NULL
};

/* What a date says, as written: a day of the week from 1 (Monday), a
 * month from 1; the year of an rfc850-date is its two digits until
 * resolved. */
typedef struct
{
  int weekday;
  int day;
  int month;
  int year;
  int hour;
  int minute;
  int second;
} DateFields;

/* Each take_*() reads what it expects at *@p and moves past it, or returns
 * FALSE. None reads past the end of the string: a mismatch stops at the
 * nul. */

static gboolean
take (const char **p,
      const char  *literal)
{
  gsize length = strlen (literal);

  if (strncmp (*p, literal, length) != 0)
    return FALSE;
  *p += length;
  return TRUE;
}

/* Exactly @n digits. */
static gboolean
take_digits (const char **p,
             guint        n,
             int         *value)
{
  int result = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      result = result * 10 + ((*p)[i] - '0');
    }
  *p += n;
  *value = result;
  return TRUE;
}

/* One of @names (none is the start of another); *@index from 1. */
static gboolean
take_name (const char        **p,
           const char *const  *names,
           int                *index)
{
  for (int i = 0; names[i] != NULL; i++)
    if (take (p, names[i]))
      {
        *index = i + 1;
        return TRUE;
      }

  return FALSE;
}

/* time-of-day: two digits each, no check of their range yet. */
static gboolean
take_time (const char **p,
           DateFields  *date)
{
  return take_digits (p, 2, &date->hour) && take (p, ":") &&
         take_digits (p, 2, &date->minute) && take (p, ":") &&
         take_digits (p, 2, &date->second);
}

/* IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`. */
static gboolean
read_imf_fixdate (const char *p,
                  DateFields *date)
{
  return take_name (&p, day_names, &date->weekday) && take (&p, ", ") &&
         take_digits (&p, 2, &date->day) && take (&p, " ") &&
         take_name (&p, month_names, &date->month) && take (&p, " ") &&
         take_digits (&p, 4, &date->year) && take (&p, " ") &&
         take_time (&p, date) && take (&p, " GMT") && *p == '\0';
}

/* rfc850-date: `Sunday, 06-Nov-94 08:49:37 GMT`, the year of two digits. */
static gboolean
read_rfc850_date (const char *p,
                  DateFields *date)
{
  return take_name (&p, long_day_names, &date->weekday) && take (&p, ", ") &&
         take_digits (&p, 2, &date->day) && take (&p, "-") &&
         take_name (&p, month_names, &date->month) && take (&p, "-") &&
         take_digits (&p, 2, &date->year) && take (&p, " ") &&
         take_time (&p, date) && take (&p, " GMT") && *p == '\0';
}

/* asctime-date: `Sun Nov  6 08:49:37 1994`, the day two digits or a space
 * and one digit. */
static gboolean
read_asctime_date (const char *p,
                   DateFields *date)
{
  if (!take_name (&p, day_names, &date->weekday) || !take (&p, " ") ||
      !take_name (&p, month_names, &date->month) || !take (&p, " "))
    return FALSE;
  if (!(take (&p, " ") ? take_digits (&p, 1, &date->day) : take_digits (&p, 2, &date->day)))
    return FALSE;

  return take (&p, " ") && take_time (&p, date) && take (&p, " ") &&
         take_digits (&p, 4, &date->year) && *p == '\0';
}

/* Whether @date, its year resolved, comes after @limit (both UTC). */
static gboolean
date_after (const DateFields *date,
            GDateTime        *limit)
{
  int fields[] = { date->year, date->month, date->day, date->hour, date->minute, date->second };
  int limits[G_N_ELEMENTS (fields)];

  g_date_time_get_ymd (limit, &limits[0], &limits[1], &limits[2]);
  limits[3] = g_date_time_get_hour (limit);
  limits[4] = g_date_time_get_minute (limit);
  limits[5] = g_date_time_get_second (limit);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i] != limits[i])
      return fields[i] > limits[i];

  return FALSE;
}

/* The year of an rfc850-date's two digits (RFC 9110, 5.6.7): the latest
 * year ending in them whose date is not more than 50 years after @now.
 * Compared field by field, before the date is checked: 29 February may
 * be a date in one century and not in the next. */
static void
resolve_two_digit_year (DateFields *date,
                        GDateTime  *now)
{
  g_autoptr(GDateTime) now_utc = now != NULL ? g_date_time_to_utc (now)
                                             : g_date_time_new_now_utc ();
  g_autoptr(GDateTime) limit = g_date_time_add_years (now_utc, 50);
  int now_year = g_date_time_get_year (now_utc);
  int two_digits = date->year;

  date->year = now_year - now_year % 100 + two_digits;
  if (date_after (date, limit))
    {
      date->year -= 100;
      return;
    }

  /* Of this century but long past (say 00 when it is 2099): the next
   * century's is not 50 years ahead yet. */
  date->year += 100;
  if (date_after (date, limit))
    date->year -= 100;
}

GDateTime *
_cacheit_http_parse_date (const char *value,
                          GDateTime  *now)
{
  g_autoptr(GDateTime) when = NULL;
  DateFields date = { 0, };

  if (value == NULL)
    return NULL;

  if (read_rfc850_date (value, &date))
    resolve_two_digit_year (&date, now);
  else if (!read_imf_fixdate (value, &date) && !read_asctime_date (value, &date))
    return NULL;

  /* An invalid date is no date: 31 February, 24:00:00, a leap second. */
  if (date.year < 1 || date.year > 9999 || date.day < 1 ||
      date.day > g_date_get_days_in_month ((GDateMonth) date.month, (GDateYear) date.year) ||
      date.hour > 23 || date.minute > 59 || date.second > 59)
    return NULL;

  when = g_date_time_new_utc (date.year, date.month, date.day, date.hour, date.minute, date.second);
  if (when == NULL || g_date_time_get_day_of_week (when) != date.weekday)
    return NULL;

  return g_steal_pointer (&when);
}

/* cacheit-refetch.h: when to refetch in the background.
 *
 * cacheit-refetch.c owns what makes a resource refetch with no caller: the
 * interval timer, the network monitor it listens to and what it last said,
 * and whether the device is constrained (a metered network, power saving).
 * It tells its owner when to consider a refetch through one callback; the
 * owner decides (it knows whether data is in hand, stale, or being
 * fetched). It knows its owner as a GObject only. Main context only, but
 * for the network monitor's signal, which it brings to that context.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  CACHEIT_REFETCH_INTERVAL,      /* The interval went by. */
  CACHEIT_REFETCH_RECONNECTED,   /* The network came back. */
} CacheitRefetchReason;

typedef void (* CacheitRefetchFunc) (GObject              *owner,
                                     CacheitRefetchReason  reason);

typedef struct
{
  GObject            *owner;            /* Not owned: it embeds this. */
  GMainContext       *context;          /* Not owned: the owner's. */
  CacheitRefetchFunc  func;
  GSource            *interval_source;
  GNetworkMonitor    *network_monitor;
  guint               network_available : 1;
} CacheitRefetch;

void     _cacheit_refetch_init          (CacheitRefetch     *self,
                                         GObject            *owner,
                                         GMainContext       *context,
                                         CacheitRefetchFunc  func);
/* Stops listening to everything (dispose). */
void     _cacheit_refetch_stop          (CacheitRefetch     *self);
/* Every @seconds (0: never). */
void     _cacheit_refetch_set_interval  (CacheitRefetch     *self,
                                         guint               seconds);
/* Whether to hear of the network coming back. */
void     _cacheit_refetch_watch_network (CacheitRefetch     *self,
                                         gboolean            watch);
/* Whether a refetch in the background should wait: on a metered network or
 * in power-saver mode, when @pause_when_constrained. */
gboolean _cacheit_refetch_constrained   (gboolean            pause_when_constrained);

G_END_DECLS

/* demo-record.h: one record of the demo's catalogue, a typed CacheitModel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <cacheit.h>

G_BEGIN_DECLS

#define DEMO_TYPE_RECORD (demo_record_get_type ())

G_DECLARE_FINAL_TYPE (DemoRecord, demo_record, DEMO, RECORD, CacheitModel)

/* How many DemoRecord objects were ever made: a collection makes them only
 * for the items someone asks for (R11). */
guint        demo_record_get_n_made     (void);

gint64       demo_record_get_id         (DemoRecord *self);
const char  *demo_record_get_name       (DemoRecord *self);
const char  *demo_record_get_city       (DemoRecord *self);
double       demo_record_get_price      (DemoRecord *self);
int          demo_record_get_stock      (DemoRecord *self);
const char  *demo_record_get_updated    (DemoRecord *self);
const char  *demo_record_get_description (DemoRecord *self);

G_END_DECLS

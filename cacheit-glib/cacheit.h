/* cacheit.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define _CACHEIT_INSIDE

#include "cacheit-version.h"
#include "cacheit-version-macros.h"
#include "cacheit-enums.h"
#include "cacheit-error.h"
#include "cacheit-resource.h"
#include "cacheit-model.h"
#include "cacheit-collection.h"
#include "cacheit-auth-request.h"
#include "cacheit-client.h"

#undef _CACHEIT_INSIDE

/* cacheit-testing.h: the companion library for applications' own tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <cacheit.h>

#define _CACHEIT_TESTING_INSIDE

#include "cacheit-fixture-server.h"

#undef _CACHEIT_TESTING_INSIDE

/* Internal to libinkan: one HTTP exchange with a trust service (TSA, OCSP responder, CRL). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How URLs of servers are parsed: libsoup's SOUP_HTTP_URI_FLAGS, which the HTTP module checks
 * it equals, so that libinkan need not include libsoup. */
#define INKAN_HTTP_URI_FLAGS                                                                     \
  (G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED_PATH | G_URI_FLAGS_ENCODED_QUERY              \
   | G_URI_FLAGS_ENCODED_FRAGMENT | G_URI_FLAGS_SCHEME_NORMALIZE)

/* The caller's error domain and codes for what can go wrong. */
typedef struct
{
  GQuark domain;
  int unreachable;          /* no connection, a timeout, an answer cut off */
  int http;                 /* a status other than 200 */
  int malformed;            /* an answer larger than max_size */
  gsize max_size;
} InkanHttpErrors;

/* POSTs `body` as `content_type` to `uri` (GETs when `body` is NULL) with its own libsoup
 * session, and returns the body of a 200 answer. `who` starts the messages ("The timestamp
 * authority"), `url` names the server in them. */
GBytes *_inkan_http_fetch (const InkanHttpErrors *codes,
                           const char            *who,
                           GUri                  *uri,
                           const char            *url,
                           const char            *content_type,
                           GBytes                *body,
                           guint                  timeout,
                           GCancellable          *cancellable,
                           GError               **error);

/* The HTTP module's table (inkan-http.so): `fetch` is _inkan_http_fetch. */
typedef struct
{
  GBytes *(*fetch) (const InkanHttpErrors *codes, const char *who, GUri *uri, const char *url,
                    const char *content_type, GBytes *body, guint timeout,
                    GCancellable *cancellable, GError **error);
} InkanHttpModule;

G_END_DECLS

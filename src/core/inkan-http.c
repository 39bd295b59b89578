/* The HTTP module: one exchange with a trust service (TSA, OCSP responder, CRL) over libsoup 3. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-http-private.h"
#include "inkan-module-private.h"

#include <glib/gi18n-lib.h>
#include <gmodule.h>
#include <libsoup/soup.h>

G_STATIC_ASSERT (INKAN_HTTP_URI_FLAGS == SOUP_HTTP_URI_FLAGS);

/* POSTs `body` (GETs when it is NULL) and returns the body of a 200 answer. `who` names the
 * server in messages ("The timestamp authority"); errors are in `codes`' domain. */
static GBytes *
http_fetch (const InkanHttpErrors *codes, const char *who, GUri *uri, const char *url,
            const char *content_type, GBytes *body, guint timeout, GCancellable *cancellable,
            GError **error)
{
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GByteArray) answer = g_byte_array_new ();
  guint status;

  session = soup_session_new_with_options ("timeout", timeout, "user-agent",
                                           "Inkan/" PACKAGE_VERSION, NULL);
  msg = soup_message_new_from_uri (body != NULL ? SOUP_METHOD_POST : SOUP_METHOD_GET, uri);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  stream = soup_session_send (session, msg, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, codes->domain, codes->unreachable,
                     _("%s %s cannot be reached: %s. Check the address and the network, or try "
                       "again later."),
                     who, url, local_error->message);
      return NULL;
    }
  status = soup_message_get_status (msg);
  if (status != SOUP_STATUS_OK)
    {
      const char *reason = soup_message_get_reason_phrase (msg);

      g_set_error (error, codes->domain, codes->http,
                   _("%s %s answered HTTP %u %s. Check the address, or try again later."), who,
                   url, status, reason != NULL ? reason : "");
      g_input_stream_close (stream, NULL, NULL);
      return NULL;
    }

  for (;;)
    {
      guint8 buf[16384];
      gssize n = g_input_stream_read (stream, buf, sizeof buf, cancellable, &local_error);

      if (n < 0)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, codes->domain, codes->unreachable,
                         _("The answer of %s %s was cut off: %s. Try again later."), who, url,
                         local_error->message);
          return NULL;
        }
      if (n == 0)
        break;
      if (answer->len + (gsize) n > codes->max_size)
        {
          g_set_error (error, codes->domain, codes->malformed,
                       _("%s %s sent more than %zu bytes, which is not the "
                         "answer asked for. Check the address."),
                       who, url, codes->max_size);
          return NULL;
        }
      g_byte_array_append (answer, buf, (guint) n);
    }
  g_input_stream_close (stream, NULL, NULL);
  return g_byte_array_free_to_bytes (g_steal_pointer (&answer));
}

static const InkanHttpModule module = { http_fetch };

G_MODULE_EXPORT gconstpointer inkan_http_module (guint abi);

G_MODULE_EXPORT gconstpointer
inkan_http_module (guint abi)
{
  return abi == INKAN_MODULE_ABI ? &module : NULL;
}

/* A signature's certificate chain, signer first: subject, issuer, validity, fingerprints. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* `chain` holds gnutls_x509_crt_t (not taken); the window copies what it shows. */
GtkWindow *inkan_certificate_window_new (GtkWindow *parent,
                                         const char *signer,
                                         GPtrArray  *chain);

G_END_DECLS

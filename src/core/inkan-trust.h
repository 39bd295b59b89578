/* Trust anchors and certificate paths for verification. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

#define INKAN_TRUST_ERROR (inkan_trust_error_quark ())

typedef enum
{
  INKAN_TRUST_ERROR_FAILED,
  INKAN_TRUST_ERROR_NOT_FOUND,    /* a trust file that cannot be read */
  INKAN_TRUST_ERROR_INVALID,      /* a trust file with no certificate in it */
} InkanTrustError;

GQuark inkan_trust_error_quark (void);

typedef struct _InkanTrust InkanTrust;

InkanTrust *inkan_trust_new (void);
void        inkan_trust_free (InkanTrust *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanTrust, inkan_trust_free)

/* Adds every certificate of a PEM or DER file as a trust anchor. */
gboolean inkan_trust_add_file (InkanTrust *self, const char *path, GError **error);
/* Adds the system's anchors (p11-kit's trust module on Debian). */
gboolean inkan_trust_add_system (InkanTrust *self, GError **error);

/* Ordered from best to worst within a kind; the verifier maps each to an ETSI sub-indication. */
typedef enum
{
  INKAN_PATH_OK,
  INKAN_PATH_NO_CHAIN,            /* no path to an anchor: NO_CERTIFICATE_CHAIN_FOUND */
  INKAN_PATH_EXPIRED,             /* a certificate of the path expired at `at`: OUT_OF_BOUNDS_NO_POE */
  INKAN_PATH_NOT_YET_VALID,       /* a certificate of the path not yet valid at `at`:
                                   * OUT_OF_BOUNDS_NO_POE */
  INKAN_PATH_KEY_USAGE,           /* the signer's key usage has neither digitalSignature nor
                                   * nonRepudiation: SIG_CONSTRAINTS_FAILURE */
  INKAN_PATH_INVALID,             /* a broken signature or a CA constraint violated on the path:
                                   * CHAIN_CONSTRAINTS_FAILURE */
} InkanPathStatus;

typedef struct
{
  InkanPathStatus status;
  GPtrArray *chain;         /* gnutls_x509_crt_t (owned, freed with the result): the signer
                             * first, up to the anchor when one was reached, else as far as the
                             * certificates given allow */
  char *detail;             /* a sentence saying which certificate and why, or NULL when OK */
} InkanPathResult;

void inkan_path_result_clear (InkanPathResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (InkanPathResult, inkan_path_result_clear)

/* Builds the path from `signer` through `intermediates` (in any order, unrelated ones ignored)
 * to an anchor, and checks signatures, CA basic constraints and path length, the signer's key
 * usage, and the validity of every certificate at `at`. Never fails: the status says. */
void inkan_trust_check_path (InkanTrust              *self,
                             gnutls_x509_crt_t         signer,
                             gnutls_x509_crt_t const  *intermediates,
                             guint                     n_intermediates,
                             GDateTime                *at,
                             InkanPathResult          *result);

G_END_DECLS

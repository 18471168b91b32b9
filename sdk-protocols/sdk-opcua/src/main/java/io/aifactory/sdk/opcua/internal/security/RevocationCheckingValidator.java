package io.aifactory.sdk.opcua.internal.security;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.TrustListManager;

/**
 * Refuses a peer certificate that a CRL in {@code trusted/crl} or {@code issuers/crl} revokes, after the delegate's
 * checks passed. CRLs are optional: a certificate whose issuer published none is accepted.
 *
 * <p>Why not Milo's REVOCATION check: on Java 17 Milo 1.1.2 cannot install its own revocation checker (it needs
 * reflective access to {@code sun.security.provider.certpath}) and falls back to the JDK's, which then demands a
 * CRL for every CA in the chain; and Milo checks no revocation at all for a self-signed certificate trusted
 * directly, the usual case on the shop floor.
 */
public final class RevocationCheckingValidator implements CertificateValidator {
  private final CertificateValidator delegate;
  private final TrustListManager trustList;

  public RevocationCheckingValidator(CertificateValidator delegate, TrustListManager trustList) {
    this.delegate = delegate;
    this.trustList = trustList;
  }

  @Override
  public void validateCertificateChain(List<X509Certificate> chain, String applicationUri, String[] validHostNames)
      throws UaException {
    delegate.validateCertificateChain(chain, applicationUri, validHostNames);
    List<X509CRL> crls = new ArrayList<>(trustList.getTrustedCrls());
    crls.addAll(trustList.getIssuerCrls());
    if (crls.isEmpty()) return;
    List<X509Certificate> issuers = new ArrayList<>(chain);
    issuers.addAll(trustList.getTrustedCertificates());
    issuers.addAll(trustList.getIssuerCertificates());
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      for (X509CRL crl : crls) {
        if (crl.getIssuerX500Principal().equals(c.getIssuerX500Principal()) && crl.isRevoked(c)
            && signedByAnIssuer(crl, issuers)) {
          throw new UaException(i == 0 ? StatusCodes.Bad_CertificateRevoked : StatusCodes.Bad_CertificateIssuerRevoked,
              "certificate '" + c.getSubjectX500Principal().getName() + "' is revoked by a CRL of '"
                  + crl.getIssuerX500Principal().getName() + "'");
        }
      }
    }
  }

  /** Only a CRL signed by the issuer it names counts; anyone can write a file into the folder's name. */
  private static boolean signedByAnIssuer(X509CRL crl, List<X509Certificate> candidates) {
    for (X509Certificate issuer : candidates) {
      if (!issuer.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) continue;
      try {
        crl.verify(issuer.getPublicKey());
        return true;
      } catch (Exception wrongKey) {
        // another certificate with that subject, or a forged CRL
      }
    }
    return false;
  }
}

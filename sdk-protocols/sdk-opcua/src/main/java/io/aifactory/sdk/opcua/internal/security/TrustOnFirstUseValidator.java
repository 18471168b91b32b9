package io.aifactory.sdk.opcua.internal.security;

import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.TrustListManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trusts an unknown peer certificate the first time it is seen (stores it in {@code trusted/}) and then applies the
 * normal checks, so a later, different certificate is refused. Only used when the caller asked for it.
 */
public final class TrustOnFirstUseValidator implements CertificateValidator {
  private static final Logger log = LoggerFactory.getLogger(TrustOnFirstUseValidator.class);

  private final CertificateValidator delegate;
  private final TrustListManager trustList;
  private final CertificateQuarantine quarantine;

  public TrustOnFirstUseValidator(CertificateValidator delegate, TrustListManager trustList, CertificateQuarantine quarantine) {
    this.delegate = delegate;
    this.trustList = trustList;
    this.quarantine = quarantine;
  }

  @Override
  public void validateCertificateChain(List<X509Certificate> chain, String applicationUri, String[] validHostNames)
      throws UaException {
    try {
      delegate.validateCertificateChain(chain, applicationUri, validHostNames);
    } catch (UaException e) {
      long code = e.getStatusCode().getValue();
      boolean untrusted = code == StatusCodes.Bad_CertificateUntrusted || code == StatusCodes.Bad_SecurityChecksFailed;
      if (!untrusted || chain.isEmpty() || !trustList.getTrustedCertificates().isEmpty() && knowsSubject(chain.get(0))) {
        throw e;
      }
      X509Certificate leaf = chain.get(0);
      log.warn("trusting server certificate '{}' on first use", leaf.getSubjectX500Principal().getName());
      trustList.addTrustedCertificate(leaf);
      quarantine.removeRejectedCertificate(leaf);
      delegate.validateCertificateChain(chain, applicationUri, validHostNames);
    }
  }

  /** A peer we trusted before that now shows another certificate with the same subject is not trusted silently. */
  private boolean knowsSubject(X509Certificate leaf) {
    for (X509Certificate c : trustList.getTrustedCertificates()) {
      if (c.getSubjectX500Principal().equals(leaf.getSubjectX500Principal()) && !c.equals(leaf)) return true;
    }
    return false;
  }
}

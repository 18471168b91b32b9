package io.aifactory.sdk.opcua.internal.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trust on first use, pinned per server endpoint: the first certificate a server at {@code host:port} shows is
 * written to that endpoint's pin file ({@link Pki#pinFile}), never to the shared {@code trusted/} folder, so it is
 * trusted for that endpoint only and only by devices that asked for trust on first use. A different certificate at
 * a pinned endpoint is refused (unless an administrator trusted it in {@code trusted/}); deleting the pin file
 * accepts the next one. The delegate must validate against a trust list that includes the pin
 * ({@link Pki#trustList(Path)}).
 */
public final class TrustOnFirstUseValidator implements CertificateValidator {
  private static final Logger log = LoggerFactory.getLogger(TrustOnFirstUseValidator.class);

  private final CertificateValidator delegate;
  private final Path pinFile;
  private final CertificateQuarantine quarantine;

  public TrustOnFirstUseValidator(CertificateValidator delegate, Path pinFile, CertificateQuarantine quarantine) {
    this.delegate = delegate;
    this.pinFile = pinFile;
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
      if (!untrusted || chain.isEmpty()) throw e;
      X509Certificate leaf = chain.get(0);
      if (Files.exists(pinFile)) {
        // The delegate trusts the pinned certificate, so this is another one: possibly an impostor.
        throw new UaException(StatusCodes.Bad_SecurityChecksFailed, "the server certificate '"
            + leaf.getSubjectX500Principal().getName() + "' differs from the one pinned on first use in " + pinFile
            + "; delete that file to trust the new certificate");
      }
      pin(leaf);
      quarantine.removeRejectedCertificate(leaf);
      delegate.validateCertificateChain(chain, applicationUri, validHostNames);
    }
  }

  /** Returns the certificate pinned in {@code pinFile}, or null if there is none. */
  public static X509Certificate pinned(Path pinFile) {
    if (!Files.isRegularFile(pinFile)) return null;
    try (java.io.InputStream in = Files.newInputStream(pinFile)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (Exception e) {
      log.warn("ignoring {}: not a certificate ({})", pinFile, e.toString());
      return null;
    }
  }

  private void pin(X509Certificate leaf) throws UaException {
    try {
      Files.createDirectories(pinFile.getParent());
      try {
        // CREATE_NEW: of two devices pinning the same endpoint at once, the first one wins.
        Files.write(pinFile, leaf.getEncoded(), java.nio.file.StandardOpenOption.CREATE_NEW);
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        return;
      }
      log.warn("trusting server certificate '{}' on first use; pinned in {}", leaf.getSubjectX500Principal().getName(),
          pinFile);
    } catch (Exception e) {
      throw new UaException(StatusCodes.Bad_SecurityChecksFailed, "cannot pin the server certificate in " + pinFile
          + ": " + e);
    }
  }
}

package io.aifactory.sdk.opcua.internal.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.TrustListManager;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trust list that reads its folders on every call. Milo's file-based one watches the folders from a thread of
 * its own and learns of changes a little later; reading a handful of small files per handshake is cheap and makes
 * "move the certificate to trusted/, then connect" work at once, with no thread to own.
 */
public final class DirectoryTrustList implements TrustListManager {
  private static final Logger log = LoggerFactory.getLogger(DirectoryTrustList.class);

  private final Path trustedCerts;
  private final Path trustedCrls;
  private final Path issuerCerts;
  private final Path issuerCrls;
  /** A certificate pinned for one endpoint by trust on first use, trusted for that endpoint only; may be null. */
  private final Path pin;

  DirectoryTrustList(Path trustedCerts, Path trustedCrls, Path issuerCerts, Path issuerCrls, Path pin) {
    this.trustedCerts = trustedCerts;
    this.trustedCrls = trustedCrls;
    this.issuerCerts = issuerCerts;
    this.issuerCrls = issuerCrls;
    this.pin = pin;
  }

  @Override
  public List<X509CRL> getIssuerCrls() {
    return readCrls(issuerCrls);
  }

  @Override
  public List<X509CRL> getTrustedCrls() {
    return readCrls(trustedCrls);
  }

  @Override
  public List<X509Certificate> getIssuerCertificates() {
    return readCerts(issuerCerts);
  }

  @Override
  public List<X509Certificate> getTrustedCertificates() {
    List<X509Certificate> trusted = readCerts(trustedCerts);
    if (pin != null && Files.isRegularFile(pin)) trusted.addAll(readCertFile(pin));
    return trusted;
  }

  @Override
  public void setIssuerCrls(List<X509CRL> crls) {
    replace(issuerCrls, crls.stream().map(DirectoryTrustList::encoded).toList());
  }

  @Override
  public void setTrustedCrls(List<X509CRL> crls) {
    replace(trustedCrls, crls.stream().map(DirectoryTrustList::encoded).toList());
  }

  @Override
  public void setIssuerCertificates(List<X509Certificate> certificates) {
    replace(issuerCerts, certificates.stream().map(DirectoryTrustList::encoded).toList());
  }

  @Override
  public void setTrustedCertificates(List<X509Certificate> certificates) {
    replace(trustedCerts, certificates.stream().map(DirectoryTrustList::encoded).toList());
  }

  @Override
  public void addIssuerCertificate(X509Certificate certificate) {
    write(issuerCerts, encoded(certificate));
  }

  @Override
  public void addTrustedCertificate(X509Certificate certificate) {
    write(trustedCerts, encoded(certificate));
  }

  @Override
  public boolean removeIssuerCertificate(ByteString thumbprint) {
    return remove(issuerCerts, thumbprint);
  }

  @Override
  public boolean removeTrustedCertificate(ByteString thumbprint) {
    return remove(trustedCerts, thumbprint);
  }

  @Override
  public DateTime getLastUpdateTime() {
    return DateTime.now();
  }

  /** Returns the file name a certificate is stored under: its SHA-1 thumbprint in hex. */
  public static String fileName(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(CertificateUtil.thumbprint(certificate).bytesOrEmpty()) + ".der";
    } catch (UaException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot encode certificate " + c.getSubjectX500Principal(), e);
    }
  }

  private static byte[] encoded(X509CRL c) {
    try {
      return c.getEncoded();
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot encode CRL " + c.getIssuerX500Principal(), e);
    }
  }

  private static void write(Path dir, byte[] der) {
    try {
      X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(der));
      Files.write(dir.resolve(fileName(c)), der);
    } catch (Exception e) {
      throw new IllegalStateException("cannot write a certificate to " + dir + ": " + e, e);
    }
  }

  private static void replace(Path dir, List<byte[]> ders) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) Files.deleteIfExists(f);
      int i = 0;
      for (byte[] der : ders) Files.write(dir.resolve("entry-" + (i++) + ".der"), der);
    } catch (IOException e) {
      throw new IllegalStateException("cannot rewrite " + dir + ": " + e, e);
    }
  }

  private static boolean remove(Path dir, ByteString thumbprint) {
    boolean removed = false;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        for (X509Certificate c : readCertFile(f)) {
          if (CertificateUtil.thumbprint(c).equals(thumbprint)) {
            Files.deleteIfExists(f);
            removed = true;
          }
        }
      }
    } catch (IOException | UaException e) {
      log.warn("cannot remove a certificate from {}", dir, e);
    }
    return removed;
  }

  private static List<X509Certificate> readCerts(Path dir) {
    List<X509Certificate> result = new ArrayList<>();
    if (!Files.isDirectory(dir)) return result;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (Files.isRegularFile(f)) result.addAll(readCertFile(f));
      }
    } catch (IOException e) {
      log.warn("cannot list {}", dir, e);
    }
    return result;
  }

  private static List<X509Certificate> readCertFile(Path f) {
    try (InputStream in = Files.newInputStream(f)) {
      List<X509Certificate> certs = new ArrayList<>();
      for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certs.add((X509Certificate) c);
      }
      return certs;
    } catch (Exception e) {
      log.warn("ignoring {}: not a certificate ({})", f, e.toString());
      return List.of();
    }
  }

  private static List<X509CRL> readCrls(Path dir) {
    List<X509CRL> result = new ArrayList<>();
    if (!Files.isDirectory(dir)) return result;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        try (InputStream in = Files.newInputStream(f)) {
          for (java.security.cert.CRL c : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
            result.add((X509CRL) c);
          }
        } catch (Exception e) {
          log.warn("ignoring {}: not a CRL ({})", f, e.toString());
        }
      }
    } catch (IOException e) {
      log.warn("cannot list {}", dir, e);
    }
    return result;
  }
}

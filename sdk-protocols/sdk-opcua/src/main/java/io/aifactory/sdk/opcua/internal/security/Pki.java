package io.aifactory.sdk.opcua.internal.security;

import io.aifactory.sdk.core.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.FileBasedCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PKI folder in the conventional OPC UA layout:
 *
 * <pre>
 * own/          this application's key and certificate (PKCS#12), created on first use
 * trusted/certs peer certificates trusted explicitly
 * trusted/crl
 * issuers/certs CA certificates that may issue peer certificates
 * issuers/crl
 * rejected/     peer certificates refused; move one to trusted/certs to trust it
 * pinned/       one certificate per server endpoint (host_port.der), pinned by trust on first use; trusted for
 *               that endpoint only. Delete the file to accept a new certificate of that server.
 * </pre>
 */
public final class Pki {
  private static final Logger log = LoggerFactory.getLogger(Pki.class);
  private static final String ALIAS = "application";

  private final Path dir;

  private Pki(Path dir) {
    this.dir = dir;
  }

  /**
   * Opens (and creates where missing) the PKI folder at {@code dir}.
   *
   * @throws ConfigurationException if the folders cannot be created
   */
  public static Pki open(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Pki pki = new Pki(dir.toAbsolutePath());
    try {
      for (Path p : List.of(pki.ownDir(), pki.trustedDir(), pki.trustedCrlDir(), pki.issuersDir(), pki.issuersCrlDir(),
          pki.rejectedDir())) {
        Files.createDirectories(p);
      }
    } catch (IOException e) {
      throw new ConfigurationException("", "cannot create the OPC UA PKI folder " + dir + ": " + e, e);
    }
    return pki;
  }

  public Path dir() {
    return dir;
  }

  public Path ownDir() {
    return dir.resolve("own");
  }

  /** Returns {@code trusted/certs}, where trusted peer certificates go. */
  public Path trustedDir() {
    return dir.resolve("trusted").resolve("certs");
  }

  public Path trustedCrlDir() {
    return dir.resolve("trusted").resolve("crl");
  }

  public Path issuersDir() {
    return dir.resolve("issuers").resolve("certs");
  }

  public Path issuersCrlDir() {
    return dir.resolve("issuers").resolve("crl");
  }

  public Path rejectedDir() {
    return dir.resolve("rejected");
  }

  /** Returns {@code pinned/}, where trust on first use keeps one certificate per server endpoint. */
  public Path pinnedDir() {
    return dir.resolve("pinned");
  }

  /**
   * Returns the file that pins the certificate of the server at {@code host:port}. The endpoint, not the server's
   * ApplicationUri, is the key: a server (or an impostor) chooses its own ApplicationUri.
   */
  public Path pinFile(String host, int port) {
    String name = (host + "_" + port).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
    return pinnedDir().resolve(name + ".der");
  }

  /** Returns the trust list of {@code trusted/} and {@code issuers/}. */
  public DirectoryTrustList trustList() {
    return new DirectoryTrustList(trustedDir(), trustedCrlDir(), issuersDir(), issuersCrlDir(), null);
  }

  /** Returns the trust list of {@code trusted/} and {@code issuers/} plus the certificate in {@code pin}, if any. */
  public DirectoryTrustList trustList(Path pin) {
    return new DirectoryTrustList(trustedDir(), trustedCrlDir(), issuersDir(), issuersCrlDir(), pin);
  }

  public CertificateQuarantine quarantine() {
    return new FileBasedCertificateQuarantine(rejectedDir().toFile());
  }

  /** Copies a certificate into {@code trusted/certs} (e.g. a test trusting its peer). */
  public void trust(X509Certificate certificate) {
    trustList().addTrustedCertificate(certificate);
  }

  /**
   * Returns this application's key pair and certificate for {@code applicationUri} (peers check that the URI in the
   * certificate is the one the application announces): from {@code own/<name>.p12} if that holds a certificate for
   * this URI or does not exist yet (then it is created), else from {@code own/<name>-<uri>.p12}. So applications
   * with different URIs can share a PKI folder without replacing each other's certificate (and with it the
   * certificate the servers were told to trust).
   */
  public ApplicationCertificate loadOrCreate(String name, String applicationUri, List<String> hostnames, char[] password) {
    Path first = ownDir().resolve(name + ".p12");
    ApplicationCertificate own = load(first, applicationUri, password);
    if (own != null) return own;
    if (!Files.exists(first)) return create(first, name, applicationUri, hostnames, password);
    String suffix = applicationUri.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
    Path file = ownDir().resolve(name + "-" + suffix + ".p12");
    own = load(file, applicationUri, password);
    if (own != null) return own;
    log.info("{} holds the certificate of another ApplicationUri; using {} for '{}'", first, file, applicationUri);
    return create(file, name, applicationUri, hostnames, password);
  }

  /** Returns the certificate in {@code file} if it exists and names {@code applicationUri}, else null. */
  private static ApplicationCertificate load(Path file, String applicationUri, char[] password) {
    if (!Files.exists(file)) return null;
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
      X509Certificate cert = (X509Certificate) ks.getCertificate(ALIAS);
      PrivateKey key = (PrivateKey) ks.getKey(ALIAS, password);
      if (cert == null || key == null || !CertificateUtil.getSanUri(cert).orElse("").equals(applicationUri)) return null;
      return new ApplicationCertificate(new KeyPair(cert.getPublicKey(), key), cert, derFile(file));
    } catch (Exception e) {
      throw new ConfigurationException("", "cannot read the application certificate " + file
          + " (wrong key store password?): " + e.getMessage(), e);
    }
  }

  private static Path derFile(Path p12) {
    String n = p12.getFileName().toString();
    return p12.resolveSibling(n.substring(0, n.length() - ".p12".length()) + ".der");
  }

  private ApplicationCertificate create(Path file, String name, String applicationUri, List<String> hostnames,
      char[] password) {
    try {
      KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
      SelfSignedCertificateBuilder builder = new SelfSignedCertificateBuilder(keyPair)
          .setCommonName(name)
          .setOrganization("AI Factory SDK")
          .setApplicationUri(applicationUri);
      for (String host : hostnames) {
        if (isIpAddress(host)) builder.addIpAddress(host);
        else builder.addDnsName(host);
      }
      X509Certificate cert = builder.build();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, password);
      ks.setKeyEntry(ALIAS, keyPair.getPrivate(), password, new Certificate[] {cert});
      Path tmp = Files.createTempFile(ownDir(), name, ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        ks.store(out, password);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.write(derFile(file), cert.getEncoded());
      log.info("created application certificate {} for {}", file, applicationUri);
      return new ApplicationCertificate(keyPair, cert, derFile(file));
    } catch (Exception e) {
      throw new ConfigurationException("", "cannot create the application certificate " + file + ": " + e, e);
    }
  }

  /** Returns the names this machine is reached by: localhost, 127.0.0.1 and the host's own name and address. */
  public static List<String> localHostnames() {
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
    try {
      InetAddress local = InetAddress.getLocalHost();
      names.add(local.getHostName());
      names.add(local.getHostAddress());
    } catch (IOException e) {
      log.debug("cannot resolve the local host name", e);
    }
    return List.copyOf(names);
  }

  static boolean isIpAddress(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }

  /** A key pair and its self-signed certificate. */
  public static final class ApplicationCertificate {
    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final Path derFile;

    ApplicationCertificate(KeyPair keyPair, X509Certificate certificate, Path derFile) {
      this.keyPair = keyPair;
      this.certificate = certificate;
      this.derFile = derFile;
    }

    /** Returns the file with the certificate alone (DER), for a peer's trust list. */
    public Path derFile() {
      return derFile;
    }

    public KeyPair keyPair() {
      return keyPair;
    }

    public X509Certificate certificate() {
      return certificate;
    }
  }
}

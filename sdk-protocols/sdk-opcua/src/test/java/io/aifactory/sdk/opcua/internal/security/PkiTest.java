package io.aifactory.sdk.opcua.internal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiTest {
  private static final char[] PASSWORD = "aifactory".toCharArray();

  @Test
  void shouldKeepOneCertificatePerApplicationUriInASharedFolder(@TempDir Path dir) throws Exception {
    Pki pki = Pki.open(dir);
    Pki.ApplicationCertificate a = pki.loadOrCreate("client", "urn:line1:mes", List.of("localhost"), PASSWORD);
    Pki.ApplicationCertificate b = pki.loadOrCreate("client", "urn:line2:mes", List.of("localhost"), PASSWORD);
    assertEquals("urn:line2:mes", CertificateUtil.getSanUri(b.certificate()).orElse(""));
    assertNotEquals(a.derFile(), b.derFile());

    // The first application's certificate, which its servers were told to trust, was not replaced.
    Pki.ApplicationCertificate again = pki.loadOrCreate("client", "urn:line1:mes", List.of("localhost"), PASSWORD);
    assertEquals(a.certificate(), again.certificate());
    assertEquals(b.certificate(), pki.loadOrCreate("client", "urn:line2:mes", List.of("localhost"), PASSWORD).certificate());
    assertEquals(dir.toAbsolutePath().resolve("own/client.der"), a.derFile());
    assertTrue(Files.exists(b.derFile()), b.derFile().toString());
  }
}

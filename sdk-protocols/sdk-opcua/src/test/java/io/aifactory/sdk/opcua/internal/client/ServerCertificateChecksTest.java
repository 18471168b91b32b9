package io.aifactory.sdk.opcua.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.aifactory.sdk.opcua.internal.security.Pki;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks a device applies to the server certificate. */
class ServerCertificateChecksTest {
  private static final String URI = "urn:plant:plc";
  private static final long NOW = System.currentTimeMillis();
  private static final long DAY = 86_400_000L;

  @Test
  void shouldAcceptACertificateOfATrustedCaAndRefuseItOnceRevoked(@TempDir Path dir) throws Exception {
    KeyPair caKeys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    X500Name caName = new X500Name("CN=Plant CA");
    X509Certificate ca = sign(new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, new Date(NOW - DAY),
        new Date(NOW + DAY), caName, caKeys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)), caKeys);
    KeyPair plcKeys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    X509Certificate plc = sign(new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, new Date(NOW - DAY),
        new Date(NOW + DAY), new X500Name("CN=plc"), plcKeys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation
            | KeyUsage.keyEncipherment | KeyUsage.dataEncipherment))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.uniformResourceIdentifier, URI),
            new GeneralName(GeneralName.dNSName, "localhost")})), caKeys);
    Pki pki = Pki.open(dir);
    pki.trust(ca);
    CertificateValidator validator = MiloDevice.serverCertificateValidator(pki.trustList(), pki.quarantine(), true);
    validator.validateCertificateChain(List.of(plc), URI, new String[] {"localhost"});

    // The CA revokes the PLC's certificate and the administrator installs the CRL.
    X509v2CRLBuilder crl = new X509v2CRLBuilder(caName, new Date(NOW - 1000));
    crl.addCRLEntry(plc.getSerialNumber(), new Date(NOW - 1000), CRLReason.keyCompromise);
    crl.setNextUpdate(new Date(NOW + DAY));
    Files.write(pki.trustedCrlDir().resolve("plant-ca.crl"),
        crl.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())).getEncoded());

    UaException e = assertThrows(UaException.class,
        () -> validator.validateCertificateChain(List.of(plc), URI, new String[] {"localhost"}));
    assertEquals(StatusCodes.Bad_CertificateRevoked, e.getStatusCode().getValue(), e.toString());
  }

  @Test
  void shouldRefuseASelfSignedCertificateThatRevokedItself(@TempDir Path dir) throws Exception {
    KeyPair keys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    X509Certificate plc = new org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder(keys)
        .setCommonName("plc").setApplicationUri(URI).addDnsName("localhost").build();
    Pki pki = Pki.open(dir);
    pki.trust(plc);
    CertificateValidator validator = MiloDevice.serverCertificateValidator(pki.trustList(), pki.quarantine(), true);
    validator.validateCertificateChain(List.of(plc), URI, new String[] {"localhost"});

    X500Name name = X500Name.getInstance(plc.getIssuerX500Principal().getEncoded());
    X509v2CRLBuilder crl = new X509v2CRLBuilder(name, new Date(NOW - 1000));
    crl.addCRLEntry(plc.getSerialNumber(), new Date(NOW - 1000), CRLReason.keyCompromise);
    Files.write(pki.issuersCrlDir().resolve("plc.crl"),
        crl.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded());
    UaException e = assertThrows(UaException.class,
        () -> validator.validateCertificateChain(List.of(plc), URI, new String[] {"localhost"}));
    assertEquals(StatusCodes.Bad_CertificateRevoked, e.getStatusCode().getValue(), e.toString());
  }

  private static X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuer.getPrivate())));
  }

  @Test
  void shouldCheckTheHostnameUnlessSwitchedOff() {
    assertEquals(true, MiloDevice.validationChecks(true).contains(
        org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck.HOSTNAME));
    assertEquals(false, MiloDevice.validationChecks(false).contains(
        org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck.HOSTNAME));
  }
}

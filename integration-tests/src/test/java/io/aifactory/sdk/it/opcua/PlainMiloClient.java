package io.aifactory.sdk.it.opcua;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

/** A Milo client configured by hand, the way an integrator with their own OPC UA stack would connect. */
final class PlainMiloClient {
  static final String APPLICATION_URI = "urn:aifactory:it:plain-milo-client";

  private PlainMiloClient() {}

  /**
   * Connects to {@code endpointUrl} with the given policy and mode; a null user means anonymous. Accepts any server
   * certificate: this client only stands in for third-party software in tests.
   */
  static OpcUaClient connect(String endpointUrl, SecurityPolicy policy, MessageSecurityMode mode, String user,
      String password) throws Exception {
    KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    X509Certificate certificate = new SelfSignedCertificateBuilder(keyPair).setCommonName("plain-milo-client")
        .setApplicationUri(APPLICATION_URI).build();
    CertificateValidator anyServer = new CertificateValidator.InsecureCertificateValidator();
    IdentityProvider identity = user == null ? new AnonymousProvider() : new UsernameProvider(user, password, anyServer);
    OpcUaClient client = OpcUaClient.create(endpointUrl,
        endpoints -> endpoints.stream().filter(e -> e.getSecurityPolicyUri().equals(policy.getUri())
            && e.getSecurityMode() == mode).findFirst(),
        transport -> {},
        config -> config.setApplicationUri(APPLICATION_URI)
            .setApplicationName(LocalizedText.english("plain Milo client"))
            .setKeyPair(keyPair)
            .setCertificate(certificate)
            .setCertificateChain(new X509Certificate[] {certificate})
            .setCertificateValidator(anyServer)
            .setIdentityProvider(identity));
    client.connect();
    return client;
  }


}

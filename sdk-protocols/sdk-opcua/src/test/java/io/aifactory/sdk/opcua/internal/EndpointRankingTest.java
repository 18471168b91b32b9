package io.aifactory.sdk.opcua.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConfigurationException;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.ApplicationDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.junit.jupiter.api.Test;

class EndpointRankingTest {
  private static EndpointDescription endpoint(SecurityPolicy policy, MessageSecurityMode mode, UserTokenType... tokens) {
    UserTokenPolicy[] policies = new UserTokenPolicy[tokens.length];
    for (int i = 0; i < tokens.length; i++) policies[i] = new UserTokenPolicy("p" + i, tokens[i], null, null, null);
    return new EndpointDescription("opc.tcp://plc:4840", new ApplicationDescription(null, null, null, null, null, null, null),
        ByteString.NULL_VALUE, mode, policy.getUri(), policies, TransportProfile.TCP_UASC_UABINARY.getUri(), UByte.valueOf(0));
  }

  private static List<String> ranked(List<EndpointDescription> endpoints, boolean allowNone, UserTokenType token) {
    return EndpointRanking.rank("opc.tcp://plc:4840", endpoints, allowNone, token).stream()
        .map(EndpointRanking::describe).collect(Collectors.toList());
  }

  @Test
  void shouldPreferSignAndEncryptThenTheStrongestPolicy() {
    List<EndpointDescription> offered = List.of(
        endpoint(SecurityPolicy.None, MessageSecurityMode.None, UserTokenType.Anonymous),
        endpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.Sign, UserTokenType.Anonymous),
        endpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt, UserTokenType.Anonymous),
        endpoint(SecurityPolicy.Aes128_Sha256_RsaOaep, MessageSecurityMode.Sign, UserTokenType.Anonymous),
        endpoint(SecurityPolicy.Aes128_Sha256_RsaOaep, MessageSecurityMode.SignAndEncrypt, UserTokenType.Anonymous),
        endpoint(SecurityPolicy.Basic256, MessageSecurityMode.SignAndEncrypt, UserTokenType.Anonymous));
    assertEquals(List.of("Aes128_Sha256_RsaOaep/SignAndEncrypt", "Basic256Sha256/SignAndEncrypt",
        "Aes128_Sha256_RsaOaep/Sign", "Basic256Sha256/Sign", "None/None"), ranked(offered, true, UserTokenType.Anonymous));
    // Deprecated Basic256 is never used; None only when allowed.
    assertEquals(4, ranked(offered, false, UserTokenType.Anonymous).size());
  }

  @Test
  void shouldRankAes256AboveAes128WhenTheJvmCanDoIt() {
    List<EndpointDescription> offered = List.of(
        endpoint(SecurityPolicy.Aes128_Sha256_RsaOaep, MessageSecurityMode.SignAndEncrypt, UserTokenType.Anonymous),
        endpoint(SecurityPolicy.Aes256_Sha256_RsaPss, MessageSecurityMode.SignAndEncrypt, UserTokenType.Anonymous));
    String first = ranked(offered, false, UserTokenType.Anonymous).get(0);
    assertEquals(EndpointRanking.isAvailable(SecurityPolicy.Aes256_Sha256_RsaPss)
        ? "Aes256_Sha256_RsaPss/SignAndEncrypt" : "Aes128_Sha256_RsaOaep/SignAndEncrypt", first);
  }

  @Test
  void shouldRefuseANoneOnlyServerSayingHowToAllowIt() {
    List<EndpointDescription> offered = List.of(endpoint(SecurityPolicy.None, MessageSecurityMode.None, UserTokenType.Anonymous));
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> EndpointRanking.rank("opc.tcp://plc:4840", offered, false, UserTokenType.Anonymous));
    assertTrue(e.getMessage().contains("allowSecurityNone=true"), e.getMessage());
    assertTrue(e.getMessage().contains("opc.tcp://plc:4840"), e.getMessage());
    assertEquals(List.of("None/None"), ranked(offered, true, UserTokenType.Anonymous));
  }

  private static EndpointDescription userNameEndpoint(SecurityPolicy policy, MessageSecurityMode mode, String tokenPolicyUri) {
    UserTokenPolicy[] policies = {new UserTokenPolicy("user", UserTokenType.UserName, null, null, tokenPolicyUri)};
    return new EndpointDescription("opc.tcp://plc:4840", new ApplicationDescription(null, null, null, null, null, null, null),
        ByteString.NULL_VALUE, mode, policy.getUri(), policies, TransportProfile.TCP_UASC_UABINARY.getUri(), UByte.valueOf(0));
  }

  @Test
  void shouldNeverPickAnEndpointThatWouldSendThePasswordInClearText() {
    String none = SecurityPolicy.None.getUri();
    // Sign only, and the token policy says None: the password would be readable on the wire.
    List<EndpointDescription> signOnly = List.of(userNameEndpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.Sign, none));
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> EndpointRanking.rank("opc.tcp://plc:4840", signOnly, true, UserTokenType.UserName));
    assertTrue(e.getMessage().contains("password"), e.getMessage());
    // A None channel (e.g. all a man in the middle offers) with a token policy that names no policy of its own.
    List<EndpointDescription> noneOnly = List.of(userNameEndpoint(SecurityPolicy.None, MessageSecurityMode.None, null));
    assertThrows(ConfigurationException.class,
        () -> EndpointRanking.rank("opc.tcp://plc:4840", noneOnly, true, UserTokenType.UserName));
    // Encrypted by the token policy, or by the channel: fine.
    assertEquals(List.of("None/None"), ranked(List.of(userNameEndpoint(SecurityPolicy.None, MessageSecurityMode.None,
        SecurityPolicy.Basic256Sha256.getUri())), true, UserTokenType.UserName));
    assertEquals(List.of("Basic256Sha256/Sign"), ranked(List.of(userNameEndpoint(SecurityPolicy.Basic256Sha256,
        MessageSecurityMode.Sign, "")), false, UserTokenType.UserName));
    assertEquals(List.of("Basic256Sha256/SignAndEncrypt", "Basic256Sha256/Sign"), ranked(List.of(
        userNameEndpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.Sign, none),
        userNameEndpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt, none),
        userNameEndpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.Sign, null)), false, UserTokenType.UserName));
  }

  @Test
  void shouldSkipEndpointsThatDoNotTakeTheUsersTokenType() {
    List<EndpointDescription> offered = List.of(
        endpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt, UserTokenType.Anonymous),
        endpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.Sign, UserTokenType.UserName));
    assertEquals(List.of("Basic256Sha256/Sign"), ranked(offered, false, UserTokenType.UserName));
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> EndpointRanking.rank("opc.tcp://plc:4840", offered, false, UserTokenType.Certificate));
    assertTrue(e.getMessage().contains("Certificate"), e.getMessage());
  }
}

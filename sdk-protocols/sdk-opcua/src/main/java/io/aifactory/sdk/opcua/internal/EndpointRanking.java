package io.aifactory.sdk.opcua.internal;

import io.aifactory.sdk.core.ConfigurationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;

/**
 * Picks the most secure endpoint a server offers: SignAndEncrypt before Sign; within a mode Aes256_Sha256_RsaPss,
 * then Aes128_Sha256_RsaOaep, then Basic256Sha256. Deprecated policies (Basic128Rsa15, Basic256) are never used,
 * and SecurityPolicy None only when the caller allowed it.
 */
public final class EndpointRanking {
  /** The policies we accept, best first. */
  static final List<SecurityPolicy> POLICIES = List.of(
      SecurityPolicy.Aes256_Sha256_RsaPss, SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Basic256Sha256);

  private EndpointRanking() {}

  /**
   * Returns the endpoints we may use for {@code tokenType}, best first.
   *
   * @param deviceName names the server in messages
   * @throws ConfigurationException naming what the server offers and how to allow None, if nothing is acceptable
   */
  public static List<EndpointDescription> rank(String deviceName, List<EndpointDescription> endpoints,
      boolean allowSecurityNone, UserTokenType tokenType) {
    List<EndpointDescription> usable = new ArrayList<>();
    for (EndpointDescription e : endpoints) {
      if (!TransportProfile.TCP_UASC_UABINARY.getUri().equals(e.getTransportProfileUri())) continue;
      if (score(e) < 0) continue;
      if (isNone(e) && !allowSecurityNone) continue;
      if (!supportsToken(e, tokenType)) continue;
      usable.add(e);
    }
    if (usable.isEmpty()) throw nothingUsable(deviceName, endpoints, allowSecurityNone, tokenType);
    usable.sort(Comparator.comparingInt(EndpointRanking::score).reversed());
    return usable;
  }

  /** Returns a security score: higher is better; -1 for an endpoint we never use. */
  static int score(EndpointDescription e) {
    if (isNone(e)) return e.getSecurityMode() == MessageSecurityMode.None ? 0 : -1;
    SecurityPolicy p = policyOf(e);
    int policy = POLICIES.indexOf(p);
    if (policy < 0 || !isAvailable(p)) return -1;
    int mode;
    if (e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt) mode = 2;
    else if (e.getSecurityMode() == MessageSecurityMode.Sign) mode = 1;
    else return -1;
    return mode * 10 + (POLICIES.size() - policy);
  }

  /**
   * Returns true if this JVM's security providers implement the policy's algorithms. Aes256_Sha256_RsaPss needs
   * RSA-PSS signatures and OAEP with SHA-256, which the JDK lacks unless a provider such as BouncyCastle is
   * registered; we do not register one ourselves, since that would change global state of the application.
   */
  public static boolean isAvailable(SecurityPolicy policy) {
    try {
      java.security.Signature.getInstance(policy.getAsymmetricSignatureAlgorithm().getTransformation());
      javax.crypto.Cipher.getInstance(policy.getAsymmetricEncryptionAlgorithm().getTransformation());
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  static boolean isNone(EndpointDescription e) {
    return SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri());
  }

  static SecurityPolicy policyOf(EndpointDescription e) {
    for (SecurityPolicy p : SecurityPolicy.values()) {
      if (p.getUri().equals(e.getSecurityPolicyUri())) return p;
    }
    return null;
  }

  /** Returns true if the endpoint takes {@code tokenType}; for a user name, only if it also protects the password. */
  static boolean supportsToken(EndpointDescription e, UserTokenType tokenType) {
    UserTokenPolicy[] policies = Objects.requireNonNullElse(e.getUserIdentityTokens(), new UserTokenPolicy[0]);
    return Stream.of(policies).anyMatch(p -> p.getTokenType() == tokenType
        && (tokenType != UserTokenType.UserName || protectsPassword(e, p)));
  }

  /**
   * Returns true if a password sent under this user-token policy is encrypted: the policy (or, when it names none,
   * the endpoint) has a SecurityPolicy other than None, or the channel itself encrypts (SignAndEncrypt). Milo sends
   * the password as plain bytes when the effective policy is None, readable on a Sign-only or None channel.
   */
  public static boolean protectsPassword(EndpointDescription e, UserTokenPolicy p) {
    if (e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt) return true;
    String uri = p.getSecurityPolicyUri();
    if (uri == null || uri.isEmpty()) uri = e.getSecurityPolicyUri();
    return uri != null && !uri.isEmpty() && !SecurityPolicy.None.getUri().equals(uri);
  }

  /** Returns e.g. {@code Basic256Sha256/SignAndEncrypt}. */
  public static String describe(EndpointDescription e) {
    SecurityPolicy p = policyOf(e);
    return (p != null ? p.name() : e.getSecurityPolicyUri()) + "/" + e.getSecurityMode();
  }

  private static ConfigurationException nothingUsable(String deviceName, List<EndpointDescription> endpoints,
      boolean allowSecurityNone, UserTokenType tokenType) {
    String offered = endpoints.stream().map(EndpointRanking::describe).distinct().collect(Collectors.joining(", "));
    boolean onlyNone = !endpoints.isEmpty() && endpoints.stream().allMatch(EndpointRanking::isNone);
    if (onlyNone && !allowSecurityNone) {
      return new ConfigurationException(deviceName + " offers only SecurityPolicy None (unencrypted, unauthenticated); "
          + "set the device property allowSecurityNone=true to connect anyway");
    }
    if (tokenType == UserTokenType.UserName && endpoints.stream().anyMatch(e -> Stream.of(
        Objects.requireNonNullElse(e.getUserIdentityTokens(), new UserTokenPolicy[0]))
        .anyMatch(p -> p.getTokenType() == UserTokenType.UserName))) {
      return new ConfigurationException(deviceName + " has no acceptable endpoint that would protect the password: "
          + "its UserName token policies use SecurityPolicy None on channels that do not encrypt, so the password "
          + "would travel in clear text (offered: " + offered + ")");
    }
    boolean secureOffered = endpoints.stream().anyMatch(e -> score(e) > 0);
    if (secureOffered || (allowSecurityNone && endpoints.stream().anyMatch(EndpointRanking::isNone))) {
      return new ConfigurationException(deviceName + " has no endpoint that accepts " + tokenType
          + " user tokens with an acceptable security policy (offered: " + offered + ")");
    }
    return new ConfigurationException(deviceName + " offers no endpoint with a supported security policy "
        + "(expected SignAndEncrypt or Sign with " + POLICIES + (allowSecurityNone ? " or None" : "")
        + "; offered: " + (offered.isEmpty() ? "nothing" : offered) + ")");
  }
}

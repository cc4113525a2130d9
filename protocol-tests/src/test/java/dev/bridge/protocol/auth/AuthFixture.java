package dev.bridge.protocol.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bridge.auth.PasswordHasher;
import dev.bridge.config.AuthConfig;
import dev.bridge.config.AuthConfig.ExternalJwtConfig;
import dev.bridge.config.AuthConfig.TokenConfig;
import dev.bridge.config.AuthConfig.UserConfig;
import dev.bridge.config.BridgeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;

/**
 * Users, keys and tokens of the auth-enabled test servers: one user per role (password = name + "-pw"), the HMAC
 * key the server signs with, and an RSA key pair standing for an external identity provider.
 */
public final class AuthFixture {
  public static final String ADMIN = "ada";
  public static final String WRITER = "wes";
  public static final String READER = "rey";
  public static final String SIGNING_KEY = "bridge-test-signing-key-0123456789abcdef";
  public static final String EXTERNAL_ISSUER = "https://idp.example";
  public static final String USER_CLAIM = "email";
  public static final String ROLE_CLAIM = "bridge_role";

  public static final KeyPair EXTERNAL_KEYS = rsaKeyPair();
  public static final KeyPair OTHER_KEYS = rsaKeyPair();
  private static final Path PUBLIC_KEY_FILE = writePublicKey(EXTERNAL_KEYS);

  private AuthFixture() {}

  public static String password(String user) {
    return user + "-pw";
  }

  /** {@code base} with authentication on: the three users, the fixed signing key and the external issuer. */
  public static BridgeConfig enable(BridgeConfig base) {
    List<UserConfig> users = List.of(user(ADMIN, "admin"), user(WRITER, "writer"), user(READER, "reader"));
    return base.withAuth(new AuthConfig(true, users,
        new TokenConfig(SIGNING_KEY, null, "bridge", Duration.ofHours(1)),
        new ExternalJwtConfig(PUBLIC_KEY_FILE.toString(), EXTERNAL_ISSUER, USER_CLAIM, ROLE_CLAIM)));
  }

  /** Logs {@code user} in with Basic credentials through the Flight Handshake; the call option carries the token. */
  public static CredentialCallOption login(FlightClient client, String user) {
    return client.authenticateBasicToken(user, password(user)).orElseThrow();
  }

  public static CredentialCallOption bearer(String token) {
    return new CredentialCallOption(new BearerCredentialWriter(token));
  }

  /** A token as this server signs it, for {@code user}, expiring at {@code expiry}, signed with {@code key}. */
  public static String serverToken(String user, Instant expiry, String key) {
    try {
      return sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256,
          new JWTClaimsSet.Builder().issuer("bridge").subject(user).expirationTime(Date.from(expiry)).build());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token of the external issuer naming {@code user} and {@code role}, signed with {@code keys}. */
  public static String externalToken(String user, String role, Instant expiry, KeyPair keys) {
    return sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()), JWSAlgorithm.RS256,
        new JWTClaimsSet.Builder().issuer(EXTERNAL_ISSUER).claim(USER_CLAIM, user).claim(ROLE_CLAIM, role)
            .expirationTime(Date.from(expiry)).build());
  }

  public static Instant inAnHour() {
    return Instant.now().plus(Duration.ofHours(1));
  }

  public static Instant aMinuteAgo() {
    return Instant.now().minus(Duration.ofMinutes(1));
  }

  public static String basicHeader(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static String sign(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static UserConfig user(String name, String role) {
    // Cost 4, the lowest, keeps logins fast in tests; the server reads the cost from each hash.
    return new UserConfig(name, PasswordHasher.hash(password(name).toCharArray(), 4), role);
  }

  private static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path writePublicKey(KeyPair keys) {
    try {
      Path file = Files.createTempFile("bridge-idp-", ".pem");
      file.toFile().deleteOnExit();
      String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(keys.getPublic().getEncoded());
      Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

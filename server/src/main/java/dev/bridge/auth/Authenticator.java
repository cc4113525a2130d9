package dev.bridge.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import dev.bridge.auth.AuthEvents.Rejection;
import dev.bridge.config.AuthConfig.TokenConfig;
import dev.bridge.config.AuthConfig;
import dev.bridge.config.ConfigException;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.identity.Principal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks the credentials of a call: the one place both doors (Flight, HTTP) authenticate. Basic credentials are
 * checked against the configured users and answered with a fresh bearer token; a bearer token is either one this
 * server signed (the user's role is looked up now, so a removed user's tokens stop working) or one an external
 * issuer signed with the configured public key (the role comes from its claim).
 */
public final class Authenticator {
  private static final String BASIC = "basic ";
  private static final String BEARER = "bearer ";

  /** What an accepted call runs as, and the bearer token that identifies its session. */
  public record Result(Principal principal, String token, boolean issued) {}

  private record State(UserDirectory users, SignedTokens tokens, Optional<ExternalTokens> external) {}

  private final boolean enabled;
  private final AuthEvents events;
  private final byte[] generatedKey = new byte[TokenConfig.MIN_KEY_BYTES];
  private volatile State state;

  public Authenticator(AuthConfig config, AuthEvents events) {
    this.enabled = config.enabled();
    this.events = events;
    new SecureRandom().nextBytes(generatedKey);
    update(config);
  }

  /** Whether calls must authenticate at all ({@code auth.enabled}, fixed for the server's life). */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Replaces users, roles, token settings and the external issuer's key at once, for a configuration reload.
   * Tokens already handed out stay valid while their signing key does; a removed user's do not. Does nothing when
   * authentication is off (turning it on needs a restart).
   */
  public void update(AuthConfig config) {
    if (!enabled) {
      return;
    }
    TokenConfig token = config.token();
    State next = new State(new UserDirectory(config), new SignedTokens(signingKey(token), token.issuer(),
        token.ttl()), config.externalJwt().configured()
            ? Optional.of(ExternalTokens.load(config.externalJwt())) : Optional.empty());
    state = next;
  }

  /**
   * Authenticates the value of an {@code Authorization} header (null when absent); throws UNAUTHENTICATED with
   * what was wrong.
   */
  public Result authenticate(String authorization) {
    try {
      return check(authorization);
    } catch (AuthenticationFailure e) {
      events.rejected(e.rejection());
      throw new EngineException(ErrorKind.UNAUTHENTICATED, e.getMessage());
    }
  }

  private Result check(String authorization) throws AuthenticationFailure {
    if (authorization == null || authorization.isBlank()) {
      throw new AuthenticationFailure(Rejection.MISSING, "authentication is required: send 'authorization: Bearer"
          + " <token>' (from the Flight Handshake) or Basic credentials");
    }
    String value = authorization.strip();
    State current = state;
    if (value.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
      Principal principal = checkPassword(current, value.substring(BASIC.length()).strip());
      return new Result(principal, current.tokens().issue(principal.user()), true);
    }
    if (value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      String token = value.substring(BEARER.length()).strip();
      return new Result(checkToken(current, token), token, false);
    }
    throw new AuthenticationFailure(Rejection.MALFORMED, "the authorization header must be 'Bearer <token>' or"
        + " 'Basic <base64 user:password>'");
  }

  private static Principal checkPassword(State current, String encoded) throws AuthenticationFailure {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new AuthenticationFailure(Rejection.MALFORMED, "the Basic credentials are not valid base64");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new AuthenticationFailure(Rejection.MALFORMED, "the Basic credentials are not 'user:password'");
    }
    char[] password = decoded.substring(colon + 1).toCharArray();
    try {
      return current.users().verify(decoded.substring(0, colon), password)
          .orElseThrow(() -> new AuthenticationFailure(Rejection.BAD_PASSWORD, "wrong user name or password"));
    } finally {
      PasswordHasher.wipe(password);
    }
  }

  private static Principal checkToken(State current, String token) throws AuthenticationFailure {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new AuthenticationFailure(Rejection.MALFORMED, "the bearer token is not a signed JWT: " + e.getMessage());
    }
    JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
    if (JWSAlgorithm.HS256.equals(algorithm)) {
      String user = current.tokens().verify(jwt);
      return current.users().current(user).orElseThrow(() -> new AuthenticationFailure(Rejection.UNKNOWN_USER,
          "the bearer token's user '" + user + "' no longer exists"));
    }
    if (current.external().isPresent()
        && (JWSAlgorithm.Family.RSA.contains(algorithm) || JWSAlgorithm.Family.EC.contains(algorithm))) {
      return current.external().get().verify(jwt);
    }
    throw new AuthenticationFailure(Rejection.BAD_SIGNATURE, "bearer tokens signed with " + algorithm
        + " are not accepted here");
  }

  private byte[] signingKey(TokenConfig token) {
    if (!token.signingKey().isEmpty()) {
      return token.signingKey().getBytes(StandardCharsets.UTF_8);
    }
    if (token.signingKeyFile().isEmpty()) {
      return generatedKey;
    }
    try {
      byte[] key = Files.readAllBytes(Path.of(token.signingKeyFile()));
      if (key.length < TokenConfig.MIN_KEY_BYTES) {
        throw new ConfigException("auth.token.signing_key_file " + token.signingKeyFile() + " holds " + key.length
            + " bytes; the key must have at least " + TokenConfig.MIN_KEY_BYTES);
      }
      return key;
    } catch (IOException e) {
      throw new ConfigException("auth.token.signing_key_file: cannot read " + token.signingKeyFile() + ": "
          + e.getMessage(), e);
    }
  }
}

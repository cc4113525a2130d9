package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bridge.identity.Role;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may connect: configured users with bcrypt password hashes and roles, the tokens the server signs for them,
 * and externally issued JWTs it accepts. Off by default, so a first start needs no setup (on 127.0.0.1 only).
 */
public record AuthConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("users") List<UserConfig> users,
    @JsonProperty("token") TokenConfig token,
    @JsonProperty("external_jwt") ExternalJwtConfig externalJwt) {

  public static final AuthConfig DEFAULT = new AuthConfig(null, null, null, null);

  public AuthConfig {
    enabled = enabled != null && enabled;
    users = users == null ? List.of() : List.copyOf(users);
    token = token == null ? TokenConfig.DEFAULT : token;
    externalJwt = externalJwt == null ? ExternalJwtConfig.DEFAULT : externalJwt;
  }

  public AuthConfig withEnabled(boolean newEnabled) {
    return new AuthConfig(newEnabled, users, token, externalJwt);
  }

  void validate() {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < users.size(); i++) {
      UserConfig user = users.get(i);
      String key = "auth.users[" + i + "]";
      user.validate(key);
      Validation.require(names.add(user.name()), key + ".name", "repeats user '" + user.name() + "'");
    }
    token.validate();
    externalJwt.validate();
    Validation.require(!enabled || !users.isEmpty() || externalJwt.configured(), "auth.enabled",
        "is true but there is no user in auth.users and no auth.external_jwt.public_key_file: nobody could log in");
  }

  /** One configured user: a name, the bcrypt hash {@code bridge hash-password} printed, and a role. */
  private static final Pattern BCRYPT = Pattern.compile("\\$2[abxy]?\\$\\d{2}\\$[./A-Za-z0-9]{53}");

  public record UserConfig(
      @JsonProperty("name") String name,
      @JsonProperty("password_hash") String passwordHash,
      @JsonProperty("role") String role) {

    void validate(String key) {
      Validation.require(name != null && !name.isBlank() && name.indexOf(':') < 0, key + ".name",
          "must be a non-empty name without ':'");
      Validation.require(passwordHash != null && BCRYPT.matcher(passwordHash).matches(), key + ".password_hash",
          "must be a bcrypt hash as printed by 'bridge hash-password' ($2a$, cost, 53 characters of salt and hash)");
      Validation.require(role != null && Role.parse(role).isPresent(), key + ".role", "must be one of " + Role.NAMES
          + ", got " + role);
    }
  }

  /**
   * The bearer tokens the Handshake hands out: HMAC-SHA256 signed JWTs. Without a configured key the server makes
   * a random one at start, so its tokens stop working when it restarts.
   */
  public record TokenConfig(
      @JsonProperty("signing_key") String signingKey,
      @JsonProperty("signing_key_file") String signingKeyFile,
      @JsonProperty("issuer") String issuer,
      @JsonProperty("ttl") Duration ttl) {

    public static final TokenConfig DEFAULT = new TokenConfig(null, null, null, null);
    /** HS256 needs a key of at least 256 bits. */
    public static final int MIN_KEY_BYTES = 32;

    public TokenConfig {
      signingKey = signingKey == null ? "" : signingKey;
      signingKeyFile = signingKeyFile == null ? "" : signingKeyFile;
      issuer = issuer == null ? "bridge" : issuer;
      ttl = ttl == null ? Duration.ofHours(1) : ttl;
    }

    void validate() {
      Validation.require(signingKey.isEmpty() || signingKeyFile.isEmpty(), "auth.token.signing_key",
          "and auth.token.signing_key_file are both set; set one");
      Validation.require(signingKey.isEmpty() || signingKey.length() >= MIN_KEY_BYTES, "auth.token.signing_key",
          "must be at least " + MIN_KEY_BYTES + " characters");
      Validation.require(!issuer.isBlank(), "auth.token.issuer", "must not be empty");
      Validation.requirePositive(ttl, "auth.token.ttl");
    }
  }

  /** Externally issued JWTs (RSA or EC signed) accepted when they verify against this public key. */
  public record ExternalJwtConfig(
      @JsonProperty("public_key_file") String publicKeyFile,
      @JsonProperty("issuer") String issuer,
      @JsonProperty("user_claim") String userClaim,
      @JsonProperty("role_claim") String roleClaim) {

    public static final ExternalJwtConfig DEFAULT = new ExternalJwtConfig(null, null, null, null);

    public ExternalJwtConfig {
      publicKeyFile = publicKeyFile == null ? "" : publicKeyFile;
      issuer = issuer == null ? "" : issuer;
      userClaim = userClaim == null ? "sub" : userClaim;
      roleClaim = roleClaim == null ? "role" : roleClaim;
    }

    public boolean configured() {
      return !publicKeyFile.isEmpty();
    }

    void validate() {
      Validation.require(!userClaim.isBlank(), "auth.external_jwt.user_claim", "must not be empty");
      Validation.require(!roleClaim.isBlank(), "auth.external_jwt.role_claim", "must not be empty");
    }
  }
}

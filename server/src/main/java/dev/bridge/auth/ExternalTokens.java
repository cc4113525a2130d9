package dev.bridge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bridge.auth.AuthEvents.Rejection;
import dev.bridge.config.AuthConfig.ExternalJwtConfig;
import dev.bridge.config.ConfigException;
import dev.bridge.identity.Principal;
import dev.bridge.identity.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;

/**
 * JWTs issued by someone else (an identity provider), accepted when they verify against the configured RSA or EC
 * public key; the user and the role come from the configured claims.
 */
final class ExternalTokens {
  private final JWSVerifier verifier;
  private final ExternalJwtConfig config;

  private ExternalTokens(JWSVerifier verifier, ExternalJwtConfig config) {
    this.verifier = verifier;
    this.config = config;
  }

  static ExternalTokens load(ExternalJwtConfig config) {
    PublicKey key = readPublicKey(Path.of(config.publicKeyFile()));
    try {
      JWSVerifier verifier = key instanceof RSAPublicKey rsa ? new RSASSAVerifier(rsa)
          : new ECDSAVerifier((ECPublicKey) key);
      return new ExternalTokens(verifier, config);
    } catch (JOSEException e) {
      throw new ConfigException("auth.external_jwt.public_key_file: " + e.getMessage(), e);
    }
  }

  Principal verify(SignedJWT jwt) throws AuthenticationFailure {
    JWTClaimsSet claims = SignedTokens.verifiedClaims(jwt, verifier, config.issuer());
    try {
      String user = claims.getStringClaim(config.userClaim());
      String role = claims.getStringClaim(config.roleClaim());
      if (user == null || user.isBlank()) {
        throw new AuthenticationFailure(Rejection.MALFORMED, "the bearer token has no '" + config.userClaim()
            + "' claim naming the user");
      }
      if (role == null) {
        throw new AuthenticationFailure(Rejection.MALFORMED, "the bearer token has no '" + config.roleClaim()
            + "' claim naming the role");
      }
      return new Principal(user, Role.parse(role).orElseThrow(() -> new AuthenticationFailure(Rejection.MALFORMED,
          "the bearer token's role '" + role + "' is not one of " + Role.NAMES)));
    } catch (ParseException e) {
      throw new AuthenticationFailure(Rejection.MALFORMED, "the bearer token's user or role claim is not a string");
    }
  }

  /** A PEM "PUBLIC KEY" (X.509 SubjectPublicKeyInfo) holding an RSA or EC key. */
  private static PublicKey readPublicKey(Path file) {
    String pem;
    try {
      pem = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("auth.external_jwt.public_key_file: cannot read " + file + ": " + e.getMessage(), e);
    }
    String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    X509EncodedKeySpec spec;
    try {
      spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("auth.external_jwt.public_key_file: " + file + " is not a PEM public key", e);
    }
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(spec);
      } catch (GeneralSecurityException notThisAlgorithm) {
        // Try the next key type.
      }
    }
    throw new ConfigException("auth.external_jwt.public_key_file: " + file + " holds no RSA or EC public key");
  }
}

package dev.bridge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bridge.auth.AuthEvents.Rejection;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** The bearer tokens this server hands out: HS256-signed JWTs naming the user, with an issuer and an expiry. */
final class SignedTokens {
  private final MACSigner signer;
  private final MACVerifier verifier;
  private final String issuer;
  private final Duration ttl;

  SignedTokens(byte[] key, String issuer, Duration ttl) {
    try {
      this.signer = new MACSigner(key);
      this.verifier = new MACVerifier(key);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the token signing key is unusable: " + e.getMessage(), e);
    }
    this.issuer = issuer;
    this.ttl = ttl;
  }

  String issue(String user) {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(user)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)))
        .jwtID(UUID.randomUUID().toString())
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a token failed", e);
    }
    return jwt.serialize();
  }

  /** The user a token of this server names, once its signature, issuer and expiry are checked. */
  String verify(SignedJWT jwt) throws AuthenticationFailure {
    JWTClaimsSet claims = verifiedClaims(jwt, verifier, issuer);
    if (claims.getSubject() == null || claims.getSubject().isEmpty()) {
      throw new AuthenticationFailure(Rejection.MALFORMED, "the bearer token names no user (no 'sub' claim)");
    }
    return claims.getSubject();
  }

  /**
   * The claims of a token whose signature verifies, that has not expired and, when {@code requiredIssuer} is not
   * empty, comes from that issuer.
   */
  static JWTClaimsSet verifiedClaims(SignedJWT jwt, JWSVerifier verifier, String requiredIssuer)
      throws AuthenticationFailure {
    try {
      if (!jwt.verify(verifier)) {
        throw new AuthenticationFailure(Rejection.BAD_SIGNATURE, "the bearer token's signature does not verify");
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date expiry = claims.getExpirationTime();
      if (expiry == null) {
        throw new AuthenticationFailure(Rejection.MALFORMED, "the bearer token has no expiry ('exp' claim)");
      }
      if (!expiry.toInstant().isAfter(Instant.now())) {
        throw new AuthenticationFailure(Rejection.EXPIRED, "the bearer token expired at " + expiry.toInstant()
            + "; authenticate again");
      }
      if (!requiredIssuer.isEmpty() && !requiredIssuer.equals(claims.getIssuer())) {
        throw new AuthenticationFailure(Rejection.BAD_SIGNATURE, "the bearer token comes from issuer '"
            + claims.getIssuer() + "', not '" + requiredIssuer + "'");
      }
      return claims;
    } catch (JOSEException e) {
      throw new AuthenticationFailure(Rejection.BAD_SIGNATURE, "the bearer token cannot be verified: "
          + e.getMessage());
    } catch (ParseException e) {
      throw new AuthenticationFailure(Rejection.MALFORMED, "the bearer token's claims are not valid JSON: "
          + e.getMessage());
    }
  }
}

package dev.bridge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.auth.AuthEvents.Rejection;
import dev.bridge.config.AuthConfig.TokenConfig;
import dev.bridge.config.AuthConfig.UserConfig;
import dev.bridge.config.AuthConfig;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.identity.Principal;
import dev.bridge.identity.Role;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
  private static final String KEY = "unit-test-signing-key-0123456789abcdef";
  private final List<Rejection> rejections = new ArrayList<>();

  private static AuthConfig config(UserConfig... users) {
    return new AuthConfig(true, List.of(users), new TokenConfig(KEY, null, null, Duration.ofMinutes(5)), null);
  }

  private static UserConfig user(String name, String role) {
    return new UserConfig(name, PasswordHasher.hash((name + "-pw").toCharArray(), 4), role);
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void basicCredentialsAreAnsweredWithATokenThatAuthenticatesAsTheSameUser() {
    Authenticator authenticator = new Authenticator(config(user("ann", "writer")), rejections::add);
    Authenticator.Result login = authenticator.authenticate(basic("ann", "ann-pw"));
    assertThat(login.issued()).isTrue();
    assertThat(login.principal()).isEqualTo(new Principal("ann", Role.WRITER));
    Authenticator.Result again = authenticator.authenticate("Bearer " + login.token());
    assertThat(again.issued()).isFalse();
    assertThat(again.principal()).isEqualTo(login.principal());
    assertThat(rejections).isEmpty();
  }

  @Test
  void everyRefusalIsReportedWithItsReason() {
    Authenticator authenticator = new Authenticator(config(user("ann", "reader")), rejections::add);
    assertRefused(authenticator, null);
    assertRefused(authenticator, "Bearer x.y");
    assertRefused(authenticator, basic("ann", "wrong"));
    assertRefused(authenticator, "Basic %%%");
    assertRefused(authenticator, "Negotiate abc");
    assertThat(rejections).containsExactly(Rejection.MISSING, Rejection.MALFORMED, Rejection.BAD_PASSWORD,
        Rejection.MALFORMED, Rejection.MALFORMED);
  }

  @Test
  void anUpdateReplacesUsersAndRolesAndEndsARemovedUsersTokens() {
    Authenticator authenticator = new Authenticator(config(user("ann", "writer"), user("bob", "reader")),
        rejections::add);
    String annToken = authenticator.authenticate(basic("ann", "ann-pw")).token();
    String bobToken = authenticator.authenticate(basic("bob", "bob-pw")).token();
    authenticator.update(config(user("bob", "admin"), user("cy", "reader")));
    assertThat(authenticator.authenticate("Bearer " + bobToken).principal().role()).isEqualTo(Role.ADMIN);
    assertThat(authenticator.authenticate(basic("cy", "cy-pw")).principal().user()).isEqualTo("cy");
    assertRefused(authenticator, "Bearer " + annToken);
    assertRefused(authenticator, basic("ann", "ann-pw"));
    assertThat(rejections).containsExactly(Rejection.UNKNOWN_USER, Rejection.BAD_PASSWORD);
  }

  @Test
  void withoutAConfiguredKeyTokensSurviveAnUpdateButNotAnotherServer() {
    AuthConfig generated = new AuthConfig(true, List.of(user("ann", "reader")), null, null);
    Authenticator authenticator = new Authenticator(generated, rejections::add);
    String token = authenticator.authenticate(basic("ann", "ann-pw")).token();
    authenticator.update(generated);
    assertThat(authenticator.authenticate("Bearer " + token).principal().user()).isEqualTo("ann");
    assertRefused(new Authenticator(generated, rejections::add), "Bearer " + token);
    assertThat(rejections).containsExactly(Rejection.BAD_SIGNATURE);
  }

  private static void assertRefused(Authenticator authenticator, String authorization) {
    assertThatThrownBy(() -> authenticator.authenticate(authorization)).isInstanceOfSatisfying(
        EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAUTHENTICATED));
  }
}

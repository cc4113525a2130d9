package dev.bridge.auth;

import dev.bridge.config.AuthConfig.UserConfig;
import dev.bridge.config.AuthConfig;
import dev.bridge.identity.Principal;
import dev.bridge.identity.Role;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The configured users, replaced whole when the configuration is reloaded ({@link #update}). */
final class UserDirectory {
  private record User(String name, String passwordHash, Role role) {}

  private volatile Map<String, User> users = Map.of();

  UserDirectory(AuthConfig config) {
    update(config);
  }

  void update(AuthConfig config) {
    users = config.users().stream()
        .map(user -> new User(user.name(), user.passwordHash(), roleOf(user)))
        .collect(Collectors.toUnmodifiableMap(User::name, Function.identity()));
  }

  /** The user these credentials belong to, or empty when the name is unknown or the password wrong. */
  Optional<Principal> verify(String name, char[] password) {
    User user = users.get(name);
    boolean matches = PasswordHasher.verify(password, user == null ? Decoy.HASH : user.passwordHash());
    return user != null && matches ? Optional.of(new Principal(user.name(), user.role())) : Optional.empty();
  }

  /** The user's current role, or empty when the user no longer exists. */
  Optional<Principal> current(String name) {
    return Optional.ofNullable(users.get(name)).map(user -> new Principal(user.name(), user.role()));
  }

  /** Checked when the user is unknown, so that an unknown name costs as long as a wrong password; made on first use. */
  private static final class Decoy {
    static final String HASH = PasswordHasher.hash("decoy".toCharArray(), PasswordHasher.DEFAULT_COST);
  }

  private static Role roleOf(UserConfig user) {
    return Role.parse(user.role()).orElseThrow(() -> new IllegalArgumentException("unknown role " + user.role()));
  }
}

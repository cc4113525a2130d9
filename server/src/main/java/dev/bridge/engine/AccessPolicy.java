package dev.bridge.engine;

import dev.bridge.identity.Principal;

/**
 * Whether a caller may do a kind of work. Declared here, where the work is done, and implemented above the engine
 * (the role rules of {@code auth}), so the engine never depends on how users and roles are configured. Each kind of
 * work is checked in one place: statements when they are planned ({@link StatementExecutor#plan}), ingest when it
 * starts ({@code ArrowIngest}).
 */
public interface AccessPolicy {
  /** Admits everything: a server without authentication, and tests of the engine alone. */
  AccessPolicy ALLOW_ALL = new AccessPolicy() {
    @Override
    public void checkStatement(Principal principal, StatementText text) {}

    @Override
    public void checkWrite(Principal principal, String what) {}
  };

  /**
   * Throws PERMISSION_DENIED when {@code principal} may not run {@code text}, which DuckDB classifies (its parse
   * and plan, asked once and shared with the text's {@link StatementEffects}). Called before DuckDB prepares it
   * (preparing a text of several statements already runs all but the last).
   */
  void checkStatement(Principal principal, StatementText text);

  /** Throws PERMISSION_DENIED unless {@code principal} may change table data; {@code what} names the work. */
  void checkWrite(Principal principal, String what);
}

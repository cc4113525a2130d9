package dev.bridge.protocol;

import java.util.List;
import org.apache.arrow.flight.SessionOptionValueVisitor;

/** A session option value as text: strings as they are, string lists as a list; any other kind as null. */
final class TextOption implements SessionOptionValueVisitor<String> {
  @Override
  public String visit(String text) {
    return text;
  }

  @Override
  public String visit(boolean flag) {
    return null;
  }

  @Override
  public String visit(long number) {
    return null;
  }

  @Override
  public String visit(double number) {
    return null;
  }

  @Override
  public String visit(String[] texts) {
    return List.of(texts).toString();
  }

  @Override
  public String visit(Void nothing) {
    return null;
  }
}

package dev.bridge.rest;

import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/** One HTTP route's work; it runs on a Jetty worker thread and may block. */
@FunctionalInterface
interface Route {
  void handle(Request request, Response response) throws IOException;
}

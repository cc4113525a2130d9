package dev.bridge.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark Connect server in local[2] mode, as a process of its own, started once per test JVM and shared by
 * every test class that needs it (stopped when the JVM exits). Its classpath is the one the spark-test-server module
 * resolves from Maven Central (target/spark-classpath.txt), so Spark's own versions of Arrow, gRPC and Netty never
 * meet the test JVM's. It listens on 127.0.0.1 on a port it picks, and requires a bearer token made for this run.
 */
final class SparkConnectServer {
  private static final Path CLASSPATH = Path.of("..", "spark-test-server", "target", "spark-classpath.txt");
  private static final Pattern STARTED = Pattern.compile("Spark Connect server started at: [\\d.]+:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  /** The options Spark's own launcher gives a Java 17 JVM (JavaModuleOptions): Spark reaches into these packages. */
  private static final List<String> JAVA_OPTIONS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
      "-Dio.netty.tryReflectionSetAccessible=true");

  private static SparkConnectServer shared;

  private final Process process;
  private final int port;
  private final Path tokenFile;

  private SparkConnectServer(Process process, int port, Path tokenFile) {
    this.process = process;
    this.port = port;
    this.tokenFile = tokenFile;
  }

  /** The JVM's Spark Connect server, started at the first call. */
  static synchronized SparkConnectServer shared() {
    if (shared == null) {
      shared = start();
      SparkConnectServer server = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    }
    return shared;
  }

  String remote() {
    return "sc://127.0.0.1:" + port;
  }

  Path tokenFile() {
    return tokenFile;
  }

  private static SparkConnectServer start() {
    try {
      if (!Files.exists(CLASSPATH)) {
        throw new IllegalStateException(CLASSPATH.toAbsolutePath() + " is missing: build the spark-test-server module"
            + " first (mvn -B -pl spark-test-server generate-resources; the whole build does it)");
      }
      String classpath = Files.readString(CLASSPATH).strip();
      Path work = Files.createTempDirectory("bridge-spark");
      String token = UUID.randomUUID().toString();
      Path tokenFile = work.resolve("token");
      Files.writeString(tokenFile, token + "\n");
      Path log = Path.of("target", "spark-connect-server.log").toAbsolutePath();
      Files.createDirectories(log.getParent());
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx1g");
      command.addAll(JAVA_OPTIONS);
      command.addAll(List.of("-Dspark.master=local[2]", "-Dspark.app.name=bridge-tests", "-Dspark.ui.enabled=false",
          "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
          "-Dspark.connect.grpc.binding.address=127.0.0.1", "-Dspark.connect.grpc.binding.port=0",
          "-Dspark.connect.authenticate.token=" + token, "-Dspark.sql.shuffle.partitions=4",
          "-Dspark.sql.warehouse.dir=" + work.resolve("warehouse"), "-Djava.io.tmpdir=" + work,
          "-cp", classpath, "org.apache.spark.sql.connect.service.SparkConnectServer"));
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the Spark Connect server exited with " + process.exitValue() + ":\n"
              + Files.readString(log, StandardCharsets.UTF_8));
        }
        Matcher started = STARTED.matcher(Files.readString(log, StandardCharsets.UTF_8));
        if (started.find()) {
          return new SparkConnectServer(process, Integer.parseInt(started.group(1)), tokenFile);
        }
        Thread.sleep(200);
      }
      process.destroyForcibly();
      throw new IllegalStateException("the Spark Connect server did not start within " + START_TIMEOUT + "; see "
          + log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void stop() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}

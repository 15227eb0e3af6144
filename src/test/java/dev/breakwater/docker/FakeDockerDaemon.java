package dev.breakwater.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A unix-socket server that answers each request with raw bytes chosen by its request line, so
 * the client's HTTP handling (lengths, chunks, split writes, silence) is tested exactly.
 */
public final class FakeDockerDaemon implements AutoCloseable {
  /**
   * What to send back: parts are written separately, with {@code pauseMillis} between them; then
   * {@code forever}, if not empty, is written again and again until the client hangs up (a
   * daemon that floods: the test never holds the flood in memory).
   */
  public record Reply(List<String> parts, long pauseMillis, boolean keepOpen, String forever) {
    public Reply(List<String> parts, long pauseMillis, boolean keepOpen) {
      this(parts, pauseMillis, keepOpen, "");
    }

    public static Reply of(String whole) {
      return new Reply(List.of(whole), 0, false);
    }

    /** {@code head}, then {@code repeated} until the client closes the connection. */
    public static Reply flood(String head, String repeated) {
      return new Reply(List.of(head), 0, false, repeated);
    }
  }

  /** Bytes written by floods, all connections together. */
  public final java.util.concurrent.atomic.AtomicLong flooded = new java.util.concurrent.atomic.AtomicLong();

  public final Path socket;
  public final List<String> requestLines = new CopyOnWriteArrayList<>();
  private final ServerSocketChannel server;
  private final Thread thread;

  public FakeDockerDaemon(Path dir, Function<String, Reply> replies) throws IOException {
    socket = dir.resolve("docker.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    thread = Thread.ofVirtual().start(() -> serve(replies));
  }

  static String json(int status, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\nContent-Length: "
        + bytes.length + "\r\n\r\n" + body;
  }

  private void serve(Function<String, Reply> replies) {
    while (server.isOpen()) {
      try (SocketChannel client = server.accept()) {
        String head = readHead(client);
        String requestLine = head.substring(0, head.indexOf("\r\n"));
        requestLines.add(requestLine);
        Reply reply = replies.apply(requestLine);
        for (String part : reply.parts()) {
          client.write(ByteBuffer.wrap(part.getBytes(StandardCharsets.UTF_8)));
          if (reply.pauseMillis() > 0) {
            Thread.sleep(reply.pauseMillis());
          }
        }
        if (!reply.forever().isEmpty()) {
          flood(client, reply.forever());
        }
        if (reply.keepOpen()) {
          Thread.sleep(5_000);
        }
      } catch (IOException | InterruptedException e) {
        return;
      }
    }
  }

  private void flood(SocketChannel client, String repeated) {
    ByteBuffer block = ByteBuffer.wrap(repeated.repeat(Math.max(1, 64 * 1024 / repeated.length())).getBytes(StandardCharsets.UTF_8));
    try {
      while (server.isOpen()) {
        block.rewind();
        while (block.hasRemaining()) {
          flooded.addAndGet(client.write(block));
        }
      }
    } catch (IOException hungUp) {
      // the client refused the rest: what the test wants
    }
  }

  private static String readHead(SocketChannel client) throws IOException {
    var head = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      one.clear();
      if (client.read(one) < 0) {
        break;
      }
      head.write(one.array()[0]);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    server.close();
    thread.interrupt();
    Files.deleteIfExists(socket);
  }
}

package dev.breakwater.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A loopback server that answers with bytes written from a protocol's documentation, for the
 * services no Debian package provides here (MongoDB, Elasticsearch, the Docker API).
 */
final class CannedServer implements AutoCloseable {
  @FunctionalInterface
  interface Conversation {
    void talk(InputStream in, OutputStream out) throws IOException;
  }

  private final ServerSocket socket;
  private final Thread acceptor;

  CannedServer(Conversation conversation) throws IOException {
    socket = new ServerSocket();
    socket.bind(new InetSocketAddress("127.0.0.1", 0));
    acceptor = Thread.ofVirtual().start(() -> {
      while (!socket.isClosed()) {
        try {
          Socket client = socket.accept();
          Thread.ofVirtual().start(() -> {
            try (client) {
              conversation.talk(client.getInputStream(), client.getOutputStream());
            } catch (IOException ignored) {
              // The check hung up: normal at the end of a conversation.
            }
          });
        } catch (IOException closed) {
          return;
        }
      }
    });
  }

  Endpoint endpoint() {
    return new Endpoint(InetAddress.getLoopbackAddress(), socket.getLocalPort());
  }

  /** Reads an HTTP request up to its blank line and returns its request line. */
  static String readHttpRequest(InputStream in) throws IOException {
    StringBuilder all = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      all.append((char) b);
      if (all.toString().endsWith("\r\n\r\n")) {
        break;
      }
    }
    return all.toString().lines().findFirst().orElse("");
  }

  static void replyHttp(OutputStream out, String status, String headers, String body) throws IOException {
    byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.write(b);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    acceptor.interrupt();
  }
}

package dev.breakwater.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP/1.1 request and its response over a unix-domain socket: the transport under
 * {@link DockerClient}. Bodies may be sized by Content-Length, chunked, or run to end of stream;
 * every read has a deadline, so a silent daemon cannot hang the caller.
 */
final class UnixHttpExchange implements AutoCloseable {
  private static final int NO_MORE = -1;
  /**
   * What a response may hold before it is refused: a daemon (or whatever listens on the socket)
   * that floods headers or a body would otherwise fill the heap. Docker's heads are well under
   * 1 KiB; an inspect of a few hundred containers is a few MiB; one event is a few KiB.
   */
  static final int MAX_HEAD_BYTES = 64 * 1024;
  static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
  static final int MAX_LINE_BYTES = 1024 * 1024;

  private final SocketChannel channel;
  private final Selector selector;
  private final ByteBuffer in = ByteBuffer.allocate(64 * 1024).flip();
  private int status;
  private final Map<String, String> headers = new HashMap<>();
  private boolean chunked;
  private long remainingInChunkOrBody = -1; // -1: unknown (read to end of stream)
  private boolean bodyDone;
  // Survives a timeout, so a line that arrives in pieces is not lost between two calls.
  private final java.io.ByteArrayOutputStream pendingLine = new java.io.ByteArrayOutputStream();

  private UnixHttpExchange(SocketChannel channel, Selector selector) {
    this.channel = channel;
    this.selector = selector;
  }

  /** Sends {@code method target} and reads the status line and headers. */
  static UnixHttpExchange open(Path socket, String method, String target, Duration timeout) throws IOException {
    SocketChannel channel;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    } catch (UnsupportedOperationException e) {
      throw new IOException("unix-domain sockets are not supported by this JDK", e);
    }
    Selector selector = null;
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
      String request = method + " " + target + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: breakwater\r\n"
          + "Connection: close\r\n\r\n";
      ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
      while (out.hasRemaining()) {
        channel.write(out);
      }
      channel.configureBlocking(false);
      selector = Selector.open();
      channel.register(selector, SelectionKey.OP_READ);
      UnixHttpExchange exchange = new UnixHttpExchange(channel, selector);
      exchange.readHead(deadline(timeout));
      return exchange;
    } catch (IOException | RuntimeException e) {
      if (selector != null) {
        selector.close();
      }
      channel.close();
      throw e;
    }
  }

  int status() {
    return status;
  }

  /** A response header by case-insensitive name. */
  Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The whole body. */
  byte[] readBody(Duration timeout) throws IOException {
    long deadline = deadline(timeout);
    var body = new java.io.ByteArrayOutputStream();
    int b;
    while ((b = readBodyByte(deadline)) != NO_MORE) {
      if (body.size() == MAX_BODY_BYTES) {
        throw new IOException("the response body is larger than " + MAX_BODY_BYTES / (1024 * 1024)
            + " MiB (is the socket Docker's?)");
      }
      body.write(b);
    }
    return body.toByteArray();
  }

  /**
   * The next newline-terminated line of the body (Docker's streaming endpoints write one JSON
   * document per line), empty at the end of the body.
   *
   * @throws SocketTimeoutException when no full line arrives within {@code timeout}
   */
  Optional<String> readBodyLine(Duration timeout) throws IOException {
    long deadline = deadline(timeout);
    int b;
    while ((b = readBodyByte(deadline)) != NO_MORE) {
      if (b == '\n') {
        return Optional.of(takePendingLine());
      }
      if (pendingLine.size() == MAX_LINE_BYTES) {
        throw new IOException("a line of the streamed response is longer than " + MAX_LINE_BYTES / 1024
            + " KiB (is the socket Docker's?)");
      }
      pendingLine.write(b);
    }
    return pendingLine.size() == 0 ? Optional.empty() : Optional.of(takePendingLine());
  }

  private String takePendingLine() {
    String line = pendingLine.toString(StandardCharsets.UTF_8);
    pendingLine.reset();
    return line;
  }

  @Override
  public void close() {
    try {
      selector.close();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void readHead(long deadline) throws IOException {
    String statusLine = readLine(deadline);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x response: " + statusLine);
    }
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("bad HTTP status line: " + statusLine, e);
    }
    int headBytes = statusLine.length();
    for (String line = readLine(deadline); !line.isEmpty(); line = readLine(deadline)) {
      headBytes += line.length() + 2;
      if (headBytes > MAX_HEAD_BYTES) {
        throw headTooLarge();
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
    }
    chunked = header("Transfer-Encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false);
    if (!chunked) {
      Optional<String> length = header("Content-Length");
      if (length.isPresent()) {
        try {
          remainingInChunkOrBody = Long.parseLong(length.get());
        } catch (NumberFormatException e) {
          throw new IOException("bad Content-Length: " + length.get(), e);
        }
      }
      bodyDone = remainingInChunkOrBody == 0 || status == 204 || status == 304;
    } else {
      remainingInChunkOrBody = 0; // no chunk started yet
    }
  }

  private int readBodyByte(long deadline) throws IOException {
    if (bodyDone) {
      return NO_MORE;
    }
    if (chunked) {
      if (remainingInChunkOrBody == 0) {
        String sizeLine = readLine(deadline);
        if (sizeLine.isEmpty()) { // the CRLF that ends the previous chunk
          sizeLine = readLine(deadline);
        }
        int extension = sizeLine.indexOf(';');
        String hex = (extension >= 0 ? sizeLine.substring(0, extension) : sizeLine).trim();
        try {
          remainingInChunkOrBody = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size: " + sizeLine, e);
        }
        if (remainingInChunkOrBody == 0) {
          bodyDone = true;
          return NO_MORE;
        }
      }
      int b = readByte(deadline);
      if (b == NO_MORE) {
        throw new IOException("connection closed inside a chunk");
      }
      remainingInChunkOrBody--;
      return b;
    }
    if (remainingInChunkOrBody == -1) {
      int b = readByte(deadline);
      bodyDone = b == NO_MORE;
      return b;
    }
    int b = readByte(deadline);
    if (b == NO_MORE) {
      throw new IOException("connection closed with " + remainingInChunkOrBody + " body bytes missing");
    }
    if (--remainingInChunkOrBody == 0) {
      bodyDone = true;
    }
    return b;
  }

  private static IOException headTooLarge() {
    return new IOException("the response's status line and headers are larger than " + MAX_HEAD_BYTES / 1024
        + " KiB (is the socket Docker's?)");
  }

  /** A line of the head (status, header) or a chunk size, each at most {@link #MAX_HEAD_BYTES}. */
  private String readLine(long deadline) throws IOException {
    var line = new StringBuilder();
    int b;
    while ((b = readByte(deadline)) != NO_MORE) {
      if (b == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
      }
      if (line.length() == MAX_HEAD_BYTES) {
        throw headTooLarge();
      }
      line.append((char) b);
    }
    throw new IOException("connection closed in the middle of the HTTP head");
  }

  private int readByte(long deadline) throws IOException {
    while (!in.hasRemaining()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("no answer from the Docker daemon in time");
      }
      in.clear();
      int n = channel.read(in);
      if (n == 0) {
        in.flip();
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
        continue;
      }
      in.flip();
      if (n < 0) {
        return NO_MORE;
      }
    }
    return in.get() & 0xff;
  }

  private static long deadline(Duration timeout) {
    return System.nanoTime() + timeout.toNanos();
  }
}

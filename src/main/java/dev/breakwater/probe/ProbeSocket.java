package dev.breakwater.probe;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A blocking TCP connection with a timeout on connect and on every read; for service checks. */
final class ProbeSocket implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private ProbeSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static ProbeSocket connect(Endpoint endpoint, Duration timeout) throws IOException {
    Socket s = new Socket();
    try {
      int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
      s.connect(endpoint.socketAddress(), millis);
      s.setSoTimeout(millis);
      s.setTcpNoDelay(true);
      return new ProbeSocket(s);
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void write(String ascii) throws IOException {
    write(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  byte[] readExactly(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new EOFException("the server closed the connection after " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("the server closed the connection");
    }
    return b;
  }

  /** One line without its CR LF; at most {@code max} bytes. */
  String readLine(int max) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (line.size() < max) {
      int b = readByte();
      if (b == '\n') {
        break;
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** Everything until the server closes the connection, at most {@code max} bytes. */
  byte[] readToEnd(int max) throws IOException {
    return in.readNBytes(max);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

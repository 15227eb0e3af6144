package dev.breakwater.reach.oracle;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs inside a "container" namespace: listens on every port given, accepts and closes. Prints
 * {@code READY} once every port is bound. The large backlog keeps half-open connections (a SYN
 * that arrived but whose answer the host's firewall dropped) visible to {@code ss}.
 */
public final class PortListener {
  private PortListener() {}

  public static void main(String[] args) throws Exception {
    List<ServerSocket> sockets = new ArrayList<>();
    for (String port : args) {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(Integer.parseInt(port)), 4096);
      sockets.add(s);
    }
    for (ServerSocket s : sockets) {
      Thread.ofVirtual().start(() -> serve(s));
    }
    System.out.println("READY");
    System.out.flush();
    // Ends when the lab closes stdin or kills the process.
    while (System.in.read() >= 0) {
      // keep running
    }
    System.exit(0);
  }

  private static void serve(ServerSocket server) {
    while (true) {
      try (Socket ignored = server.accept()) {
        // Accepting is the answer: the connection is closed at once.
      } catch (IOException e) {
        return;
      }
    }
  }
}

package dev.breakwater.reach.oracle;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs inside a "container" namespace: listens on every port given, TCP (accepts and closes) and
 * UDP (answers each datagram, and prints {@code UDP address port} for it, so the lab knows it
 * arrived even when the host drops the answer). Prints {@code READY} once every port is bound. The large backlog keeps half-open connections (a SYN
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
    // One UDP socket per local address: a socket bound to the wildcard answers from the address
    // routing picks (the first of the subnet), not the one the datagram was sent to, and the
    // asker's conntrack entry (or its connected socket) does not take an answer from another
    // address. The attacker has several addresses on one link: its answer to the second one
    // would look like one the host dropped.
    List<java.net.InetAddress> local = new ArrayList<>();
    for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
      for (java.net.InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
        if (!a.isLinkLocalAddress()) {
          local.add(a);
        }
      }
    }
    for (String port : args) {
      for (java.net.InetAddress a : local) {
        DatagramSocket d = new DatagramSocket(new InetSocketAddress(a, Integer.parseInt(port)));
        Thread.ofPlatform().daemon().start(() -> echo(d));
      }
    }
    System.out.println("READY");
    System.out.flush();
    // Ends when the lab closes stdin or kills the process.
    while (System.in.read() >= 0) {
      // keep running
    }
    System.exit(0);
  }

  private static void echo(DatagramSocket socket) {
    byte[] buffer = new byte[512];
    while (true) {
      try {
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        socket.receive(p);
        synchronized (System.out) {
          String host = p.getAddress().getHostAddress();
          System.out.println("UDP " + (host.startsWith("::ffff:") ? host.substring(7) : host) + " " + p.getPort());
          System.out.flush();
        }
        socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
      } catch (IOException e) {
        return;
      }
    }
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

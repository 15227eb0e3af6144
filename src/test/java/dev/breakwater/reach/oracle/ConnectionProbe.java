package dev.breakwater.reach.oracle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.PortUnreachableException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs inside the attacker namespace or a container's ({@code ip netns exec bwo-att java ...
 * ConnectionProbe}): reads
 * a batch of connection attempts from stdin, one per line ({@code id source sourcePort destination
 * destinationPort [tcp|udp]}), a blank line ends the batch; makes them all at once and prints {@code id
 * outcome} per attempt, then {@code END}. A JVM cannot enter a network namespace, so the probe is
 * its own process there, started once for a whole run.
 */
public final class ConnectionProbe {
  private ConnectionProbe() {}

  public static void main(String[] args) throws Exception {
    int timeoutMillis = Integer.parseInt(args[0]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    out.println("READY");
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<String> batch = new ArrayList<>();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.isBlank()) {
          batch.add(line);
          continue;
        }
        List<Future<String>> results = new ArrayList<>();
        for (String attempt : batch) {
          results.add(pool.submit(() -> attempt(attempt, timeoutMillis)));
        }
        for (Future<String> r : results) {
          out.println(r.get());
        }
        out.println("END");
        batch.clear();
      }
    }
  }

  /** EHOSTUNREACH ("No route to host") and ENETUNREACH ("Network is unreachable"): an ICMP error. */
  private static boolean unreachable(java.net.SocketException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    return m.contains("unreachable") || m.contains("No route to host");
  }

  /** One datagram; an answer is CONNECTED, an ICMP port unreachable REFUSED. */
  private static String datagram(String[] f, int timeoutMillis) {
    try (DatagramSocket s = new DatagramSocket(null)) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(f[1]), Integer.parseInt(f[2])));
      s.connect(new InetSocketAddress(InetAddress.getByName(f[3]), Integer.parseInt(f[4])));
      s.setSoTimeout(timeoutMillis);
      s.send(new DatagramPacket(new byte[] {'x'}, 1));
      s.receive(new DatagramPacket(new byte[512], 512));
      return "CONNECTED";
    } catch (PortUnreachableException e) {
      return "REFUSED";
    } catch (SocketTimeoutException e) {
      return "TIMEOUT";
    } catch (java.net.SocketException e) {
      return (unreachable(e) ? "UNREACHABLE " : "ERROR ") + e.getMessage();
    } catch (IOException | RuntimeException e) {
      return "ERROR " + e;
    }
  }

  private static String attempt(String line, int timeoutMillis) {
    String[] f = line.strip().split(" ");
    String id = f[0];
    if (f.length > 5 && f[5].equals("udp")) {
      return id + " " + datagram(f, timeoutMillis);
    }
    try (Socket s = new Socket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(f[1]), Integer.parseInt(f[2])));
      s.connect(new InetSocketAddress(InetAddress.getByName(f[3]), Integer.parseInt(f[4])), timeoutMillis);
      return id + " CONNECTED";
    } catch (SocketTimeoutException e) {
      return id + " TIMEOUT";
    } catch (ConnectException e) {
      return id + (e.getMessage() != null && e.getMessage().contains("refused") ? " REFUSED" : " UNREACHABLE " + e.getMessage());
    } catch (NoRouteToHostException e) {
      return id + " UNREACHABLE " + e.getMessage();
    } catch (java.net.SocketException e) {
      // ENETUNREACH from an ICMP "net unreachable" answer arrives as a plain SocketException.
      return id + (unreachable(e) ? " UNREACHABLE " : " ERROR ") + e.getMessage();
    } catch (IOException | RuntimeException e) {
      return id + " ERROR " + e;
    }
  }
}

package dev.breakwater.system;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.problem.EnvironmentProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The only code that runs the netfilter tools ({@code iptables}, {@code iptables-save},
 * {@code iptables-restore}, their ip6tables twins, {@code ipset} and {@code nft}), on this host
 * or inside one network namespace, so that tests never touch the host's own firewall. Every
 * failure, including a missing tool and a time-out, is a {@link CommandFailed} that names the
 * command and carries its standard error.
 */
public final class NetfilterTools {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * {@code -w SECONDS}: wait for the xtables lock instead of failing when dockerd, ufw or
   * firewalld holds it (iptables 1.6.2+; iptables-nft accepts it too). Shorter than {@link
   * #TIMEOUT}, so a lock held for good is the tool's own error, not a time-out.
   */
  static final List<String> WAIT_FOR_LOCK = List.of("-w", "10");

  /** The tools, by the command word that runs them. */
  public enum Tool {
    IPTABLES("iptables"), IP6TABLES("ip6tables"),
    IPTABLES_SAVE("iptables-save"), IP6TABLES_SAVE("ip6tables-save"),
    IPTABLES_RESTORE("iptables-restore"), IP6TABLES_RESTORE("ip6tables-restore"),
    IPSET("ipset"), NFT("nft"), CONNTRACK("conntrack");

    private final String command;

    Tool(String command) {
      this.command = command;
    }

    public String command() {
      return command;
    }

    public boolean installed() {
      return CommandRunner.find(command).isPresent();
    }

    public static Tool iptables(IpFamily family) {
      return family == IpFamily.V4 ? IPTABLES : IP6TABLES;
    }

    public static Tool save(IpFamily family) {
      return family == IpFamily.V4 ? IPTABLES_SAVE : IP6TABLES_SAVE;
    }

    public static Tool restore(IpFamily family) {
      return family == IpFamily.V4 ? IPTABLES_RESTORE : IP6TABLES_RESTORE;
    }
  }

  private final CommandRunner runner;

  public NetfilterTools(CommandRunner runner) {
    this.runner = runner;
  }

  /** The host's own firewall. */
  public static NetfilterTools host() {
    return new NetfilterTools(CommandRunner.local());
  }

  /** The firewall of {@code namespace}. */
  public static NetfilterTools in(NetworkNamespace namespace) {
    return new NetfilterTools(CommandRunner.in(namespace));
  }

  /** The runner these tools use: other commands that must act in the same namespace run through it. */
  public CommandRunner runner() {
    return runner;
  }

  /** Runs {@code tool} with {@code args}; the result as it came, whatever its exit code. */
  public CommandRunner.Result run(Tool tool, List<String> args) {
    return run(tool, args, Optional.empty());
  }

  private CommandRunner.Result run(Tool tool, List<String> args, Optional<String> stdin) {
    return run(tool, args, stdin, TIMEOUT);
  }

  private CommandRunner.Result run(Tool tool, List<String> args, Optional<String> stdin, Duration timeout) {
    List<String> argv = new ArrayList<>();
    argv.add(tool.command());
    argv.addAll(args);
    try {
      return stdin.isPresent() ? runner.run(argv, stdin.get(), timeout) : runner.run(argv, timeout);
    } catch (EnvironmentProblem | CommandRunner.TimeoutException e) {
      throw new CommandFailed("cannot run " + String.join(" ", argv) + ": " + e.getMessage());
    }
  }

  private String succeed(Tool tool, List<String> args, Optional<String> stdin, String failed) {
    CommandRunner.Result result = run(tool, args, stdin);
    if (!result.ok()) {
      throw new CommandFailed(tool.command() + (args.isEmpty() ? "" : " " + String.join(" ", args)) + " " + failed
          + " (exit " + result.exitCode() + "): " + result.stderr().strip());
    }
    return result.stdout();
  }

  /** {@code iptables-save -t filter}: the filter table as text. */
  public String saveFilter(IpFamily family) {
    return succeed(Tool.save(family), List.of("-t", "filter"), Optional.empty(), "failed");
  }

  /** {@code iptables-save}: every table. */
  public String saveAll(IpFamily family) {
    return succeed(Tool.save(family), List.of(), Optional.empty(), "failed");
  }

  /** One transaction: {@code iptables-restore --noflush} with {@code text} on stdin. */
  public void restore(IpFamily family, String text) {
    succeed(Tool.restore(family), withLock(List.of("--noflush")), Optional.of(text), "refused the change");
  }

  /** {@code iptables ARGS} (or ip6tables): one rule change, as the lab makes them. */
  public void iptables(IpFamily family, List<String> args) {
    succeed(Tool.iptables(family), withLock(args), Optional.empty(), "failed");
  }

  private static List<String> withLock(List<String> args) {
    List<String> all = new ArrayList<>(WAIT_FOR_LOCK);
    all.addAll(args);
    return all;
  }

  /** {@code ipset list -n}: the names of the sets. */
  public List<String> setNames() {
    return succeed(Tool.IPSET, List.of("list", "-n"), Optional.empty(), "failed")
        .lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  /** {@code ipset save}: every set and its members; empty when the tool is missing or fails. */
  public Optional<String> ipsetSave() {
    try {
      return Optional.of(succeed(Tool.IPSET, List.of("save"), Optional.empty(), "failed"));
    } catch (CommandFailed e) {
      return Optional.empty();
    }
  }

  /**
   * {@code nft -j list ruleset}: every nftables table; empty when nft is missing or fails (a host
   * without nftables has only iptables' tables, which iptables-save shows).
   */
  public Optional<String> nftRuleset() {
    try {
      return Optional.of(succeed(Tool.NFT, List.of("-j", "list", "ruleset"), Optional.empty(), "failed"));
    } catch (CommandFailed e) {
      return Optional.empty();
    }
  }

  /** {@code ipset restore} with {@code text} on stdin. */
  public void ipsetRestore(String text) {
    succeed(Tool.IPSET, List.of("restore"), Optional.of(text), "refused the sets");
  }

  /** {@code ipset destroy NAME}; false when the kernel refuses (the set is still referenced). */
  public boolean destroySet(String name) {
    if (!name.matches("[A-Za-z0-9_.-]{1,31}")) {
      throw new IllegalArgumentException("not an ipset name: " + name);
    }
    return run(Tool.IPSET, List.of("destroy", name)).ok();
  }

  /**
   * {@code conntrack -L}: the tracked connections of {@code protocol} whose original destination
   * port is {@code port}, one line each as conntrack prints them.
   */
  public List<String> connections(IpFamily family, Transport protocol, int port) {
    return succeed(Tool.CONNTRACK, List.of("-L", "-f", family == IpFamily.V4 ? "ipv4" : "ipv6", "-p", protocol.label(),
        "--orig-port-dst", Integer.toString(port)), Optional.empty(), "failed").lines().filter(l -> !l.isBlank()).toList();
  }

  /**
   * {@code conntrack -D} of exactly one connection, by its original tuple; false when it was
   * gone already (conntrack exits 1 when it deleted nothing).
   *
   * @param timeout how long this one deletion may take (it takes milliseconds on an idle table)
   * @throws CommandFailed when conntrack could not be run or did not finish in time
   */
  public boolean deleteConnection(IpFamily family, Transport protocol, String source, String destination, int sourcePort,
      int destinationPort, Duration timeout) {
    return run(Tool.CONNTRACK, List.of("-D", "-f", family == IpFamily.V4 ? "ipv4" : "ipv6", "-p", protocol.label(),
        "--orig-src", source, "--orig-dst", destination,
        "--orig-port-src", Integer.toString(sourcePort), "--orig-port-dst", Integer.toString(destinationPort)),
        Optional.empty(), timeout).ok();
  }

  /** nft names as the nft backend makes them: a family and a table or set name, never quoted. */
  private static final java.util.regex.Pattern NFT_NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,63}");
  private static final java.util.regex.Pattern NFT_ELEMENT = java.util.regex.Pattern.compile("[0-9A-Fa-f.:]{2,39}(/[0-9]{1,3})?");

  private static String nftName(String name) {
    if (!NFT_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not an nft name: " + name);
    }
    return name;
  }

  /** {@code nft -f -}: {@code script} on stdin, one kernel transaction (all of it or nothing). */
  public void nftApply(String script) {
    succeed(Tool.NFT, List.of("-f", "-"), Optional.of(script), "refused the change");
  }

  /** {@code nft -c -f -}: checks {@code script} without changing anything. */
  public void nftCheck(String script) {
    succeed(Tool.NFT, List.of("-c", "-f", "-"), Optional.of(script), "refused the script");
  }

  /**
   * {@code nft list table FAMILY NAME} ({@code -j} for JSON); empty when there is no such table
   * (told by {@code nft list tables}, so that any other failure still says what went wrong).
   */
  public Optional<String> nftListTable(String family, String table, boolean json) {
    String wanted = "table " + nftName(family) + " " + nftName(table);
    boolean exists = succeed(Tool.NFT, List.of("list", "tables"), Optional.empty(), "failed")
        .lines().map(String::strip).anyMatch(wanted::equals);
    if (!exists) {
      return Optional.empty();
    }
    List<String> args = new ArrayList<>();
    if (json) {
      args.add("-j");
    }
    args.addAll(List.of("list", "table", family, table));
    return Optional.of(succeed(Tool.NFT, args, Optional.empty(), "failed"));
  }

  /** {@code nft add element FAMILY TABLE SET { E, ... }}: addresses or prefixes, checked here. */
  public void nftAddElements(String family, String table, String set, List<String> elements) {
    nftElements("add", family, table, set, elements);
  }

  /** {@code nft delete element FAMILY TABLE SET { E, ... }}. */
  public void nftDeleteElements(String family, String table, String set, List<String> elements) {
    nftElements("delete", family, table, set, elements);
  }

  private void nftElements(String verb, String family, String table, String set, List<String> elements) {
    if (elements.isEmpty()) {
      return;
    }
    for (String element : elements) {
      if (!NFT_ELEMENT.matcher(element).matches()) {
        throw new IllegalArgumentException("not an address element: " + element);
      }
    }
    succeed(Tool.NFT, List.of(verb, "element", nftName(family), nftName(table), nftName(set),
        "{ " + String.join(", ", elements) + " }"), Optional.empty(), "failed");
  }
}

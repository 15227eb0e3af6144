package dev.breakwater.lint;

import dev.breakwater.compose.PortEntry;
import dev.breakwater.compose.Publications;
import dev.breakwater.compose.Service;

import dev.breakwater.catalog.DataStores;
import dev.breakwater.catalog.Severity;
import dev.breakwater.net.PrivateNetworks;
import java.util.Optional;

@RuleInfo(
    id = "BW002",
    name = "DataStorePublished",
    summary = "A data store's port (MySQL, PostgreSQL, Redis, MongoDB, Elasticsearch, the Docker API ...) is published beyond loopback.",
    severity = Severity.CRITICAL,
    why = """
        Databases, caches, queues and the Docker API are the services attackers scan for: exposed
        MySQL and MongoDB instances are wiped and ransomed, exposed Redis gets keys injected, an
        exposed Docker API is a root shell. Published without a host address they are reachable
        from everywhere, and UFW does not filter them (Docker's DNAT takes the packet to FORWARD,
        UFW filters INPUT). Recognised by image (mysql, mariadb, percona, postgres, redis, valkey,
        keydb, mongo, elasticsearch, opensearch, memcached, rabbitmq, couchdb, cassandra,
        influxdb, neo4j, clickhouse, minio, etcd, zookeeper, kafka) and container port (2375 and
        2376 for the Docker API). Critical when unbound or bound to every address; medium when
        bound to an address of a private or tailnet network (10/8, 172.16/12, 192.168/16,
        100.64/10, fd00::/8), which only that network reaches; high when bound to another
        non-loopback address. The address may come from a variable whose value lint knows (the
        project's `.env`, an assignment earlier in the script).""",
    fix = """
        Do not publish a data store at all when only other containers use it: they reach it over
        the Compose network by service name. When the host needs it, bind it to loopback
        (`127.0.0.1:5432:5432`, or `host_ip: 127.0.0.1`) and use an SSH tunnel for remote admin
        access. `breakwater fix --write` binds unbound publications.""",
    bad = """
        services:
          db:
            image: postgres:16
            environment:
              POSTGRES_PASSWORD_FILE: /run/secrets/pg
            ports:
              - "5432:5432"
        """,
    good = """
        services:
          db:
            image: postgres:16
            environment:
              POSTGRES_PASSWORD_FILE: /run/secrets/pg
            ports:
              - "127.0.0.1:5432:5432"
        """)
final class DataStorePublished implements PublishedPortRule {
  @Override
  public Optional<LintFinding> check(Service service, PortEntry port) {
    Optional<DataStores.Kind> kind = Publications.dataStore(service, port);
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    String what = kind.get().name() + " port " + Publications.describe(port) + " of '" + service.name() + "'";
    return switch (Publications.effectiveBinding(service, port)) {
      case UNBOUND -> Optional.of(LintFinding.ofPort(this, Severity.CRITICAL, what
          + " is published on every address, past UFW; bind it to loopback (\""
          + Publications.boundExample(port) + "\") or do not publish it", service, port, true));
      case ALL_INTERFACES -> Optional.of(LintFinding.ofPort(this, Severity.CRITICAL, what
          + " is published on purpose on every address (" + port.mapping().hostIp().orElse("") + "); "
          + "a data store should never face the internet", service, port, false));
      case SPECIFIC -> Optional.of(specific(service, port, what));
      case LOOPBACK, UNKNOWN -> Optional.empty();
    };
  }

  private LintFinding specific(Service service, PortEntry port, String what) {
    String address = Publications.effectiveAddress(service, port).orElse("?");
    Optional<String> network = PrivateNetworks.enclosing(address);
    if (network.isPresent()) {
      return LintFinding.ofPort(this, Severity.MEDIUM, what + " is bound to " + address
          + ", reachable from the " + network.get() + " network it is bound in; make sure only "
          + "trusted clients are on that network", service, port, false);
    }
    return LintFinding.ofPort(this, Severity.HIGH, what + " is reachable on " + address
        + ", a routable address; make sure only trusted clients reach that address", service, port, false);
  }
}

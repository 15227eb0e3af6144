package dev.breakwater.report;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The catalogue of data stores Breakwater treats as critical when reachable: recognised by image
 * name ({@code mysql:8}, {@code bitnami/redis}, {@code docker.io/library/postgres@sha256:...}) or
 * by the container port they listen on.
 *
 * <p>Shared by {@code lint} (compose files, docker run lines) and {@code audit} (live
 * containers).
 */
public final class DataStores {

  /** One kind of data store: its name, the image names that run it, its default ports. */
  public record Kind(String name, List<String> images, Set<Integer> ports) {
    public Kind {
      images = List.copyOf(images);
      ports = Set.copyOf(ports);
    }
  }

  private static final List<Kind> KINDS = List.of(
      new Kind("mysql", List.of("mysql", "percona", "percona-server", "percona/percona-server"), Set.of(3306, 33060)),
      new Kind("mariadb", List.of("mariadb"), Set.of(3306)),
      new Kind("postgres", List.of("postgres", "postgis/postgis", "timescale/timescaledb"), Set.of(5432)),
      new Kind("redis", List.of("redis", "redis-stack", "redis/redis-stack", "redis/redis-stack-server"), Set.of(6379)),
      new Kind("valkey", List.of("valkey", "valkey/valkey"), Set.of(6379)),
      new Kind("keydb", List.of("keydb", "eqalpha/keydb"), Set.of(6379)),
      new Kind("mongo", List.of("mongo", "mongodb", "mongodb/mongodb-community-server"), Set.of(27017, 27018, 27019)),
      new Kind("elasticsearch", List.of("elasticsearch", "elastic/elasticsearch", "elasticsearch/elasticsearch"), Set.of(9200, 9300)),
      new Kind("opensearch", List.of("opensearch", "opensearchproject/opensearch"), Set.of(9200, 9600)),
      new Kind("memcached", List.of("memcached"), Set.of(11211)),
      new Kind("rabbitmq", List.of("rabbitmq"), Set.of(5672, 15672, 25672)),
      new Kind("couchdb", List.of("couchdb", "apache/couchdb"), Set.of(5984)),
      new Kind("cassandra", List.of("cassandra"), Set.of(9042, 7000, 7199)),
      new Kind("influxdb", List.of("influxdb"), Set.of(8086)),
      new Kind("neo4j", List.of("neo4j"), Set.of(7474, 7687)),
      new Kind("clickhouse", List.of("clickhouse", "clickhouse/clickhouse-server", "yandex/clickhouse-server"), Set.of(8123, 9000, 9009)),
      new Kind("minio", List.of("minio/minio", "minio", "quay.io/minio/minio"), Set.of(9000, 9001)),
      new Kind("etcd", List.of("etcd", "quay.io/coreos/etcd", "gcr.io/etcd-development/etcd"), Set.of(2379, 2380)),
      new Kind("zookeeper", List.of("zookeeper", "confluentinc/cp-zookeeper"), Set.of(2181)),
      new Kind("kafka", List.of("kafka", "apache/kafka", "confluentinc/cp-kafka", "wurstmeister/kafka"), Set.of(9092, 9093)),
      new Kind("docker-api", List.of("docker"), Set.of(2375, 2376)));

  /** Ports that mean a data store whatever the image; ambiguous ones (8086, 9000) are left out. */
  private static final Set<Integer> TELLTALE_PORTS = Set.of(
      3306, 5432, 6379, 27017, 9200, 11211, 5672, 5984, 9042, 7687, 8123, 2379, 2181, 9092, 2375, 2376);

  private DataStores() {}

  public static List<Kind> kinds() {
    return KINDS;
  }

  /**
   * The kind an image runs, ignoring registry host, tag and digest, and accepting vendor
   * prefixes ({@code bitnami/mysql}); empty when the image is not a known data store.
   */
  public static Optional<Kind> byImage(String image) {
    String repo = repository(image);
    String last = repo.substring(repo.lastIndexOf('/') + 1);
    for (Kind k : KINDS) {
      for (String name : k.images()) {
        if (repo.equals(name) || repo.endsWith("/" + name) || (!name.contains("/") && last.equals(name))) {
          return Optional.of(k);
        }
      }
    }
    return Optional.empty();
  }

  /** The data store a container port suggests on its own (3306, 6379, 2375 ...). */
  public static Optional<Kind> byPort(int containerPort) {
    if (!TELLTALE_PORTS.contains(containerPort)) {
      return Optional.empty();
    }
    return KINDS.stream().filter(k -> k.ports().contains(containerPort)).findFirst();
  }

  /**
   * The data store behind a container port of an image: the image's kind when it listens on that
   * port (or the image is unknown but the port is telltale).
   */
  public static Optional<Kind> of(String image, int containerPort) {
    Optional<Kind> kind = image == null || image.isBlank() ? Optional.empty() : byImage(image);
    if (kind.isPresent()) {
      return kind.get().ports().contains(containerPort) ? kind : Optional.empty();
    }
    return byPort(containerPort);
  }

  /** {@code registry:5000/team/redis:7@sha256:..} -> {@code team/redis}, lower case. */
  static String repository(String image) {
    String s = image.trim().toLowerCase(Locale.ROOT);
    int at = s.indexOf('@');
    if (at >= 0) {
      s = s.substring(0, at);
    }
    int colon = s.lastIndexOf(':');
    if (colon > s.lastIndexOf('/')) {
      s = s.substring(0, colon);
    }
    int slash = s.indexOf('/');
    if (slash > 0) {
      String first = s.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        s = s.substring(slash + 1);
      }
    }
    if (s.startsWith("library/")) {
      s = s.substring("library/".length());
    }
    return s;
  }
}

package dev.breakwater.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Services whose exposure is critical: data stores and the Docker Engine API. Recognised by the
 * image's repository name (the last path element, without tag or digest) or, failing that, by
 * the container port they listen on by default.
 */
public final class DataStores {

  /** One kind of data store: its name, the image names it ships as, its default ports. */
  public record Kind(String name, List<String> images, List<Integer> ports) {}

  private static final List<Kind> KINDS = List.of(
      new Kind("MySQL", List.of("mysql", "percona", "percona-server"), List.of(3306, 33060)),
      new Kind("MariaDB", List.of("mariadb"), List.of(3306)),
      new Kind("PostgreSQL", List.of("postgres", "postgis", "timescaledb", "pgvector"), List.of(5432)),
      new Kind("Redis", List.of("redis", "redis-stack", "redis-stack-server"), List.of(6379)),
      new Kind("Valkey", List.of("valkey"), List.of(6379)),
      new Kind("KeyDB", List.of("keydb"), List.of(6379)),
      new Kind("MongoDB", List.of("mongo", "mongodb", "mongodb-community-server"), List.of(27017, 27018, 27019)),
      new Kind("Elasticsearch", List.of("elasticsearch"), List.of(9200, 9300)),
      new Kind("OpenSearch", List.of("opensearch"), List.of(9200, 9300)),
      new Kind("Memcached", List.of("memcached"), List.of(11211)),
      new Kind("RabbitMQ", List.of("rabbitmq"), List.of(5672, 15672)),
      new Kind("CouchDB", List.of("couchdb"), List.of(5984)),
      new Kind("Cassandra", List.of("cassandra"), List.of(9042, 7000)),
      new Kind("InfluxDB", List.of("influxdb"), List.of(8086)),
      new Kind("Neo4j", List.of("neo4j"), List.of(7474, 7687)),
      new Kind("ClickHouse", List.of("clickhouse", "clickhouse-server"), List.of(8123, 9000)),
      new Kind("MinIO", List.of("minio"), List.of(9000)),
      new Kind("etcd", List.of("etcd"), List.of(2379, 2380)),
      new Kind("ZooKeeper", List.of("zookeeper"), List.of(2181)),
      new Kind("Kafka", List.of("kafka", "cp-kafka"), List.of(9092)),
      new Kind("Docker Engine API", List.of("docker", "dind", "docker-socket-proxy"), List.of(2375, 2376)));

  private DataStores() {}

  public static List<Kind> kinds() {
    return KINDS;
  }

  /**
   * The data store an image and container port most likely are. The image name decides when it
   * is known; a well-known port decides only for images we do not recognise, because a web app
   * on 9000 is more common than MinIO.
   */
  public static Optional<Kind> identify(String image, int containerPort) {
    String repo = repositoryName(image);
    for (Kind kind : KINDS) {
      if (kind.images().contains(repo)) {
        return Optional.of(kind);
      }
    }
    // Docker's API is critical however it is packaged.
    if (containerPort == 2375 || containerPort == 2376) {
      return Optional.of(KINDS.get(KINDS.size() - 1));
    }
    for (Kind kind : KINDS) {
      if (kind.ports().contains(containerPort) && isDistinctivePort(containerPort)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  /** Ports that, alone, identify a data store well enough (not 9000 or 8086, shared by many apps). */
  private static boolean isDistinctivePort(int port) {
    return switch (port) {
      case 3306, 5432, 6379, 27017, 9200, 11211, 5984, 9042, 7687, 2379, 2181 -> true;
      default -> false;
    };
  }

  /** {@code docker.io/library/mysql:8.0@sha256:…} → {@code mysql}; {@code bitnami/redis} → {@code redis}. */
  public static String repositoryName(String image) {
    String s = image.toLowerCase(Locale.ROOT);
    int at = s.indexOf('@');
    if (at >= 0) {
      s = s.substring(0, at);
    }
    int slash = s.lastIndexOf('/');
    int colon = s.lastIndexOf(':');
    if (colon > slash) {
      s = s.substring(0, colon);
    }
    return slash >= 0 ? s.substring(s.lastIndexOf('/') + 1) : s;
  }
}

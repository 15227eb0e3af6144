package dev.breakwater.probe;

import java.io.IOException;
import java.util.List;

/**
 * One real protocol exchange with a service behind an open port, written from the protocol's
 * documentation: it asks what a stranger would ask and reports what the service allowed.
 */
public sealed interface ServiceCheck
    permits RedisCheck, PostgresCheck, MySqlCheck, MongoCheck, MemcachedCheck,
        ElasticsearchCheck, DockerApiCheck, HttpBannerCheck {

  /** The short name used in output and in {@code --service PORT=NAME}. */
  String service();

  /** The ports this service listens on by default. */
  List<Integer> defaultPorts();

  /**
   * Talks to the service; an answer that is not this protocol gives {@link Access#UNRECOGNISED}.
   *
   * @throws IOException when the connection fails or times out
   */
  ServiceFinding check(Endpoint endpoint, CheckOptions options) throws IOException;
}

package dev.breakwater.lint;

import dev.breakwater.compose.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Fixtures written for Breakwater: every rule positive and negative, markers say what must be flagged. */
class RuleCorpusTest {

  private static void check(String name, String text) {
    assertThat(Fixtures.actual(Fixtures.lint(name, text))).isEqualTo(Fixtures.expected(text));
  }

  @Test
  void publishedOnAllInterfacesInEveryComposeForm() {
    check("compose.yaml", """
        services:
          web:
            image: acme/web:1.27
            ports:
              - "8080:80"                  # expect: BW001
              - '8443:443'                 # expect: BW001
              - "80"                       # expect: BW001
              - 8000-8010:8000-8010        # expect: BW001
              - "9090-9091:8080"           # expect: BW001
              - "53:53/udp"                # expect: BW011
              - "5000:5000/SCTP"           # expect: BW001
              - ":7000:7000"               # expect: BW001
              - "127.0.0.1:8081:80"
              - "127.0.0.1::5000"
              - "[::1]:8082:80"
              - "::1:8083:80"
              - "0.0.0.0:80:80"
              - "::::81"
              - "10.8.0.1:8084:80"
              - target: 80                 # expect: BW001
                published: "8085"
              - target: 80
                published: 8086
                host_ip: 127.0.0.1
              - {target: 80, published: 8087}   # expect: BW001
              - {target: 80, published: 8088, host_ip: "::1", protocol: udp, mode: host, name: web, app_protocol: http}
            expose:
              - "9000"
        """);
  }

  @Test
  void dataStoresByImageAndByPort() {
    check("compose.yaml", """
        services:
          db:
            image: mysql:8.4
            environment:
              MYSQL_ROOT_PASSWORD_FILE: /run/secrets/root
            ports:
              - "3306:3306"              # expect: BW002
              - "127.0.0.1:33060:33060"
          pg:
            image: docker.io/library/postgres:16@sha256:abcdef
            environment: [POSTGRES_PASSWORD_FILE=/run/secrets/pg]
            ports: ["0.0.0.0:5432:5432"]  # expect: BW002
          cache:
            image: bitnami/redis:7
            environment:
              REDIS_PASSWORD: ${REDIS_PASSWORD}
            ports:
              - "192.168.10.5:6379:6379"   # expect: BW002
          app:
            image: registry.example.com/team/app:1
            ports:
              - "9200:9200"                # expect: BW002
              - "2375:2375"                # expect: BW002
              - "8080:8080"                # expect: BW001
          mini:
            image: minio/minio         # expect: BW006
            ports:
              - "127.0.0.1:9000:9000"
        """);
  }

  @Test
  void hostNetworkWithADataStore() {
    check("compose.yaml", """
        services:
          cache:
            image: valkey/valkey:8
            command: ["valkey-server", "--requirepass", "${VALKEY_PASSWORD:?}"]
            network_mode: host     # expect: BW004
          proxy:
            image: traefik:3
            network_mode: host
          custom:
            image: acme/store
            network_mode: "host"   # expect: BW004
            expose: ["5432"]
          # Docker ignores ports with the host network: the exposure is BW004's, not BW001/BW002's
          pg:
            image: postgres:16
            environment: [POSTGRES_PASSWORD_FILE=/run/secrets/pg]
            network_mode: host     # expect: BW004
            ports: ["5432:5432"]
          web:
            image: acme/web
            network_mode: host
            ports: ["8080:80"]
        """);
  }

  @Test
  void authenticationMissingOrDisabled() {
    check("compose.yaml", """
        services:
          mysql:
            image: mysql
            environment:
              MYSQL_ALLOW_EMPTY_PASSWORD: "yes"     # expect: BW005
          mariadb:
            image: mariadb
            environment:
              - MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 # expect: BW005
          mysql-ok:
            image: mysql
            environment:
              MYSQL_ALLOW_EMPTY_PASSWORD: "no"
          pg:
            image: postgres
            environment:
              POSTGRES_HOST_AUTH_METHOD: trust      # expect: BW005
          bitnami:
            image: bitnami/mysql
            environment:
              ALLOW_EMPTY_PASSWORD: "yes"           # expect: BW005
          redis:
            image: redis:7                          # expect: BW005
          redis-ok:
            image: redis:7
            command: redis-server --requirepass "$${REDIS_PASSWORD}"
          redis-conf:
            image: redis:7
            command: ["redis-server", "/usr/local/etc/redis/redis.conf"]
          mongo:
            image: mongo:7                          # expect: BW005
          mongo-ok:
            image: mongo:7
            environment:
              MONGO_INITDB_ROOT_USERNAME: admin
              MONGO_INITDB_ROOT_PASSWORD_FILE: /run/secrets/mongo
          es:
            image: docker.elastic.co/elasticsearch/elasticsearch:8.15.0
            environment:
              - xpack.security.enabled=false        # expect: BW005
          es-ok:
            image: elasticsearch:8.15.0
            environment:
              - xpack.security.enabled=true
          os:
            image: opensearchproject/opensearch:2
            environment:
              DISABLE_SECURITY_PLUGIN: "true"       # expect: BW005
          neo4j:
            image: neo4j:5
            environment:
              NEO4J_AUTH: none                      # expect: BW005
          etcd:
            image: bitnami/etcd:3.5
            environment:
              - ALLOW_NONE_AUTHENTICATION=yes       # expect: BW005
          zk:
            image: bitnami/zookeeper:3.9
            environment:
              ALLOW_ANONYMOUS_LOGIN: "yes"          # expect: BW005
          zk-ok:
            image: bitnami/zookeeper:3.9
            environment:
              ALLOW_ANONYMOUS_LOGIN: "no"
              ZOO_ENABLE_AUTH: "yes"
          valkey-conf:
            image: valkey/valkey:8
            command: valkey-server /etc/valkey/valkey.conf
          keydb:
            image: eqalpha/keydb                    # expect: BW005
          mongo-auth:
            image: mongo:7
            command: mongod --auth
        """);
  }

  @Test
  void weakOrDefaultPasswords() {
    check("compose.yaml", """
        services:
          a:
            image: mysql
            environment:
              MYSQL_ROOT_PASSWORD: root          # expect: BW006
              MYSQL_PASSWORD: "123456"           # expect: BW006
          b:
            image: postgres
            environment:
              - POSTGRES_PASSWORD=postgres       # expect: BW006
          c:
            image: rabbitmq:3-management
            environment:
              RABBITMQ_DEFAULT_PASS: changeme    # expect: BW006
          d:
            image: redis
            command: redis-server --requirepass secret   # expect: BW006
          e:
            image: acme/app
            environment:
              APP_SECRET: example                # expect: BW006
              ADMIN_PASSWORD: admin              # expect: BW006
          f:
            image: ghcr.io/acme/inventory:2
            environment:
              DB_PASSWORD: password              # expect: BW006
              JWT_SECRET: secret                 # expect: BW006
              INVENTORY_PASS: inventory          # expect: BW006
              MINIO_SECRET_KEY: "12345678"       # expect: BW006
          g:
            image: valkey/valkey
            command: ["valkey-server", "--requirepass", "valkey"]   # expect: BW006
          h:
            image: redis
            command: redis-server --requirepass "changeme"   # expect: BW006
          graph:
            image: neo4j:5
            environment:
              NEO4J_AUTH: neo4j/neo4j            # expect: BW006
          graph-ok:
            image: neo4j:5
            environment:
              NEO4J_AUTH: neo4j/Zq8-tr4Lk2mW9vX
          s3:
            image: quay.io/minio/minio:latest    # expect: BW006
            command: server /data
          s3-ok:
            image: minio/minio
            environment:
              MINIO_ROOT_USER: ops
              MINIO_ROOT_PASSWORD_FILE: /run/secrets/minio
          ok:
            image: mysql
            environment:
              MYSQL_ROOT_PASSWORD: 9x!Vq2#pLr7@tZ4w
              MYSQL_PASSWORD_FILE: /run/secrets/password
              MYSQL_PASSWORD_HINT: root
              DB_PASSWORD: ${DB_PASSWORD}
        """);
  }

  @Test
  void dockerSocketAndPrivileged() {
    check("compose.yaml", """
        services:
          agent:
            image: portainer/agent
            volumes:
              - /var/run/docker.sock:/var/run/docker.sock:ro   # expect: BW007
              - type: bind
                source: /run/docker.sock                       # expect: BW007
                target: /sock
              - data:/data
            privileged: true                                   # expect: BW008
          fine:
            image: alpine
            privileged: false
            volumes: ["./docker.socket.txt:/x"]
        """);
  }

  @Test
  void unquotedBase60PortsAreUnderstoodAndFlagged() {
    List<LintFinding> findings = Fixtures.lint("compose.yaml", """
        services:
          ssh:
            image: linuxserver/openssh-server
            ports:
              - 2222:22
        """);
    assertThat(findings).extracting(f -> f.rule().id()).containsExactlyInAnyOrder("BW001", "BW009");
    assertThat(findings.get(0).port().orElseThrow().mapping().target().first()).isEqualTo(22);
    check("compose.yaml", """
        services:
          ssh:
            image: linuxserver/openssh-server
            ports:
              - 2222:22            # expect: BW001,BW009
              - 127.0.0.1:2223:22
              - "2224:22"          # expect: BW001
              - 8080:80            # expect: BW001
        """);
  }

  @Test
  void inlineSuppressionsOnTheLineOrAbove() {
    check("compose.yaml", """
        services:
          web:
            image: acme/web
            ports:
              - "80:80"    # breakwater:ignore BW001 public web server
              # breakwater:ignore PublishedOnAllInterfaces behind the load balancer
              - "443:443"
              - "8080:80"  # breakwater:ignore BW002 wrong rule, still flagged   # expect: BW001
          db:
            image: postgres
            environment:
              POSTGRES_PASSWORD_FILE: /run/secrets/pg
            ports:
              - "5432:5432"  # breakwater:ignore all lab only
        """);
  }

  @Test
  void yamlAnchorsAndMergeKeys() {
    check("compose.yaml", """
        x-db: &db
          image: mysql:8
          environment:
            MYSQL_ROOT_PASSWORD: password
          ports:
            - "3306:3306"
        services:
          primary:
            <<: *db
          replica:
            <<: *db
            ports:
              - "127.0.0.1:3307:3306"
        """.replace("  MYSQL_ROOT_PASSWORD: password", "  MYSQL_ROOT_PASSWORD: password # expect: BW006")
        .replace("- \"3306:3306\"", "- \"3306:3306\" # expect: BW002"));
  }

  @Test
  void dockerRunLinesInScripts() {
    check("deploy.sh", """
        #!/usr/bin/env bash
        set -euo pipefail
        PORT=8080
        docker run -d -p 3306:3306 mysql:8                                   # expect: BW002
        docker run -d --publish 8080:80 acme/web                                # expect: BW001
        docker run -d --publish=127.0.0.1:8081:80 acme/web
        docker run -dit -p8082:80 acme/web                                      # expect: BW001
        docker container run -p "$PORT:80" acme/web                             # expect: BW001
        docker create -p ${BIND_IP}:8083:80 acme/web
        sudo docker run --publish published=8084,target=80,protocol=udp app  # expect: BW001
        docker run -P acme/web                                                  # expect: BW003
        docker run --publish-all acme/web                                       # expect: BW003
        docker run --network host -e REDIS_PASSWORD=x redis:7                # expect: BW004
        docker run --net=host acme/web
        docker run -v /var/run/docker.sock:/var/run/docker.sock --privileged traefik   # expect: BW007,BW008
        docker run -e POSTGRES_HOST_AUTH_METHOD=trust -p 127.0.0.1:5432:5432 postgres  # expect: BW005
        docker run -e POSTGRES_PASSWORD=postgres -p 127.0.0.1:5433:5432 postgres       # expect: BW006
        docker ps -p 9999:9999
        echo "docker run -p 1:1 x" > /dev/null
        docker run -p 8085:80 acme/web # breakwater:ignore BW001 public on purpose
        """);
  }

  @Test
  void continuationsAndMakefiles() {
    List<LintFinding> script = Fixtures.lint("run.sh", """
        docker run \\
          --name db \\
          -e MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db \\
          -p 3306:3306 \\
          mysql:8
        """);
    assertThat(Fixtures.actual(script)).containsExactly("4:BW002");
    check("Makefile", """
        PORT := 6380
        up:
        \t@docker run -d -p $(PORT):80 acme/web             # expect: BW001
        \tdocker run -d -p 127.0.0.1:$(PORT):80 acme/web
        \tdocker run -d -e X=$$HOME -p 9000:9000 minio/minio   # expect: BW002,BW006
        """);
  }

  @Test
  void hostBindingOptionChangesWhatNoAddressMeans() {
    check("compose.yaml", """
        services:
          web:
            image: acme/web
            ports: ["8080:80"]
          other:
            image: acme/web
            networks: [public]
            ports: ["8081:80"]   # expect: BW001
        networks:
          default:
            driver_opts:
              com.docker.network.bridge.host_binding_ipv4: "127.0.0.1"
          public: {}
        """);
  }

  @Test
  void aReverseProxysPublicPortsAreANoteInEveryImageForm() {
    check("compose.yaml", """
        services:
          a:
            image: nginx:1.27
            ports: ["80:80", "443:443"]          # expect: BW010
          b:
            image: docker.io/library/nginx
            ports: ["8443:8443"]                 # expect: BW010
          c:
            image: traefik:v3
            ports:
              - "80:80"                          # expect: BW010
              - "8080:8080"                      # expect: BW001
          d:
            image: caddy:2-alpine
            ports: ["443:443/udp", "443:443"]    # expect: BW010
          e:
            image: haproxy
            ports: ["0.0.0.0:80:80", "127.0.0.1:8404:8404"]
          f:
            image: envoyproxy/envoy:v1.31-latest
            ports: ["10000:443"]                 # expect: BW010
          g:
            image: jc21/nginx-proxy-manager:2
            ports: ["80:80", "81:81"]            # expect: BW001,BW010
          h:
            image: nginxproxy/nginx-proxy
            ports: ["443:443"]                   # expect: BW010
          not-a-proxy:
            image: ghcr.io/acme/nginx-exporter
            ports: ["80:80"]                     # expect: BW001
        """);
    assertThat(Fixtures.lint("compose.yaml", "services:\n  p:\n    image: traefik\n    ports: [\"80:80\"]\n"))
        .singleElement().satisfies(f -> {
          assertThat(f.severity()).isEqualTo(dev.breakwater.catalog.Severity.INFO);
          assertThat(f.rule().fixOnRequest()).isTrue();
          assertThat(f.message()).contains("reverse proxy's public port").contains("0.0.0.0:80:80");
        });
  }

  @Test
  void aDataStoreOnAPrivateAddressIsReachableFromThatNetwork() {
    List<LintFinding> findings = Fixtures.lint("deploy.sh", """
        LAN=10.0.0.5
        docker run -d -p $LAN:5432:5432 postgres:16
        docker run -d -p 100.101.102.103:6379:6379 redis:7
        docker run -d -p '[fd12:3456::1]:27017:27017' mongo:7
        docker run -d -p 192.168.1.20:3306:3306 mysql:8
        docker run -d -p 203.0.113.7:9200:9200 elasticsearch:8.15.0
        """).stream().filter(f -> f.rule().id().equals("BW002")).toList();
    assertThat(findings).extracting(f -> f.line() + ":" + f.severity()).containsExactly(
        "2:medium", "3:medium", "4:medium", "5:medium", "6:high");
    assertThat(findings.get(0).message()).contains("bound to 10.0.0.5, reachable from the 10.0.0.0/8 network it is bound in");
    assertThat(findings.get(1).message()).contains("100.64.0.0/10 network");
    assertThat(findings.get(2).message()).contains("fd00::/8 network");
    assertThat(findings.get(4).message()).contains("routable address");
  }

  @Test
  void udpReflectorsPublishedOnEveryAddress() {
    check("compose.yaml", """
        services:
          dns:
            image: pihole/pihole
            ports:
              - "0.0.0.0:53:53/udp"          # expect: BW011
              - "53:53/udp"                  # expect: BW011
              - "53:53"                      # expect: BW001
              - "127.0.0.1:5353:53/udp"
              - "10.8.0.1:54:53/udp"
          ntp:
            image: cturra/ntp
            ports: ["[::]:123:123/udp"]      # expect: BW011
          misc:
            image: acme/gear
            ports:
              - "1900:1900/udp"              # expect: BW011
              - "0.0.0.0:161:161/udp"        # expect: BW011
              - "0.0.0.0:3702:3702/udp"      # expect: BW011
              - "0.0.0.0:389:389/udp"        # expect: BW011
              - "0.0.0.0:389:389"
              - "0.0.0.0:19:19/udp"          # expect: BW011
              - "0.0.0.0:17:17/udp"          # expect: BW011
              - "0.0.0.0:5000:5000/udp"
          cache:
            image: memcached:1.6
            ports: ["0.0.0.0:11211:11211/udp"]   # expect: BW002,BW011
        """);
  }

  @Test
  void aScriptsVariablesTakeTheLastAssignmentOnTheStraightPath() {
    check("deploy.sh", """
        BIND=127.0.0.1
        BIND=0.0.0.0
        docker run -d -p $BIND:6379:6379 -e REDIS_PASSWORD_FILE=/s redis:7 --requirepass-file /s   # expect: BW002
        BIND=127.0.0.1
        docker run -d -p $BIND:6380:6379 valkey/valkey:8 --requirepass "$(cat /s)"
        export ADDR="10.1.2.3" PORT=8080
        docker run -d -p "$ADDR:$PORT:80" acme/web
        unset ADDR
        docker run -d -p "$ADDR:8081:80" acme/web
        ADDR=0.0.0.0 docker run -d -p "$ADDR:8082:80" acme/web
        """);
    assertThat(Fixtures.lint("deploy.sh", "BIND=127.0.0.1\nBIND=0.0.0.0\ndocker run -p $BIND:6379:6379 redis:7\n"))
        .filteredOn(f -> f.rule().id().equals("BW002")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(dev.breakwater.catalog.Severity.CRITICAL));
  }

  @Test
  void aBranchOrARequiredVariableMakesTheAddressUnknownNotSilent() {
    check("deploy.sh", """
        #!/bin/sh
        if [ "$1" = prod ]; then
          BIND=0.0.0.0
          docker run -d -p "$BIND:8080:80" acme/web
        else
          BIND=127.0.0.1
        fi
        docker run -d -p "$BIND:8081:80" acme/web          # expect: BW012
        case "$ENV" in
          lab) HOST=127.0.0.1 ;;
        esac
        docker run -d -p ${HOST}:8082:80 acme/web           # expect: BW012
        for i in 1 2; do
          LOOP=10.0.0.$i
        done
        docker run -d -p $LOOP:8083:80 acme/web             # expect: BW012
        docker run -d -p "${PUBLIC_IP:?set PUBLIC_IP}:8084:80" acme/web   # expect: BW012
        docker run -d -p "${UNSET_IP}:8085:80" acme/web
        BIND=127.0.0.1
        docker run -d -p "$BIND:8086:80" acme/web
        """);
    LintFinding f = Fixtures.lint("deploy.sh", "if true; then BIND=0.0.0.0; fi\ndocker run -p $BIND:80:80 acme/web\n").get(0);
    assertThat(f.message()).contains("$BIND is assigned inside the if at line 1").contains("depends on the branch");
    assertThat(Fixtures.lint("deploy.sh", "docker run -p ${IP:?give IP}:80:80 acme/web\n").get(0).message())
        .contains("requires IP, which the script does not set (\"give IP\")");
  }

  @Test
  void oneUnreadableLineIsReportedAndTheRestIsStillLinted() {
    check("deploy.sh", """
        docker run -d -p 127.0.0.1:5432:postgres postgres:16                # expect: BW013
        docker run -d -p 80:80:tcp -p 8080:80 acme/web                       # expect: BW001,BW013
        docker run -d --publish published=80,target=http acme/web           # expect: BW013
        docker run -d -p 3306:3306 -e MYSQL_ROOT_PASSWORD_FILE=/s mysql:8   # expect: BW002
        """);
  }

  @Test
  void makefileVariablesAreReadAsMakeReadsThem() {
    check("Makefile", """
        ADDR ?= 127.0.0.1
        ADDR = 0.0.0.0
        LATE ?= 0.0.0.0
        up:
        \tdocker run -d -p $(ADDR):6379:6379 -e REDIS_PASSWORD=Zq8tr4Lk2mW9vX redis:7 --requirepass $$P   # expect: BW002
        \tdocker run -d -p $(LATE):8080:80 acme/web
        LATE = 127.0.0.1
        """.replace("LATE ?= 0.0.0.0", "LATE := 0.0.0.0"));
  }
}

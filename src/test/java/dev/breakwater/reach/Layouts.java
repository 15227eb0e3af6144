package dev.breakwater.reach;

/**
 * iptables-save text as Docker and UFW write it, trimmed to the chains that matter, with the parts
 * a test varies as parameters.
 */
final class Layouts {
  private Layouts() {}

  /** UFW enabled: default deny incoming, deny routed; allows 22/tcp and denies 3306/tcp. */
  static final String UFW_FILTER_CHAINS = """
      :ufw-before-input - [0:0]
      :ufw-user-input - [0:0]
      :ufw-before-forward - [0:0]
      :ufw-user-forward - [0:0]
      """;

  static final String UFW_FILTER_RULES = """
      -A INPUT -j ufw-before-input
      -A INPUT -j ufw-user-input
      -A ufw-before-input -i lo -j ACCEPT
      -A ufw-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A ufw-before-input -m conntrack --ctstate INVALID -j DROP
      -A ufw-user-input -p tcp -m tcp --dport 22 -j ACCEPT
      -A ufw-user-input -p tcp -m tcp --dport 3306 -j DROP
      -A ufw-before-forward -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      """;

  /**
   * Docker 20.10 with UFW: one container 172.17.0.2 publishing {@code hostPort -> containerPort}.
   *
   * @param bind {@code ""} for 0.0.0.0, or {@code "-d 127.0.0.1/32 "} for a bound address
   * @param dockerUser the DOCKER-USER rules, without the final {@code -j RETURN}
   */
  static String docker20(String bind, int hostPort, int containerPort, String dockerUser) {
    return """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
        -A DOCKER -i docker0 -j RETURN
        -A DOCKER %1$s! -i docker0 -p tcp -m tcp --dport %2$d -j DNAT --to-destination 172.17.0.2:%3$d
        COMMIT
        *filter
        :INPUT DROP [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-ISOLATION-STAGE-1 - [0:0]
        :DOCKER-ISOLATION-STAGE-2 - [0:0]
        :DOCKER-USER - [0:0]
        %4$s-A FORWARD -j DOCKER-USER
        -A FORWARD -j DOCKER-ISOLATION-STAGE-1
        -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o docker0 -j DOCKER
        -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
        -A FORWARD -i docker0 -o docker0 -j ACCEPT
        -A FORWARD -j ufw-before-forward
        -A FORWARD -j ufw-user-forward
        -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport %3$d -j ACCEPT
        -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -j RETURN
        -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -j RETURN
        %5$s-A DOCKER-USER -j RETURN
        %6$sCOMMIT
        """.formatted(bind, hostPort, containerPort, UFW_FILTER_CHAINS, dockerUser, UFW_FILTER_RULES);
  }

  /** Docker 28: DOCKER-FORWARD/DOCKER-CT/DOCKER-BRIDGE and the raw PREROUTING guard per container. */
  static String docker28(int hostPort, int containerPort) {
    return """
        *raw
        :PREROUTING ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        -A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
        -A DOCKER ! -i docker0 -p tcp -m tcp --dport %1$d -j DNAT --to-destination 172.17.0.2:%2$d
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-BRIDGE - [0:0]
        :DOCKER-CT - [0:0]
        :DOCKER-FORWARD - [0:0]
        :DOCKER-ISOLATION-STAGE-1 - [0:0]
        :DOCKER-ISOLATION-STAGE-2 - [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -j DOCKER-FORWARD
        -A DOCKER ! -i docker0 -o docker0 -p tcp -d 172.17.0.2/32 -m tcp --dport %2$d -j ACCEPT
        -A DOCKER ! -i docker0 -o docker0 -j DROP
        -A DOCKER-BRIDGE -o docker0 -j DOCKER
        -A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A DOCKER-FORWARD -j DOCKER-CT
        -A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1
        -A DOCKER-FORWARD -j DOCKER-BRIDGE
        -A DOCKER-FORWARD -i docker0 -j ACCEPT
        -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
        -A DOCKER-USER -j RETURN
        COMMIT
        """.formatted(hostPort, containerPort);
  }

  /** ip6tables with UFW only (Docker's ip6tables off): docker-proxy listens on [::], INPUT decides. */
  static final String UFW_ONLY_V6 = """
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      :ufw6-before-input - [0:0]
      :ufw6-user-input - [0:0]
      -A INPUT -j ufw6-before-input
      -A INPUT -j ufw6-user-input
      -A ufw6-before-input -i lo -j ACCEPT
      -A ufw6-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A ufw6-user-input -p tcp -m tcp --dport 22 -j ACCEPT
      -A ufw6-user-input -s 2001:db8:5::/48 -p tcp -m tcp --dport 3306 -j ACCEPT
      COMMIT
      """;
}

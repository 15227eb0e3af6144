package dev.breakwater.catalog;

import java.util.Locale;
import java.util.Set;

/**
 * Reverse proxies and their public ports: the one kind of container whose 80/443 is meant to face
 * the internet. Recognised by the image's repository path (the tag, digest and a registry host
 * stripped), so {@code nginx:1.27}, {@code docker.io/library/nginx} and {@code
 * jc21/nginx-proxy-manager:2} are all known.
 */
public final class ReverseProxies {
  /** Images by their last path element; each names a proxy whatever the org that ships it. */
  private static final Set<String> NAMES = Set.of(
      "nginx", "nginx-unprivileged", "openresty", "traefik", "caddy", "haproxy", "envoy",
      "nginx-proxy", "nginx-proxy-manager", "swag", "angie");

  private ReverseProxies() {}

  /** True for {@code nginx:1.27}, {@code library/nginx}, {@code envoyproxy/envoy:v1.31}, ... */
  public static boolean isReverseProxy(String image) {
    return NAMES.contains(DataStores.repositoryName(image.toLowerCase(Locale.ROOT)));
  }

  /**
   * A proxy's public container ports: HTTP 80, HTTPS 443 and 8443 over TCP, and 443/udp for
   * HTTP/3 (QUIC, RFC 9114).
   */
  public static boolean isPublicPort(int containerPort, boolean udp) {
    return udp ? containerPort == 443 : containerPort == 80 || containerPort == 443 || containerPort == 8443;
  }
}

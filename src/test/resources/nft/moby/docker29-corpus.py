#!/usr/bin/env python3
"""Builds the docker-29-nft-* corpus directories from moby's nftablesdoc scenarios (the JSON here).

Run from this directory: python3 docker29-corpus.py ../../corpus
Each directory gets nft-ruleset.json (the scenario's JSON, plus the variant's additions), an
empty iptables-save.txt (a fresh nft-backend host prints nothing) or the variant's dump,
docker-inspect.json / ip-addr.json / ip-route.json for the scenario's `docker run`, and
docker-info.json with FirewallBackend.Driver nftables. EXPECTED.md is written by hand.
"""
import copy, json, os, sys

OUT = sys.argv[1]
HOST, GW = "198.51.100.10", "198.51.100.1"


def load(name):
    return json.load(open(name + ".json"))["nftables"]


def iface(index, name, v4=None, v6=None, master=None):
    info = []
    if v4:
        a, p = v4.split("/")
        info.append({"family": "inet", "local": a, "prefixlen": int(p), "scope": "global", "label": name,
                     "valid_life_time": 4294967295, "preferred_life_time": 4294967295})
    if v6:
        a, p = v6.split("/")
        info.append({"family": "inet6", "local": a, "prefixlen": int(p), "scope": "global",
                     "valid_life_time": 4294967295, "preferred_life_time": 4294967295})
    d = {"ifindex": index, "ifname": name, "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"], "mtu": 1500,
         "operstate": "UP", "link_type": "ether", "address": "02:42:c0:00:02:%02x" % index, "addr_info": info}
    if name == "lo":
        d["flags"] = ["LOOPBACK", "UP", "LOWER_UP"]
        d["link_type"] = "loopback"
    if master:
        d["master"] = master
    return d


def container(index, name, network, ip, gateway, ports, ip6=None, gw6=""):
    cid = ("%02d" % index) * 32
    return {
        "Id": cid, "Name": "/" + name, "Created": "2025-11-17T08:00:00Z",
        "State": {"Status": "running", "Running": True, "Pid": 2100 + index},
        "Config": {"Hostname": cid[:12], "Image": "busybox", "Env": [], "Labels": {},
                   "ExposedPorts": {k: {} for k in ports}},
        "HostConfig": {"NetworkMode": network, "PortBindings": {}},
        "NetworkSettings": {
            "Ports": ports,
            "Networks": {network: {"NetworkID": ("%02x" % (index + 100)) * 32, "Gateway": gateway, "IPAddress": ip,
                                   "IPPrefixLen": 24, "IPv6Gateway": gw6, "GlobalIPv6Address": ip6 or "",
                                   "GlobalIPv6PrefixLen": 64 if ip6 else 0, "MacAddress": "02:42:c0:00:02:02"}}},
    }


def write(dirname, ruleset, containers, interfaces, routes, iptables="", info="nftables", extra=None, routes6=None):
    d = os.path.join(OUT, dirname)
    os.makedirs(d, exist_ok=True)
    def put(name, text):
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    put("nft-ruleset.json", json.dumps({"nftables": ruleset}) + "\n")
    put("iptables-save.txt", iptables)
    put("ip6tables-save.txt", "")  # ip6tables-save prints nothing there too
    put("docker-inspect.json", json.dumps(containers, indent=2) + "\n")
    put("ip-addr.json", json.dumps(interfaces) + "\n")
    put("ip-route.json", json.dumps(routes) + "\n")
    if routes6 is not None:
        put("ip6-route.json", json.dumps(routes6) + "\n")
    put("docker-info.json", json.dumps({"ServerVersion": "29.0.0", "FirewallBackend": {"Driver": info, "Info": [["ReloadedAt", "2025-11-17T08:00:00Z"]]}}) + "\n")
    put("hostname", dirname + "\n")
    for name, text in (extra or {}).items():
        put(name, text)


def base_ifaces(bridges):
    out = [iface(1, "lo", "127.0.0.1/8"), iface(2, "eth0", HOST + "/24"), iface(3, "docker0", "172.17.0.1/16")]
    for i, (name, cidr) in enumerate(bridges):
        out.append(iface(4 + 2 * i, name, cidr))
        out.append(iface(5 + 2 * i, "veth%d" % i, master=name))
    return out


def base_routes(bridges):
    r = [{"dst": "default", "gateway": GW, "dev": "eth0", "protocol": "static", "flags": []},
         {"dst": "172.17.0.0/16", "dev": "docker0", "protocol": "kernel", "scope": "link", "prefsrc": "172.17.0.1", "flags": []},
         {"dst": "198.51.100.0/24", "dev": "eth0", "protocol": "kernel", "scope": "link", "prefsrc": HOST, "flags": []}]
    for name, cidr in bridges:
        a, p = cidr.split("/")
        net = a.rsplit(".", 1)[0] + ".0/" + p
        r.append({"dst": net, "dev": name, "protocol": "kernel", "scope": "link", "prefsrc": a, "flags": []})
    return r


BRIDGE1 = [("bridge1", "192.0.2.1/24")]
PUBLISHED = {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}
C1 = container(1, "c1", "bridge1", "192.0.2.2", "192.0.2.1", PUBLISHED)


def scenario(dirname, source, ports=PUBLISHED, **kw):
    write(dirname, load(source), [container(1, "c1", "bridge1", "192.0.2.2", "192.0.2.1", ports)],
          base_ifaces(BRIDGE1), base_routes(BRIDGE1), **kw)


scenario("docker-29-nft-portmap", "usernet-portmap")
# gwm=routed: the routed port mapper ignores the host port (HostPort ""; daemon/network.go writes "" for 0).
scenario("docker-29-nft-routed", "usernet-portmap-routed", ports={"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": ""}]})
scenario("docker-29-nft-natunprot", "usernet-portmap-natunprot")
scenario("docker-29-nft-noicc", "usernet-portmap-noicc")
scenario("docker-29-nft-lo", "usernet-portmap-lo", ports={"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]})

# usernet-internal: moby's page names both containers c1 and puts bridgeNoICC on 198.51.100.0/24,
# the corpus hosts' own link; here the second is c2 and the host's link is 203.0.113.0/24.
HOST, GW = "203.0.113.10", "203.0.113.1"
internal = [("bridgeICC", "192.0.2.1/24"), ("bridgeNoICC", "198.51.100.1/24")]
ifs = base_ifaces(internal)
rts = [r for r in base_routes(internal) if r["dst"] != "198.51.100.0/24" or r["dev"] != "eth0"]
rts.append({"dst": "203.0.113.0/24", "dev": "eth0", "protocol": "kernel", "scope": "link", "prefsrc": HOST, "flags": []})
write("docker-29-nft-internal", load("usernet-internal"),
      [container(1, "c1", "bridgeICC", "192.0.2.2", "192.0.2.1", {}),
       container(2, "c2", "bridgeNoICC", "198.51.100.2", "198.51.100.1", {})], ifs, rts)
HOST, GW = "198.51.100.10", "198.51.100.1"

# IPv6: the TestNftabler goldens for one br-dummy network (gwm=nat, icc, masq), ip and ip6 tables.
golden = "hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false__%s"
v4, v6 = load(golden % "ip"), load(golden % "ip6")
ruleset = v4 + [o for o in v6 if "metainfo" not in o]
ifs = [iface(1, "lo", "127.0.0.1/8"), iface(2, "eth0", HOST + "/24", "2001:db8:10::10/64"),
       iface(3, "docker0", "172.17.0.1/16"), iface(4, "br-dummy", "192.168.0.1/24", "fd49:efd7:54aa::2/64"),
       iface(5, "veth0", master="br-dummy")]
rts = base_routes([("br-dummy", "192.168.0.1/24")])
rts6 = [{"dst": "default", "gateway": "2001:db8:10::1", "dev": "eth0", "protocol": "static", "flags": []},
        {"dst": "2001:db8:10::/64", "dev": "eth0", "protocol": "kernel", "flags": []},
        {"dst": "fd49:efd7:54aa::/64", "dev": "br-dummy", "protocol": "kernel", "flags": []}]
write("docker-29-nft-ipv6", ruleset,
      [container(1, "c1", "br-dummy", "192.168.0.2", "192.168.0.1",
                 {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}, {"HostIp": "::", "HostPort": "8080"}]},
                 ip6="fd49:efd7:54aa::1", gw6="fd49:efd7:54aa::2")],
      ifs, rts, routes6=rts6)

# (a) + UFW (iptables-nft): ufw's filter table, :FORWARD DROP, one route allow from 198.51.100.20.
ufw = open("docker29-ufw.iptables").read()
ufw_status = open("docker29-ufw-status.txt").read()
scenario("docker-29-nft-ufw", "usernet-portmap", iptables=ufw, extra={"ufw-status.txt": ufw_status})

# (b) migrated from the iptables backend: DOCKER-USER and its FORWARD jump left behind, a DROP in it.
scenario("docker-29-nft-migrated", "usernet-portmap", iptables=open("docker29-migrated.iptables").read())

# (c) --bridge-accept-fwmark=0x1/0x1 on the routed network (no raw drop, so the accept matters),
# and a user table at filter - 1 marking one source.
rs = copy.deepcopy(load("usernet-portmap-routed"))
chain = "filter-forward-in__bridge1"
rules = [i for i, o in enumerate(rs) if "rule" in o and o["rule"]["chain"] == chain]
# network.go: initialRuleGroup (ct state, ICMP), then fwdInAcceptFwMarkRuleGroup, then ICC...
icc = next(i for i in rules if rs[i]["rule"].get("comment") == "ICC")
rs.insert(icc, {"rule": {"family": "ip", "table": "docker-bridges", "chain": chain, "handle": 90, "comment": "ALLOW FW MARK",
                         "expr": [{"match": {"op": "==", "left": {"&": [{"meta": {"key": "mark"}}, 1]}, "right": 1}},
                                  {"counter": {"packets": 0, "bytes": 0}}, {"accept": None}]}})
rs += [{"table": {"family": "ip", "name": "trusted-mark", "handle": 2}},
       {"chain": {"family": "ip", "table": "trusted-mark", "name": "mark-forward", "handle": 1, "type": "filter",
                  "hook": "forward", "prio": -1, "policy": "accept"}},
       {"rule": {"family": "ip", "table": "trusted-mark", "chain": "mark-forward", "handle": 2,
                 "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "198.51.100.20"}},
                          {"mangle": {"key": {"meta": {"key": "mark"}}, "value": {"|": [{"meta": {"key": "mark"}}, 1]}}}]}}]
write("docker-29-nft-fwmark", rs, [container(1, "c1", "bridge1", "192.0.2.2", "192.0.2.1",
                                             {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": ""}]})],
      base_ifaces(BRIDGE1), base_routes(BRIDGE1))

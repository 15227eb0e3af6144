#!/bin/sh
# Turns moby's nftables goldens into the JSON `nft -j list ruleset` prints for them.
#
# Each ruleset is loaded with `nft -f` inside a private network namespace made for it (never the
# root namespace's firewall), listed there with `nft -j list ruleset`, and the namespace deleted.
# nft 1.0.6 rejects `priority dstnat` on the output hook ("invalid priority expression value in
# this context"), so that one priority is written as its number, -100, before loading.
#
# Usage (as root): convert.sh MOBY_GIT_DIR OUT_DIR
#   MOBY_GIT_DIR  a moby clone or bare git dir (read with git show HEAD:path)
#   OUT_DIR       where NAME.json files go
# Also: convert.sh --file RULESET.nft OUT.json [IPTABLES.rules]   (a hand-written ruleset,
#       optionally with iptables-nft-restore input loaded after it)
set -eu

load_and_list() { # $1 = ruleset file, $2 = output json, $3 = optional iptables-restore input
  ns="bw-nftconv-$$"
  ip netns add "$ns"
  trap 'ip netns delete "$ns" 2>/dev/null || true' EXIT INT TERM
  sed 's/type nat hook output priority dstnat;/type nat hook output priority -100;/' "$1" > "$1.fixed"
  nsenter --net="/run/netns/$ns" nft -f "$1.fixed"
  if [ -n "${3:-}" ]; then
    # iptables-nft writes its own ip tables (with xt expressions) beside the nft ones.
    nsenter --net="/run/netns/$ns" iptables-nft-restore --noflush < "$3"
  fi
  nsenter --net="/run/netns/$ns" nft -j list ruleset > "$2"
  rm -f "$1.fixed"
  ip netns delete "$ns"
  trap - EXIT INT TERM
}

if [ "${1:-}" = "--file" ]; then
  cp "$2" "/tmp/bw-nftconv-$$.nft"
  load_and_list "/tmp/bw-nftconv-$$.nft" "$3" "${4:-}"
  rm -f "/tmp/bw-nftconv-$$.nft"
  exit 0
fi

repo=$1
out=$2
golden=daemon/libnetwork/drivers/bridge/internal/nftabler/testdata/TestNftabler
doc=integration/network/bridge/nftablesdoc/generated
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The daemon-level scenarios: the ruleset is the indented block (4 spaces) of the page.
for scenario in new-daemon usernet-portmap usernet-portmap-lo usernet-portmap-noproxy \
    usernet-portmap-noicc usernet-internal usernet-portmap-routed usernet-portmap-natunprot; do
  git -C "$repo" show "HEAD:$doc/$scenario.md" \
    | awk '/^    table /{on=1} on{print substr($0,5)} on && /^    }$/{on=0}' > "$tmp/$scenario.nft"
  load_and_list "$tmp/$scenario.nft" "$out/$scenario.json"
done

# A selection of the unit goldens: each gateway mode, icc on and off, internal, both families,
# WSL2's mirrored mode, and a cleaned table.
while read -r name; do
  [ -n "$name" ] || continue
  git -C "$repo" show "HEAD:$golden/$name.golden" > "$tmp/golden.nft"
  load_and_list "$tmp/golden.nft" "$out/$name.json"
done <<'NAMES'
hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false__ip
hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false__ip6
hairpin=false,internal=false,icc=false,masq=true,snat=false,gwm=nat,bindlh=false__ip
hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat-unprotected,bindlh=false__ip
hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=routed,bindlh=false__ip
hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=routed,bindlh=true__ip6
hairpin=false,internal=true,icc=true__ip
hairpin=false,internal=true,icc=false__ip6
hairpin=true,internal=false,icc=false,masq=true,snat=true,gwm=nat,bindlh=true__ip
hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false,wsl2mirrored=true__ip
hairpin=false,internal=false,icc=false,masq=false,snat=true,gwm=nat,bindlh=false__ip6
cleaned,hairpin=false__ip
NAMES

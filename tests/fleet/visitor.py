#!/usr/bin/env python3
"""One visitor of a fleet, for tests/fleet/fleet_test.sh.

visitor.py BALANCER_URL CAMPAIGN_A CAMPAIGN_B COUNT cookies|no-cookies NODE_URL...

Sends COUNT requests GET /api/campaigns/{id} through the balancer, alternating between the two
campaigns, keeping the cookies bannerd sets (as a browser does) or not. Which node answered each
request is read from the nodes' own counters (banner_http_requests_total of the campaign routes):
exactly one must have grown. Prints one line:
  repeats=R crossings=C nodes=1,2,3
R: requests that got the banner of the campaign's previous request; C: requests answered by
another node than the campaign's previous request; nodes: those that answered.
"""
import http.cookiejar
import json
import sys
import urllib.request


def campaign_requests(node_url):
    with urllib.request.urlopen(node_url + "/metrics", timeout=5) as r:
        text = r.read().decode()
    return sum(int(line.split()[1]) for line in text.splitlines()
               if line.startswith('banner_http_requests_total{route="campaign_'))


def main():
    balancer, a, b, count, cookies = sys.argv[1:6]
    nodes = sys.argv[6:]
    handlers = [urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())] if cookies == "cookies" else []
    opener = urllib.request.build_opener(*handlers)
    counts = [campaign_requests(n) for n in nodes]
    last_banner, last_node = {}, {}
    repeats = crossings = 0
    used = set()
    for k in range(int(count)):
        campaign = a if k % 2 == 0 else b
        with opener.open(f"{balancer}/api/campaigns/{campaign}", timeout=5) as r:
            banner = json.load(r)["banner_id"]
        now = [campaign_requests(n) for n in nodes]
        grew = [i for i in range(len(nodes)) if now[i] != counts[i]]
        if len(grew) != 1 or now[grew[0]] - counts[grew[0]] != 1:
            sys.exit(f"visitor: request {k}: the nodes' counters went from {counts} to {now}, not one up by one")
        node = grew[0] + 1
        counts = now
        used.add(node)
        if campaign in last_banner:
            repeats += banner == last_banner[campaign]
            crossings += node != last_node[campaign]
        last_banner[campaign], last_node[campaign] = banner, node
    print(f"repeats={repeats} crossings={crossings} nodes={','.join(map(str, sorted(used)))}")


if __name__ == "__main__":
    main()

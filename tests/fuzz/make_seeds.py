#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/<fuzzer>/ (run from anywhere).

The inputs follow each fuzzer's input layout (see the comment at the top of
each fuzz_*.cpp). FuzzedDataProvider strings end at a backslash followed by
another byte; its integers and booleans are taken from the end of the input.
Index seeds carry a zero checksum: fuzz_index patches size and checksum
before its second try, so they reach the structural checks.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(fuzzer, name, data):
    d = os.path.join(HERE, "corpus", fuzzer)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def fdp_string(s):
    return s.replace(b"\\", b"\\\\") + b"\\\n"


# --- fuzz_csv: byte 0 = kind (low 2 bits: 0 impressions, 1 clicks, 2 conversions) | chunk size (high 6 bits)
write("fuzz_csv", "clicks", b"\x05click_id,banner_id,campaign_id\n1,2,3\n4,5,6\n1,2,3\n")
write("fuzz_csv", "conversions_bom_crlf_quotes",
      b"\x0a\xef\xbb\xbfconversion_id,click_id,revenue\r\n1,2,\"3.50\"\r\n2,3,0.000001\r\n3,4, 12 ")
write("fuzz_csv", "impressions_reordered_blank", b"\x10campaign_id,extra,banner_id\n7,x,1\n\n7,y,2\r\n\r\n7,x,1\n")
write("fuzz_csv", "clicks_bad_rows",
      b"\x01click_id,banner_id,campaign_id\n-1,2,3\n1,,3\n1,2\n1,2,3,4\n\"1,2,3\n99999999999999999999,1,1\n"
      b"9223372036854775807,9223372036854775808,0\n")
write("fuzz_csv", "conversions_bad_revenue",
      b"\x02conversion_id,click_id,revenue\n1,1,-5\n1,1,nan\n1,1,1e3\n1,1,1000000000001\n1,1,1.1234567\n"
      b"1,1,1000000000000.000000\n1,1,.5\n1,1,5.\n")
write("fuzz_csv", "bad_header", b"\x01click_id,click_id,campaign_id\n1,2,3\n")

# --- fuzz_compile: file A, file B, then (from the end) name_a, name_b, two_files, reject_bad_rows, chunk
# names: 0 clicks_1, 1 conversions_1, 2 impressions_1, 3 clicks_2, 4 conversions_2, 5 impressions_2, ...
def compile_seed(a, b, name_a, name_b, two, reject, chunk):
    return fdp_string(a) + fdp_string(b) + bytes([chunk & 0xff, 0, reject, two, name_b, name_a])

clicks = b"click_id,banner_id,campaign_id\n1,10,7\n2,11,7\n3,10,7\n4,12,7\n5,13,8\n1,10,7\n6,14,7\n7,15,7\n8,16,7\n"
conv = b"conversion_id,click_id,revenue\n1,1,2.5\n2,2,1.000001\n3,3,0\n4,99,5\n1,1,2.5\n5,4,7\n6,6,1\n7,7,1\n8,8,1\n"
impr = b"banner_id,campaign_id\n10,7\n20,7\n21,7\n22,7\n23,7\n24,9\n"
write("fuzz_compile", "clicks_and_conversions", compile_seed(clicks, conv, 0, 1, 1, 0, 16))
write("fuzz_compile", "clicks_and_impressions", compile_seed(clicks, impr, 0, 2, 1, 1, 7))
write("fuzz_compile", "duplicate_files", compile_seed(clicks, clicks, 0, 0, 1, 0, 3))
write("fuzz_compile", "bad_rows_rejected", compile_seed(clicks + b"x,1,2\n", conv, 3, 4, 1, 1, 40))
write("fuzz_compile", "bad_name", compile_seed(clicks, b"", 12, 0, 0, 0, 1))
write("fuzz_compile", "impressions_only", compile_seed(impr, b"", 2, 0, 0, 0, 100))

# --- fuzz_index: the format of core/index_format.md (checksum left 0)
MAGIC = 0x31584449524E4E42

def index(lists, inputs, seed=1):
    quarters = [[l for l in lists if l[0] == q] for q in range(1, 5)]
    qt = b""
    first = 0
    for ql in quarters:
        qt += struct.pack("<II", first, len(ql))
        first += len(ql)
    camps = b""
    bans = b""
    nb = 0
    for (q, cid, x, rule, banners) in lists:
        camps += struct.pack("<QIIHBBI", cid, x, nb, len(banners), rule, 0, 0)
        for (bid, clicks, rev) in banners:
            bans += struct.pack("<QQQQ", bid, clicks, rev & (2**64 - 1), rev >> 64)
        nb += len(banners)
    ins = b""
    for (path, h, kind, q, dup, counts) in inputs:
        ins += struct.pack("<IQBBBB", len(path), h, kind, q, dup, 0) + struct.pack("<QQQQ", *counts) + path
    body_len = 64 + len(qt) + len(camps) + len(bans) + len(ins)
    header = struct.pack("<QIIQQQQIIII", MAGIC, 1, 64, body_len, 0, seed, 0, len(lists), nb, len(inputs), 0)
    return header + qt + camps + bans + ins

write("fuzz_index", "empty", index([], []))
write("fuzz_index", "two_quarters", index(
    [(1, 7, 12, 1, [(310 + i, 9 - i, 4213377 - i) for i in range(10)]),
     (1, 9, 0, 4, [(1, 5, 0), (2, 4, 0)]),
     (3, 7, 2, 3, [(5, 1, 10**18), (6, 0, 0)]),
     (4, 2**63 - 1, 5, 2, [(2**63 - 1, 2**64 - 1, 2**127), (0, 0, 0), (3, 3, 3), (4, 4, 4), (5, 5, 5)])],
    [(b"1/clicks_1.csv", 0x1234, 2, 1, 0, (10, 8, 1, 1)),
     (b"3/conversions_3_late.csv", 0xfeed, 3, 3, 1, (0, 0, 0, 0))]))
write("fuzz_index", "inputs_only", index([], [(b"", 0, 1, 4, 0, (0, 0, 0, 0))]))
write("fuzz_index", "one_list", index([(2, 0, 0, 4, [(42, 1, 0)])], []))

# --- fuzz_handler: method, target, cookies, then (from the end) cookie_count, version, keep_alive,
# host_count, quarter, images, closing, events, prefetch
def handler_seed(method, target, cookies, http11=1, keep=1, quarter=0, images=1, closing=0, hosts=1,
                 events=0, prefetch=0):
    s = fdp_string(method) + fdp_string(target)
    for c in cookies:
        s += fdp_string(c)
    return s + bytes([prefetch, events, closing, images, quarter, hosts, keep, http11, len(cookies)])

write("fuzz_handler", "campaign_page_cookie", handler_seed(b"GET", b"/campaigns/7", [b"banners=7:18.1:6; other=1"]))
write("fuzz_handler", "api_quoted_cookie", handler_seed(b"GET", b"/api/campaigns/1?x=1", [b"a=b", b"banners=\"1:5\""]))
write("fuzz_handler", "form", handler_seed(b"GET", b"/campaigns?foo=1&id=42#frag", [], 0, 1, 2))
write("fuzz_handler", "image", handler_seed(b"HEAD", b"/images/5", [], 1, 0, 3))
write("fuzz_handler", "absolute_form", handler_seed(b"GET", b"http://example.com/api/campaigns/9223372036854775807", []))
write("fuzz_handler", "post_root", handler_seed(b"POST", b"/", [b"banners=0:5"], 1, 1, 0, 0, 1))
write("fuzz_handler", "metrics", handler_seed(b"GET", b"/metrics", []))
write("fuzz_handler", "traversal", handler_seed(b"GET", b"/images/../../etc/passwd", [b";;=;banners=="]))
# The recent-banners cookie: full (the largest ids), tampered, with old per-campaign cookies.
full = b".".join(b"7__________:%s" % bytes([48 + i % 10]) for i in range(60))
write("fuzz_handler", "cookie_full", handler_seed(b"GET", b"/campaigns/9223372036854775807", [b"banners=" + full]))
write("fuzz_handler", "cookie_tampered",
      handler_seed(b"GET", b"/api/campaigns/42", [b"banners=g:1:2..:.10:*.80000000000:1.G:zzzzzzzzzzzz", b"banners=G:1"]))
write("fuzz_handler", "cookie_legacy", handler_seed(b"GET", b"/campaigns/1", [b"b1=5; b7=70; b=1; b9223372036854775807=0"]))
# Percent-encoded paths: decoded unreserved characters, an encoded slash, bad escapes.
write("fuzz_handler", "percent_decoded", handler_seed(b"GET", b"/%63ampaigns/%34%32", []))
write("fuzz_handler", "percent_api", handler_seed(b"GET", b"/%61pi/campaigns/%37?x=%zz", [b"banners=7:1A"]))
write("fuzz_handler", "percent_slash", handler_seed(b"GET", b"/campaigns%2F7", []))
write("fuzz_handler", "percent_bad", handler_seed(b"GET", b"/api/campaigns/%4", []))
# Host: none in HTTP/1.1, two; none in HTTP/1.0. An Expect request answered before its body: not kept alive.
write("fuzz_handler", "host_missing", handler_seed(b"GET", b"/api/campaigns/1", [], hosts=0))
write("fuzz_handler", "host_twice", handler_seed(b"GET", b"/campaigns/1", [], 0, hosts=2))
write("fuzz_handler", "host_http10", handler_seed(b"GET", b"/campaigns/1", [], 0, 0, hosts=0))
write("fuzz_handler", "expect_post", handler_seed(b"POST", b"/api/campaigns/1", [], 1, 0))
# The explain routes: a quarter picked, the cookie's banner, a campaign in no quarter, a bad quarter.
write("fuzz_handler", "why_page", handler_seed(b"GET", b"/campaigns/7/why?quarter=2", [b"banners=7:18"]))
write("fuzz_handler", "why_page_no_list", handler_seed(b"HEAD", b"/campaigns/104/why", [], quarter=2))
write("fuzz_handler", "why_page_bad_quarter", handler_seed(b"GET", b"/campaigns/1/why?quarter=0&quarter=9", []))
write("fuzz_handler", "why_api", handler_seed(b"GET", b"/api/campaigns/9223372036854775807/why", [b"banners=1:6"]))
write("fuzz_handler", "why_api_unknown", handler_seed(b"GET", b"/%61pi/campaigns/99/%77hy", []))
write("fuzz_handler", "events_click", handler_seed(b"GET", b"/click/7/70", [], events=1))
write("fuzz_handler", "events_click_off_list", handler_seed(b"GET", b"/click/7/5", [], events=1))
write("fuzz_handler", "events_beacon", handler_seed(b"GET", b"/i/42/3.gif", [], events=1))
write("fuzz_handler", "events_page", handler_seed(b"GET", b"/campaigns/7", [b"banners=7:1Y"], events=1))
write("fuzz_handler", "events_api", handler_seed(b"GET", b"/api/campaigns/9223372036854775807", [], events=1))
write("fuzz_handler", "events_head", handler_seed(b"HEAD", b"/click/1/5", [], events=1))
write("fuzz_handler", "events_prefetch", handler_seed(b"GET", b"/i/1/6.gif", [], events=1, prefetch=1))
write("fuzz_handler", "events_off", handler_seed(b"GET", b"/click/7/70", []))

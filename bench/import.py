"""Times an identity provider's import: every user read by pages of 100, by cursor and by startIndex, over one
keep-alive connection as Okta's importer reads. Writes {"walks": [...]} as JSON. A walk stops after --limit seconds
(reported as incomplete), so a slow paging mode cannot stall the benchmark."""
import argparse, http.client, json, time, urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("--base", required=True)
parser.add_argument("--token", required=True)
parser.add_argument("--count", type=int, default=100)
parser.add_argument("--limit", type=float, default=120)
parser.add_argument("--out", required=True)
args = parser.parse_args()
url = urllib.parse.urlparse(args.base)
connection = http.client.HTTPConnection(url.hostname, url.port)
headers = {"Authorization": f"Bearer {args.token}", "Accept": "application/scim+json"}


def page(query):
    connection.request("GET", f"/scim/v2/Users?{query}&count={args.count}", headers=headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"import page {query}: HTTP {response.status} {body[:200]!r}")
    return json.loads(body)


walks = []
for mode in ("cursor", "startIndex"):
    started, pages, users, complete = time.monotonic(), 0, 0, False
    cursor, index = "", 1
    while time.monotonic() - started < args.limit:
        body = page(f"cursor={urllib.parse.quote(cursor)}" if mode == "cursor" else f"startIndex={index}")
        pages += 1
        users += len(body.get("Resources", []))
        if mode == "cursor":
            cursor = body.get("nextCursor")
            if not cursor:
                complete = True
                break
        else:
            index += args.count
            if index > body["totalResults"]:
                complete = True
                break
    walks.append({"mode": mode, "count": args.count, "pages": pages, "users": users, "complete": complete,
                  "seconds": time.monotonic() - started})
json.dump({"walks": walks}, open(args.out, "w"), indent=1)

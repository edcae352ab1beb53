-- wrk load for one ScimLite operation, chosen by BENCH_OP; driven by scripts/bench.sh. Configuration comes from the
-- environment (wrk passes script arguments to the worker threads only, and done() runs in the main state):
--   BENCH_OP      lookup | get_user | post_user | patch_user | put_user | group_filter | members | members100 | get_group | path
--   BENCH_TOKEN   bearer token          BENCH_USERS  seeded user count    BENCH_IDS  file of seeded user ids
--   BENCH_GROUP   group id (members, get_group)     BENCH_SPARE_FIRST / BENCH_SPARE_LAST  users in no group
--   BENCH_PATH    fixed request path (op "path")    BENCH_TAG   makes POSTed userNames unique across runs
--   BENCH_LAG     members: a user is removed this many of the thread's add/remove pairs after it was added
--   BENCH_GROUP_IDS  members100: file of group ids, one a line; each request adds 100 spare users to one of them
-- done() prints one line "BENCH_RESULT {json}" with the counts and latency percentiles.

local op = os.getenv("BENCH_OP")
local users = tonumber(os.getenv("BENCH_USERS") or "0")
local base = "/scim/v2"
local threads = {}

-- Seeded user n: ids come from the exported file (fixed-width lines), names follow the seed's rule.
local ids
local function load_ids()
  local f = assert(io.open(os.getenv("BENCH_IDS"), "rb"))
  ids = f:read("*a")
  f:close()
end
local function user_id(n) return ids:sub((n - 1) * 37 + 1, (n - 1) * 37 + 36) end
local function user_name(n) return "user" .. n .. "@example.com" end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"),
  ["Accept"] = "application/scim+json",
  ["Content-Type"] = "application/scim+json",
}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local tid, counter, pairs_done = 0, 0, 0

function init(args)
  tid = tonumber(wrk.thread:get("tid")) or 0
  math.randomseed(os.time() * 1000 + tid * 7919 + math.floor(os.clock() * 1e6))
  if op ~= "path" and op ~= "group_filter" and op ~= "get_group" and op ~= "post_user" then load_ids() end
end

local function random_user() return math.random(1, users) end

local patch_deactivate = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],' ..
  '"Operations":[{"op":"replace","value":{"active":false}}]}'

-- Okta's POST /Users body (see shared/seed/okta-flask-scim-blog.md), password included.
local function okta_user(name, n, extra)
  return string.format('{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],%s"userName":"%s",' ..
    '"name":{"givenName":"Bench","familyName":"User %d"},"emails":[{"primary":true,"value":"%s","type":"work"}],' ..
    '"displayName":"Bench User %d","locale":"en-US","externalId":"00ubench%010d","groups":[],%s"active":true}',
    extra.id and ('"id":"' .. extra.id .. '",') or "", name, n, name, n, n, extra.password and '"password":"gl^m&qWZ",' or "")
end

local builders = {}

function builders.lookup()
  local filter = urlencode('userName eq "' .. user_name(random_user()) .. '"')
  return wrk.format("GET", base .. "/Users?filter=" .. filter .. "&startIndex=1&count=100", headers)
end

function builders.get_user()
  return wrk.format("GET", base .. "/Users/" .. user_id(random_user()), headers)
end

function builders.post_user()
  counter = counter + 1
  local name = string.format("post-%s-%d-%d@example.com", os.getenv("BENCH_TAG") or "x", tid, counter)
  return wrk.format("POST", base .. "/Users", headers, okta_user(name, counter, { password = true }))
end

function builders.patch_user()
  return wrk.format("PATCH", base .. "/Users/" .. user_id(random_user()), headers, patch_deactivate)
end

-- Okta AIW: the whole user PUT back (here with a changed name; no password, which Okta sends only with password sync).
function builders.put_user()
  local n = random_user()
  return wrk.format("PUT", base .. "/Users/" .. user_id(n), headers, okta_user(user_name(n), n, { id = user_id(n) }))
end

function builders.group_filter()
  local filter = urlencode('displayName eq "group-' .. math.random(1, 1000) .. '"')
  return wrk.format("GET", base .. "/Groups?filter=" .. filter .. "&excludedAttributes=members", headers)
end

-- One member in, one member out, alternating: pair k adds spare user a(k) and removes a(k - lag). A thread keeps at
-- most its connection count in flight, so with lag >= that the removed user's add has been answered. Each thread
-- walks its own slice of the spare users, wrapping around.
local spare_first = tonumber(os.getenv("BENCH_SPARE_FIRST") or "1")
local spare_last = tonumber(os.getenv("BENCH_SPARE_LAST") or "1")
local lag = tonumber(os.getenv("BENCH_LAG") or "8")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local function spare(k)
  local slice = math.floor((spare_last - spare_first + 1) / nthreads)
  return spare_first + tid * slice + (k % slice)
end

function builders.members()
  local path = base .. "/Groups/" .. os.getenv("BENCH_GROUP")
  counter = counter + 1
  if counter % 2 == 1 then
    local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members",' ..
      '"value":[{"value":"' .. user_id(spare(pairs_done)) .. '"}]}]}'
    return wrk.format("PATCH", path, headers, body)
  end
  local k = pairs_done - lag
  pairs_done = pairs_done + 1
  -- Before the first lag pairs there is nothing to take back yet: remove a user that is not a member (a no-op
  -- DELETE, as cheap as a real one).
  local victim = k >= 0 and spare(k) or spare(pairs_done + lag * 2)
  local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove",' ..
    '"path":"members[value eq \\"' .. user_id(victim) .. '\\"]"}]}'
  return wrk.format("PATCH", path, headers, body)
end

-- A group push's membership: 100 spare users added to a group in one PATCH. Each request picks one of the groups
-- and one of the runs of 100 spare users at random, so nearly every add is new (ON CONFLICT DO NOTHING skips the rest).
local group_ids
function builders.members100()
  if not group_ids then
    group_ids = {}
    for line in io.lines(os.getenv("BENCH_GROUP_IDS")) do table.insert(group_ids, line) end
  end
  local runs = math.floor((spare_last - spare_first + 1) / 100)
  local first = spare_first + (math.random(1, runs) - 1) * 100
  local values = {}
  for n = first, first + 99 do values[#values + 1] = '{"value":"' .. user_id(n) .. '"}' end
  local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members",' ..
    '"value":[' .. table.concat(values, ",") .. ']}]}'
  return wrk.format("PATCH", base .. "/Groups/" .. group_ids[math.random(1, #group_ids)], headers, body)
end

function builders.get_group()
  return wrk.format("GET", base .. "/Groups/" .. os.getenv("BENCH_GROUP") .. "?excludedAttributes=members", headers)
end

function builders.path()
  return wrk.format("GET", os.getenv("BENCH_PATH"), headers)
end

request = assert(builders[op], "unknown BENCH_OP " .. tostring(op))

function done(summary, latency, requests)
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  print(string.format('BENCH_RESULT {"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}',
    summary.requests, summary.duration, e.status, socket,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end

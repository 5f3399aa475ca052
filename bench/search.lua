-- search.lua: wrk script for `make bench`: litigant-name searches rotating
-- through a list of realistic surname prefixes (one query string per line
-- of the file given after "--", e.g. "last=SMI" or "last=MILLER&first=MARY").
--
--   wrk -t2 -c16 -d10s --latency -s bench/search.lua URL/casenet/search/name -- names.txt

local queries = {}
local n = 0
local base = "/casenet/search/name"

function init(args)
  local path = args[1]
  if args[2] then base = args[2] end
  for line in io.lines(path) do
    if line ~= "" then
      n = n + 1
      queries[n] = line
    end
  end
  if n == 0 then error("search.lua: no queries in " .. path) end
  -- Threads start at different places in the list.
  i = (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % n
end

function request()
  i = i % n + 1
  return wrk.format("GET", base .. "?" .. queries[i])
end

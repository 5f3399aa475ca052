-- search.lua: wrk script for `make bench`: requests rotating through a list
-- of URLs, one a line of the file given after "--": a query string for the
-- base path (e.g. "last=SMI" or "last=MILLER&first=MARY" for the litigant-
-- name search), or a whole path starting with "/" (every page of
-- bench/pages.py). A second argument replaces the base path.
--
--   wrk -t2 -c16 -d10s --latency -s bench/search.lua URL/casenet/search/name -- names.txt
--   wrk -t2 -c16 -d10s --latency -s bench/search.lua URL/ -- paths.txt

local paths = {}
local n = 0
local base = "/casenet/search/name"

function init(args)
  local file = args[1]
  if args[2] then base = args[2] end
  for line in io.lines(file) do
    if line ~= "" then
      n = n + 1
      if line:sub(1, 1) == "/" then
        paths[n] = line
      else
        paths[n] = base .. "?" .. line
      end
    end
  end
  if n == 0 then error("search.lua: no URLs in " .. file) end
  -- Threads start at different places in the list.
  i = (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % n
end

function request()
  i = i % n + 1
  return wrk.format("GET", paths[i])
end

--[[
  Removes the given jobs of one queue whose asset is quarantined, each only while it still waits:
  a job in wait, paused or prioritized is deleted; one that became active is reported, not touched
  (the bridge fails it through clear-active-job); one that finished or is gone is skipped.
  Job data is decoded here only to compare its asset id; nothing of it is returned but that id.

  ARGV[1] queue key prefix ("immich_bull:<queue>:")
  ARGV[2] n, then n quarantined asset ids
  then the job ids to look at (from the stream's `added` events)

  Returns { { jobId, assetId, code }... } for the jobs of a quarantined asset only:
    1 removed from wait/paused/prioritized   2 active   0 no longer waiting (finished, delayed, gone)
]]
local rcall = redis.call
local k = ARGV[1]
local nAssets = tonumber(ARGV[2])
local quarantined = {}
for i = 1, nAssets do quarantined[ARGV[2 + i]] = true end

local maxEvents = rcall('HGET', k .. 'meta', 'opts.maxLenEvents') or 10000
local out = {}

for i = 3 + nAssets, #ARGV do
  local jobId = ARGV[i]
  local jk = k .. jobId
  local f = rcall('HMGET', jk, 'data', 'priority', 'deid', 'finishedOn')
  local asset = false
  if f[1] then
    local ok, d = pcall(cjson.decode, f[1])
    if ok and type(d) == 'table' then
      if type(d.id) == 'string' and quarantined[d.id] then asset = d.id
      elseif type(d.assetId) == 'string' and quarantined[d.assetId] then asset = d.assetId end
    end
  end
  if asset then
    local code = 0
    if f[4] then
      code = 0
    elseif rcall('LPOS', k .. 'active', jobId) then
      code = 2
    else
      -- New jobs sit at the head of wait (LPUSH), so LREM with count 1 finds them after a few entries.
      local removed = 0
      if (tonumber(f[2] or '0') or 0) > 0 then removed = rcall('ZREM', k .. 'prioritized', jobId) end
      if removed == 0 then removed = rcall('LREM', k .. 'wait', 1, jobId) end
      if removed == 0 then removed = rcall('LREM', k .. 'paused', 1, jobId) end
      if removed > 0 then
        if f[3] then
          local dk = k .. 'de:' .. f[3]
          if rcall('GET', dk) == jobId then rcall('DEL', dk) end
        end
        rcall('DEL', jk, jk .. ':logs')
        rcall('XADD', k .. 'events', 'MAXLEN', '~', maxEvents, '*', 'event', 'removed', 'jobId', jobId, 'prev', 'waiting')
        code = 1
      end
    end
    out[#out + 1] = { jobId, asset, code }
  end
end
return out

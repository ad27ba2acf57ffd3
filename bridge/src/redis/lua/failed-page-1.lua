--[[
  One page of a queue's failed jobs, newest first, without letting job data leave Redis
  (only the ids the bridge shows are decoded; none for job names that can carry secrets).

  KEYS[1] failed zset
  ARGV[1] queue key prefix   ARGV[2] offset   ARGV[3] limit   ARGV[4] n, then n sensitive job names
  Returns { total, { id, name, failedReason, finishedOn, timestamp, ats, stc, dataId, assetId }... }
]]
local rcall = redis.call
local prefix, offset, limit, nSensitive = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local sensitive = {}
for i = 1, nSensitive do sensitive[ARGV[4 + i]] = true end

local out = { rcall('ZCARD', KEYS[1]) }
for _, id in ipairs(rcall('ZREVRANGE', KEYS[1], offset, offset + limit - 1)) do
  local f = rcall('HMGET', prefix .. id, 'name', 'failedReason', 'finishedOn', 'timestamp', 'ats', 'stc', 'data')
  local dataId, assetId = false, false
  if f[1] and not sensitive[f[1]] and f[7] then
    local ok, d = pcall(cjson.decode, f[7])
    if ok and type(d) == 'table' then
      if type(d.id) == 'string' then dataId = d.id end
      if type(d.assetId) == 'string' then assetId = d.assetId end
    end
  end
  out[#out + 1] = { id, f[1], f[2], f[3], f[4], f[5], f[6], dataId, assetId }
end
return out

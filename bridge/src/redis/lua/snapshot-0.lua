--[[
  Reads every queue the bridge watches in one call, so a snapshot tick costs one round trip:
  counts, paused flag, BullMQ version, each active job (hash fields, lock TTL, stalled membership)
  and the events written since the last tick.
  Job data never leaves Redis: only the ids the bridge shows are decoded here, and not at all for
  job names that can carry secrets (mail bodies, temporary passwords).

  ARGV[1] key prefix ("immich_bull:")
  ARGV[2] most active jobs read per queue
  ARGV[3] most events read per queue
  ARGV[4] n, then n sensitive job names
  then per queue: its name, the last event id read ("" = start at the stream's end; "0-0" = from the start),
  n, then n pairs of an active job id and the processedOn the bridge already holds for it;
  a queue without a meta hash is skipped
  Returns { redisNowMs, { queue state }... }; a job still on the activation the bridge holds (no new
  'active' event, or the same processedOn) comes back as { id, lock TTL, stalled } only: its name, times
  and data stay the same within one activation (Immich never updates a job's data while it runs).
]]
local rcall = redis.call
local prefix = ARGV[1]
local maxActive = tonumber(ARGV[2])
local maxEvents = tonumber(ARGV[3])
local nSensitive = tonumber(ARGV[4])
local sensitive = {}
for i = 1, nSensitive do sensitive[ARGV[4 + i]] = true end

local t = rcall('TIME')
local out = { tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) }

-- 'added' carries the job name, which Immich's removeOnComplete takes from the hash before the bridge can read it.
local wanted = { added = true, active = true, completed = true, failed = true, stalled = true }
local maxReason = 300

local function ids(name, data)
  if not name or sensitive[name] or not data then return false, false, false end
  local ok, d = pcall(cjson.decode, data)
  if not ok or type(d) ~= 'table' then return false, false, false end
  local function str(v) if type(v) == 'string' then return v end return false end
  return str(d.id), str(d.assetId), str(d.libraryId)
end

-- Only queues whose meta hash exists: the bridge passes the catalogue's names on every tick, so a queue
-- created after start-up shows within one tick, and one whose keys are gone (Redis restarted empty) drops out.
-- The meta fields read here serve the queue's row too; EXISTS only for a meta hash without any of them.
local watched = {}
local i = 5 + nSensitive
while i <= #ARGV do
  local k = prefix .. ARGV[i] .. ':'
  local meta = rcall('HMGET', k .. 'meta', 'paused', 'version', 'opts.maxLenEvents')
  if meta[1] or meta[2] or meta[3] or rcall('EXISTS', k .. 'meta') == 1 then
    watched[#watched + 1] = { i, meta, k }
  end
  i = i + 3 + 2 * tonumber(ARGV[i + 2])
end

-- Each call costs Redis a few µs beyond its own work, so what can be asked of every queue at once is: one
-- EXISTS per kind of list tells whether any queue has one (Redis deletes empty lists and sorted sets, so
-- none existing means every count is 0), and one XREAD reads every stream. XREAD, not XRANGE: a stream with
-- nothing after the id answers at once from its last id, where XRANGE seeks into the last node.
local function anyExists(suffix)
  local keys = {}
  for n, w in ipairs(watched) do keys[n] = w[3] .. suffix end
  return #keys > 0 and rcall('EXISTS', unpack(keys)) > 0
end
local anyWaiting, anyDelayed, anyPrioritized = anyExists('wait'), anyExists('delayed'), anyExists('prioritized')
local newEntries = {}
do
  local streams, ids = {}, {}
  for _, w in ipairs(watched) do
    if ARGV[w[1] + 1] ~= '' then
      streams[#streams + 1] = w[3] .. 'events'
      ids[#ids + 1] = ARGV[w[1] + 1]
    end
  end
  if #streams > 0 then
    for n = 1, #ids do streams[#streams + 1] = ids[n] end
    local reply = rcall('XREAD', 'COUNT', maxEvents, 'STREAMS', unpack(streams))
    if reply then for _, stream in ipairs(reply) do newEntries[stream[1]] = stream[2] end end
  end
end
local function count(command, key, any) if any then return rcall(command, key) end return 0 end

for _, w in ipairs(watched) do
  local i, meta, k = w[1], w[2], w[3]
  local q = ARGV[i]
  local lastId = ARGV[i + 1]
  local known = {}
  for n = 1, tonumber(ARGV[i + 2]) do known[ARGV[i + 1 + 2 * n]] = ARGV[i + 2 + 2 * n] end

  local events, added, lastGenerated, read, lastRead = {}, false, false, 0, false
  local ek = k .. 'events'
  local entries = newEntries[ek] or {}
  local activated = {}
  -- XINFO (the counter that tells trimmed events) only on first sight or when something new came: an idle
  -- queue costs one XREAD. Stream ids follow the clock, so a stream that started over is read as new entries.
  if (lastId == '' or #entries > 0) and rcall('EXISTS', ek) == 1 then
    local info = rcall('XINFO', 'STREAM', ek)
    for n = 1, #info, 2 do
      if info[n] == 'entries-added' then added = info[n + 1] end
      if info[n] == 'last-generated-id' then lastGenerated = info[n + 1] end
    end
  end
  read = #entries
  for _, e in ipairs(entries) do
    lastRead = e[1]
    local fields, ev, jid, name, reason = e[2], false, false, false, false
    for m = 1, #fields, 2 do
      local f = fields[m]
      if f == 'event' then ev = fields[m + 1]
      elseif f == 'jobId' then jid = fields[m + 1]
      elseif f == 'name' then name = fields[m + 1]
      elseif f == 'failedReason' then reason = fields[m + 1] end
    end
    if ev == 'active' and jid then activated[jid] = true end
    if ev and wanted[ev] then
      local row = { e[1], ev, jid, name }
      if ev == 'failed' and jid then
        -- Failed jobs keep their hash (removeOnFail: false): read what history needs in the same tick.
        local h = rcall('HMGET', k .. jid, 'name', 'failedReason', 'ats', 'stc', 'data')
        local r = h[2] or reason
        if r then r = string.sub(string.match(r, '[^\r\n]*') or r, 1, maxReason) end
        -- A mail job's error can quote its recipient or server: keep only that it failed.
        if sensitive[h[1] or name or ''] then r = false end
        local dataId, assetId = ids(h[1], h[5])
        row = { e[1], ev, jid, h[1] or name, r or false, h[3] or false, h[4] or false, dataId, assetId }
      end
      events[#events + 1] = row
    end
  end

  -- Every call costs Redis CPU on every tick: the length comes from the range unless it filled up, and
  -- stalled membership is asked only when the stalled set holds anything (it is empty between checks).
  -- A job starts again only through moveToActive, which writes an 'active' event: when every event since the
  -- last tick was read (fewer than the read's cap and the stream's trim length, so none was trimmed unread),
  -- a job the bridge holds with no new 'active' event is on the same activation, and costs no hash read.
  local maxLen = tonumber(meta[3]) or 10000
  local allRead = lastId ~= '' and #entries < math.min(maxEvents, maxLen)
  local jobs = {}
  local activeIds = rcall('LRANGE', k .. 'active', 0, maxActive - 1)
  local nActive = #activeIds
  if nActive == maxActive then nActive = rcall('LLEN', k .. 'active') end
  local anyStalled = #activeIds > 0 and rcall('SCARD', k .. 'stalled') > 0
  for j, id in ipairs(activeIds) do
    local jk = k .. id
    local lock = rcall('PTTL', jk .. ':lock')
    local stalled = anyStalled and rcall('SISMEMBER', k .. 'stalled', id) or 0
    -- A job the bridge already holds comes back short: at most one small HGET, and no JSON decode.
    if known[id] and ((allRead and not activated[id]) or rcall('HGET', jk, 'processedOn') == known[id]) then
      jobs[j] = { id, lock, stalled }
    else
      local f = rcall('HMGET', jk, 'name', 'timestamp', 'processedOn', 'ats', 'stc', 'data')
      local dataId, assetId, libraryId = ids(f[1], f[6])
      jobs[j] = { id, f[1], f[2], f[3], f[4], f[5], lock, stalled, dataId, assetId, libraryId }
    end
  end

  -- Jobs sit in 'paused' only while the meta hash says paused (resume renames the list back to 'wait').
  out[#out + 1] = { q,
    count('LLEN', k .. 'wait', anyWaiting), count('LLEN', k .. 'paused', meta[1]), nActive,
    count('ZCARD', k .. 'delayed', anyDelayed), count('ZCARD', k .. 'prioritized', anyPrioritized),
    rcall('ZCARD', k .. 'failed'),
    meta[1] and 1 or 0, meta[2],
    jobs, events, added, lastGenerated, read, lastRead }
end
return out

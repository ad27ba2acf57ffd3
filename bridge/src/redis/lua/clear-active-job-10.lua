--[[
  Clears one active job atomically, only if it is still the job the caller saw.

  KEYS[1] active  KEYS[2] wait  KEYS[3] paused  KEYS[4] meta  KEYS[5] stalled
  KEYS[6] events  KEYS[7] marker  KEYS[8] failed  KEYS[9] prioritized  KEYS[10] job hash
  ARGV[1] job id   ARGV[2] mode: fail | retry | remove   ARGV[3] "1" to act on a locked job
  ARGV[4] expected processedOn ("" = no check)   ARGV[5] failed reason   ARGV[6] queue key prefix

  Returns { code, ... }:
    1  cleared: { 1, mode, hadLock (0/1), target list or "" }
   -1  dangling id dropped from active (no job hash)
   -3  not in active: the job finished or moved on, nothing changed
  -10  locked by a worker and not forced, nothing changed
  -11  processedOn differs: the job was restarted since the caller looked, nothing changed
  -12  retry refused while a worker holds the lock: the old processor may still run it
]]
local rcall = redis.call
local activeKey, waitKey, pausedKey, metaKey, stalledKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local eventsKey, markerKey, failedKey, prioritizedKey, jobKey = KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]
local jobId, mode, force, expected, reason, qprefix = ARGV[1], ARGV[2], ARGV[3] == '1', ARGV[4], ARGV[5], ARGV[6]
local lockKey = jobKey .. ':lock'

if not rcall('LPOS', activeKey, jobId) then return { -3 } end

local maxEvents = rcall('HGET', metaKey, 'opts.maxLenEvents') or 10000
local function event(name, ...)
  rcall('XADD', eventsKey, 'MAXLEN', '~', maxEvents, '*', 'event', name, 'jobId', jobId, ...)
end

if rcall('EXISTS', jobKey) == 0 then
  rcall('LREM', activeKey, 0, jobId)
  rcall('SREM', stalledKey, jobId)
  rcall('DEL', lockKey)
  event('removed', 'prev', 'active')
  return { -1 }
end

local hasLock = rcall('EXISTS', lockKey) == 1
if hasLock and mode == 'retry' then return { -12 } end
if hasLock and not force then return { -10 } end
if expected ~= '' and rcall('HGET', jobKey, 'processedOn') ~= expected then return { -11 } end

-- Like BullMQ on finish: free the deduplication id so Immich can queue the same work again.
local function releaseDedup()
  local deid = rcall('HGET', jobKey, 'deid')
  if deid then
    local dk = qprefix .. 'de:' .. deid
    if rcall('GET', dk) == jobId then rcall('DEL', dk) end
  end
end

rcall('LREM', activeKey, 0, jobId)
rcall('DEL', lockKey)
rcall('SREM', stalledKey, jobId)

local target = ''
if mode == 'remove' then
  releaseDedup()
  rcall('DEL', jobKey, jobKey .. ':logs')
  event('removed', 'prev', 'active')
elseif mode == 'fail' then
  releaseDedup()
  local t = rcall('TIME')
  local now = tostring(tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
  rcall('HINCRBY', jobKey, 'atm', 1)
  rcall('HSET', jobKey, 'failedReason', reason, 'finishedOn', now, 'stacktrace', cjson.encode({ reason }))
  rcall('ZADD', failedKey, now, jobId)
  target = 'failed'
  event('failed', 'failedReason', reason, 'prev', 'active')
elseif mode == 'retry' then
  local paused = rcall('HEXISTS', metaKey, 'paused') == 1
  local priority = tonumber(rcall('HGET', jobKey, 'priority') or '0') or 0
  if priority > 0 then
    -- BullMQ's prioritized score: priority in the high bits, a counter for FIFO order in the low bits.
    local pc = rcall('INCR', qprefix .. 'pc')
    rcall('ZADD', prioritizedKey, priority * 0x100000000 + pc % 0x100000000, jobId)
    target = 'prioritized'
  else
    target = paused and 'paused' or 'wait'
    -- LPUSH: back of the line, so a poison job does not run next.
    rcall('LPUSH', paused and pausedKey or waitKey, jobId)
  end
  if not paused then rcall('ZADD', markerKey, 0, '0') end
  event('waiting', 'prev', 'active')
else
  return redis.error_reply('unknown mode ' .. tostring(mode))
end
return { 1, mode, hasLock and 1 or 0, target }

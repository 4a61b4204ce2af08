--[[
  Caller-keyed idempotency. A successful result is stored under the key as
  "<fingerprint>\n<json result>" for the given seconds; a later call with the same key replays it,
  or gets {-6} (IDEMPOTENCY_CONFLICT) when its parameters (fingerprint) differ.
  Failures are not stored: they changed nothing, so a retry may legitimately succeed.
]]
local function replayResult(idemKey, fingerprint)
  local stored = rcall('GET', idemKey)
  if not stored then
    return nil
  end
  local sep = string.find(stored, '\n', 1, true)
  if string.sub(stored, 1, sep - 1) ~= fingerprint then
    return { -6 }
  end
  return cjson.decode(string.sub(stored, sep + 1))
end

local function rememberResult(idemKey, fingerprint, ttlSeconds, result)
  rcall('SET', idemKey, fingerprint .. '\n' .. cjson.encode(result), 'EX', ttlSeconds)
end

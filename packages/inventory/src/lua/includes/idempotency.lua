--[[
  Caller-keyed idempotency. A successful result is stored under the key as
  "<fingerprint>\n<encoded result>" for the given seconds; a later call with the same key replays
  it, or gets {-6} (IDEMPOTENCY_CONFLICT) when its parameters (fingerprint) differ.
  Failures are not stored: they changed nothing, so a retry may legitimately succeed.
  replayResult/rememberResult encode with cjson; a hot script may encode its own result as text
  with storedText/storeText instead (cjson costs more than a few concatenations).
]]
local CONFLICT = { -6 }

-- The stored text for this key: nil when none, CONFLICT when stored with another fingerprint.
local function storedText(idemKey, fingerprint)
  local stored = rcall('GET', idemKey)
  if not stored then
    return nil
  end
  local sep = string.find(stored, '\n', 1, true)
  if string.sub(stored, 1, sep - 1) ~= fingerprint then
    return CONFLICT
  end
  return string.sub(stored, sep + 1)
end

local function storeText(idemKey, fingerprint, ttlSeconds, text)
  rcall('SET', idemKey, fingerprint .. '\n' .. text, 'EX', ttlSeconds)
end

local function replayResult(idemKey, fingerprint)
  local text = storedText(idemKey, fingerprint)
  if text == nil or text == CONFLICT then
    return text
  end
  return cjson.decode(text)
end

local function rememberResult(idemKey, fingerprint, ttlSeconds, result)
  storeText(idemKey, fingerprint, ttlSeconds, cjson.encode(result))
end

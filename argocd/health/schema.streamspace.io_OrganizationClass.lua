-- Argo CD health check for schema.streamspace.io/OrganizationClass (docs/argocd.md).
--
-- Healthy     Ready=True, and both status.observedGeneration and the Ready
--             condition's observedGeneration (when set) equal metadata.generation:
--             every Organization of the class has this generation applied.
-- Degraded    Ready=False with reason OrganizationsFailing for the current
--             generation: some Organization of the class failed to apply it
--             (their PolicyApplied condition says why).
-- Progressing anything else: no status yet, the class rolling out to its
--             Organizations (reason Applying), deletion held by the finalizer
--             while Organizations use the class, or a status for an older spec.
--
-- A class is never Suspended. Argo CD runs scripts from argocd-cm without Lua's
-- string and math libraries and on Lua 5.1 (gopher-lua): only base functions and
-- `..` are used here. Every field may be missing, so everything is nil-checked.

local hs = {}

local function field(t, key)
  if type(t) == "table" then
    return t[key]
  end
  return nil
end

local meta = field(obj, "metadata")
local status = field(obj, "status")
local generation = field(meta, "generation")
local orgs = field(status, "organizations")

-- The condition of the given type, or nil.
local function condition(ctype)
  local list = field(status, "conditions")
  if type(list) ~= "table" then
    return nil
  end
  for _, c in ipairs(list) do
    if type(c) == "table" and c.type == ctype then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local function isFalse(c)
  return c ~= nil and c.status == "False"
end

-- Whether status as a whole describes the current spec.
local function statusCurrent()
  return generation ~= nil and field(status, "observedGeneration") == generation
end

-- Whether a condition was written for the current spec: its own
-- observedGeneration when it has one, else the status's.
local function current(c)
  if c == nil or generation == nil then
    return false
  end
  if c.observedGeneration ~= nil then
    return c.observedGeneration == generation
  end
  return statusCurrent()
end

-- The condition's message, else its reason, else nil.
local function describe(c)
  if c == nil then
    return nil
  end
  if type(c.message) == "string" and c.message ~= "" then
    return c.message
  end
  if type(c.reason) == "string" and c.reason ~= "" then
    return c.reason
  end
  return nil
end

local function generationText()
  if generation == nil then
    return "the current generation"
  end
  return "generation " .. tostring(generation)
end

-- A count of status.organizations, or nil when it is not a number.
local function count(key)
  local n = field(orgs, key)
  if type(n) == "number" then
    return n
  end
  return nil
end

-- " (A of T organizations applied, F failed)", with the counts the status has.
local function countsText()
  local total = count("total")
  if total == nil then
    return ""
  end
  local text = " (" .. tostring(count("applied") or 0) .. " of " .. tostring(total) .. " organizations applied"
  local failed = count("failed")
  if failed ~= nil and failed > 0 then
    text = text .. ", " .. tostring(failed) .. " failed"
  end
  return text .. ")"
end

if field(meta, "deletionTimestamp") ~= nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Organizations that use this class to leave it before it is deleted" .. countsText()
  return hs
end

if type(status) ~= "table" then
  hs.status = "Progressing"
  hs.message = "Waiting for schema-operator to report the status of " .. generationText()
  return hs
end

local ready = condition("Ready")

if statusCurrent() and isFalse(ready) and current(ready) and ready.reason == "OrganizationsFailing" then
  hs.status = "Degraded"
  hs.message = (describe(ready) or "some organizations failed to apply the class") .. countsText()
    .. "; waiting for their PolicyApplied condition to become True (kubectl get organizations)"
  return hs
end

if statusCurrent() and isTrue(ready) and current(ready) then
  hs.status = "Healthy"
  local total = count("total")
  if total ~= nil then
    hs.message = "Applied to every organization of the class (" .. tostring(total) .. ")"
  else
    hs.message = "Ready: " .. (describe(ready) or "applied to every organization of the class")
  end
  return hs
end

hs.status = "Progressing"
if not statusCurrent() then
  local seen = field(status, "observedGeneration")
  local was = "status has no observedGeneration"
  if seen ~= nil then
    was = "status is for generation " .. tostring(seen)
  end
  hs.message = "Waiting for schema-operator to observe " .. generationText() .. " (" .. was .. ")"
elseif isTrue(ready) then
  hs.message = "Waiting for schema-operator to confirm Ready for " .. generationText()
    .. " (the Ready condition is for generation " .. tostring(ready.observedGeneration) .. ")"
elseif isFalse(ready) and current(ready) and ready.reason == "Applying" then
  hs.message = "Waiting for " .. generationText() .. " to reach every organization of the class" .. countsText()
else
  local why = describe(ready)
  if why ~= nil then
    hs.message = "Waiting for the Ready condition to become True: " .. why
  else
    hs.message = "Waiting for the Ready condition to become True"
  end
end
return hs

-- Argo CD health check for schema.streamspace.io/Organization (docs/argocd.md).
--
-- Healthy     Ready=True, and both status.observedGeneration and the Ready
--             condition's observedGeneration (when set) equal metadata.generation.
-- Suspended   spec.suspended is true and the operator reports it for the current
--             generation (Suspended=True or phase Suspended).
-- Degraded    phase Conflict (a namespace or name owned by someone else: the
--             operator hands off until a person resolves it) or Stalled=True.
-- Progressing anything else: no status yet, the schema or namespace not ready,
--             deletion under way, or a status written for an older spec.
--
-- Argo CD runs scripts from argocd-cm without Lua's string and math libraries
-- and on Lua 5.1 (gopher-lua): only base functions and `..` are used here.
-- Every field may be missing, so everything is nil-checked.

local hs = {}

local function field(t, key)
  if type(t) == "table" then
    return t[key]
  end
  return nil
end

local meta = field(obj, "metadata")
local spec = field(obj, "spec")
local status = field(obj, "status")
local generation = field(meta, "generation")

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

if field(meta, "deletionTimestamp") ~= nil or field(status, "phase") == "Terminating" then
  hs.status = "Progressing"
  hs.message = "Waiting for schema-operator to finish deleting the organization (spec.deletionPolicy "
    .. tostring(field(spec, "deletionPolicy") or "Retain") .. ")"
  return hs
end

if type(status) ~= "table" then
  hs.status = "Progressing"
  hs.message = "Waiting for schema-operator to report the status of " .. generationText()
  return hs
end

local ready = condition("Ready")
local namespaceReady = condition("NamespaceReady")
local databaseSynced = condition("DatabaseSynced")
local suspended = condition("Suspended")
local stalled = condition("Stalled")

if statusCurrent() and (status.phase == "Conflict" or (isTrue(stalled) and current(stalled))) then
  local why = nil
  if isTrue(stalled) and current(stalled) then
    why = describe(stalled)
  end
  -- Not a list: ipairs would stop at the first missing condition.
  if why == nil and isFalse(namespaceReady) and current(namespaceReady) then
    why = describe(namespaceReady)
  end
  if why == nil and isFalse(databaseSynced) and current(databaseSynced) then
    why = describe(databaseSynced)
  end
  if why == nil and isFalse(ready) and current(ready) then
    why = describe(ready)
  end
  hs.status = "Degraded"
  hs.message = (why or "the namespace or name belongs to another owner")
    .. "; waiting for someone to resolve the conflict (schema-operator never takes over what another owner holds)"
  return hs
end

local suspendedNow = isTrue(suspended) and current(suspended) or status.phase == "Suspended"
if statusCurrent() and field(spec, "suspended") == true and suspendedNow then
  hs.status = "Suspended"
  hs.message = "Suspended: the organization is marked suspended and nothing is deleted; "
    .. "waiting for spec.suspended to be false"
  return hs
end

if statusCurrent() and isTrue(ready) and current(ready) and field(spec, "suspended") ~= true then
  hs.status = "Healthy"
  local ns = field(status, "namespace")
  if type(ns) == "string" and ns ~= "" then
    hs.message = "Active in namespace " .. ns
  else
    hs.message = "Ready: " .. (describe(ready) or "the organization is active")
  end
  return hs
end

hs.status = "Progressing"
if field(spec, "suspended") == true and statusCurrent() then
  hs.message = "Waiting for schema-operator to suspend the organization"
elseif isFalse(databaseSynced) and current(databaseSynced) then
  hs.message = "Waiting for the organization's database row: " .. (describe(databaseSynced) or "not written yet")
elseif isFalse(namespaceReady) and current(namespaceReady) then
  hs.message = "Waiting for the organization's namespace: " .. (describe(namespaceReady) or "not ready yet")
elseif not statusCurrent() then
  local seen = field(status, "observedGeneration")
  local was = "status has no observedGeneration"
  if seen ~= nil then
    was = "status is for generation " .. tostring(seen)
  end
  hs.message = "Waiting for schema-operator to observe " .. generationText() .. " (" .. was .. ")"
elseif isTrue(ready) then
  hs.message = "Waiting for schema-operator to confirm Ready for " .. generationText()
    .. " (the Ready condition is for generation " .. tostring(ready.observedGeneration) .. ")"
else
  local why = describe(ready)
  if why ~= nil then
    hs.message = "Waiting for the Ready condition to become True: " .. why
  else
    hs.message = "Waiting for the Ready condition to become True"
  end
end
return hs

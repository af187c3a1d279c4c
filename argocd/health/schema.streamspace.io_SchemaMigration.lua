-- Argo CD health check for schema.streamspace.io/SchemaMigration (docs/argocd.md).
--
-- Healthy     Ready=True, and both status.observedGeneration and the Ready
--             condition's observedGeneration (when set) equal metadata.generation;
--             also while a contract migration waits for the rollout
--             (ContractPending=True, reason WaitingForRollout): the message says so;
--             and while the schema drifted (Drifted=True): drift must not fail a
--             sync wave, so only the message says so (the alerts carry it).
-- Degraded    Stalled=True for the current generation: the operator will not
--             retry until the spec or source changes, or the retry annotation;
--             or ContractPending=True with reason ContractDeadlock: a gated pod
--             needs the contract migration that old pods hold back.
-- Suspended   spec.suspend is true and the operator has seen that generation;
--             or a plan waits for approval (Ready=False, reason AwaitingApproval,
--             for the current generation): the message says how to approve it.
-- Progressing anything else: no status yet, migrations being applied, a
--             failure being retried, or a status written for an older spec.
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

if type(status) ~= "table" then
  hs.status = "Progressing"
  hs.message = "Waiting for schema-operator to report the status of " .. generationText()
  return hs
end

local ready = condition("Ready")
local failed = condition("Failed")
local stalled = condition("Stalled")
local reconciling = condition("Reconciling")
local contract = condition("ContractPending")
local drifted = condition("Drifted")

if statusCurrent() and isTrue(stalled) and current(stalled) then
  -- The Failed message is the bare error; the operator's Stalled message is
  -- that error plus the same note, which is added here because a script
  -- without the string library cannot look into a message.
  local why = nil
  if isTrue(failed) and current(failed) then
    why = describe(failed)
  end
  hs.status = "Degraded"
  hs.message = (why or describe(stalled) or "the migration failed")
    .. "; waiting for a change of the spec or source, or the retry annotation"
  return hs
end

if statusCurrent() and isTrue(contract) and current(contract) and contract.reason == "ContractDeadlock" then
  hs.status = "Degraded"
  hs.message = "Deadlocked, waiting for pods that cannot go: " .. (describe(contract) or "ContractDeadlock")
  return hs
end

if statusCurrent() and isTrue(ready) and current(ready) then
  hs.status = "Healthy"
  if isTrue(contract) and current(contract) then
    -- Healthy on purpose: the Deployment of the next sync wave is what ends the wait.
    hs.message = "Ready; a contract migration waits for the rollout: "
      .. (describe(contract) or "pods still need the older schema")
    return hs
  end
  if isTrue(drifted) then
    hs.message = "Ready; the schema drifted from its migrations: " .. (describe(drifted) or "SchemaDrift")
    return hs
  end
  hs.message = "Ready: " .. (describe(ready) or "every target migration is applied")
  return hs
end

if statusCurrent() and ready ~= nil and ready.status == "False" and ready.reason == "AwaitingApproval" and current(ready) then
  hs.status = "Suspended"
  hs.message = "Waiting for approval: " .. (describe(ready) or "a plan waits for the approve annotation")
  return hs
end

if statusCurrent() and field(spec, "suspend") == true and not (isTrue(reconciling) and current(reconciling)) then
  hs.status = "Suspended"
  hs.message = "Suspended: no migrations run; waiting for spec.suspend to be false"
  return hs
end

hs.status = "Progressing"
if isTrue(failed) and current(failed) then
  local reason = ""
  if type(failed.reason) == "string" and failed.reason ~= "" then
    reason = " (" .. failed.reason .. ")"
  end
  hs.message = "Waiting for a retry to succeed after a failure" .. reason .. ": "
    .. (describe(failed) or "no message")
elseif isTrue(reconciling) and current(reconciling) then
  hs.message = "Waiting for migrations to be applied: " .. (describe(reconciling) or "work in progress")
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

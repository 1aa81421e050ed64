-- Errors: error() with strings, levels and values, pcall and xpcall with
-- handlers and tracebacks, the interpreter's runtime error messages,
-- syntax errors from load, and running out of memory (a huge string).
local t = dofile((arg[0]:gsub("[^/]*$", "")) .. "check.lua")
local eq = t.eq

local ok, e = pcall(function() error("boom") end)
eq(ok, false, "pcall catches")
assert(e:match("^[^:]*errors%.lua:%d+: boom$"), "position: " .. e)
local function lvl2() error("caller's fault", 2) end
local _, e2 = pcall(function()
	lvl2() -- this line is blamed
end)
assert(e2:match("errors%.lua:%d+: caller's fault$"), "level 2: " .. e2)
eq(select(2, pcall(error, "plain", 0)), "plain", "level 0")
local obj = { code = 42 }
eq(select(2, pcall(error, obj)), obj, "error value keeps its identity")
eq(select(2, pcall(error)), nil, "error(nil)")
local _, rethrown = pcall(function()
	local _, inner = pcall(error, obj)
	error(inner)
end)
eq(rethrown, obj, "rethrown value")

-- xpcall: the handler sees the original error and may add a traceback.
local okx, tb = xpcall(function(a, b) return a.b + b end, debug.traceback, nil, 1)
eq(okx, false, "xpcall fails")
assert(tb:find("attempt to index a nil value") and tb:find("stack traceback:"),
	"xpcall traceback: " .. tb)
eq(select(2, xpcall(function() error({ 1 }) end, function(m) return #m end)),
	1, "handler gets the value")
eq(select(2, xpcall(function(a, b) return a + b end, print, 2, 3)), 5,
	"xpcall passes arguments")

-- Runtime errors name what went wrong.
local function msg(f, ...) return select(2, pcall(f, ...)) end
assert(msg(function() return undefinedvar + 1 end)
	:find("attempt to perform arithmetic on a nil value %(global 'undefinedvar'%)"),
	"arith nil")
assert(msg(function() nofunc() end)
	:find("attempt to call a nil value %(global 'nofunc'%)"), "call nil")
assert(msg(function() local tt; return tt.x end)
	:find("attempt to index a nil value %(local 'tt'%)"), "index nil")
assert(msg(function() return 1 < nil end)
	:find("attempt to compare number with nil"), "compare")
assert(msg(function() return "a" .. {} end)
	:find("attempt to concatenate a table value"), "concat")
assert(msg(function() return "10" + "x" end)
	:find("attempt to add a 'string' with a 'string'"), "string arith")
assert(msg(function() return string.rep() end)
	:find("bad argument #1 to 'rep'"), "bad argument")
assert(msg(function() return math.tointeger(2 ^ 63) // 1 end)
	:find("arithmetic on a nil value"), "float out of range")
eq(msg(assert, false, "assert message"), "assert message", "assert")
eq(msg(assert, nil), "assertion failed!", "assert default")
eq(select("#", assert(1, 2, 3)), 3, "assert returns its arguments")
local mt = setmetatable({}, { __tostring = function() return "E!" end })
eq(tostring(select(2, pcall(error, mt))), "E!", "__tostring error")

-- load: syntax errors are values, not crashes.
local f, serr = load("x = = 1", "chunk")
eq(f, nil, "syntax error")
assert(serr:find("unexpected symbol near '='"), serr)
assert(select(2, load("goto nowhere")):find("no visible label"), "goto")
assert(select(2, load("for")):find("<name> expected"), "for")
local env = { y = 5 }
eq(load("return y * 2", "env", "t", env)(), 10, "load with an environment")
local pieces = { "return ", "1 ", "+ 41" }
local i = 0
eq(load(function() i = i + 1; return pieces[i] end)(), 42, "load from a reader")
assert(select(2, load("\27Lua", "b", "t")):find("attempt to load a binary chunk"),
	"binary refused")

-- Out of memory: a string of almost 2 GiB (string.rep's limit), more
-- than the guest has, fails cleanly (malloc returns NULL).
eq(msg(string.rep, "x", (1 << 31) - 1024), "not enough memory",
	"out of memory")
local after = ("y"):rep(1000)
eq(#after, 1000, "memory still works afterwards")
t.pass("errors")

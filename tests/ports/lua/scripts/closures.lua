-- Functions as values: closures and their upvalues, varargs, iterators,
-- memoisation, metamethods, to-be-closed variables, string.dump + load.
local t = dofile((arg[0]:gsub("[^/]*$", "")) .. "check.lua")
local eq = t.eq

local function counter()
	local n = 0
	return function()
		n = n + 1
		return n
	end
end
local c1, c2 = counter(), counter()
c1()
c1()
eq(c1() * 10 + c2(), 31, "independent counters")

local function pair()
	local v = 0
	return function(x) v = x end, function() return v end
end
local set, get = pair()
set(42)
eq(get(), 42, "shared upvalue")

local fs = {}
for i = 1, 3 do
	fs[i] = function() return i end
end
eq(fs[1]() + fs[2]() * 10 + fs[3]() * 100, 321, "fresh variable per loop")

local function va(...)
	return select("#", ...), table.pack(...).n, (select(2, ...))
end
local n1, n2, second = va(1, nil, 3, nil)
eq(n1 * 10 + n2, 44, "varargs with nils")
eq(second, nil, "select")

-- A stateful iterator and a stateless one.
local function range(n)
	local i = 0
	return function()
		i = i + 1
		if i <= n then
			return i
		end
	end
end
local s = 0
for i in range(100) do
	s = s + i
end
eq(s, 5050, "closure iterator")
local function evens(max, i)
	i = i + 2
	if i <= max then
		return i
	end
end
s = 0
for i in evens, 10, 0 do
	s = s + i
end
eq(s, 30, "stateless iterator")

local memo = {}
local function fib(n)
	if n < 2 then
		return n
	end
	if not memo[n] then
		memo[n] = fib(n - 1) + fib(n - 2)
	end
	return memo[n]
end
eq(fib(90), 2880067194370816120, "memoised fib")

-- Metamethods.
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({ x = a.x + b.x }, V) end
V.__eq = function(a, b) return a.x == b.x end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__len = function(a) return a.x end
V.__concat = function(a, b) return tostring(a.x) .. "&" .. tostring(b.x) end
V.__call = function(self, y) return self.x * y end
function V.double(self) return self.x * 2 end
local function vec(x) return setmetatable({ x = x }, V) end
local v = vec(2) + vec(3)
eq(v.x, 5, "__add")
eq(v == vec(5), true, "__eq")
eq(vec(1) < vec(2) and vec(2) <= vec(2), true, "__lt __le")
eq(#v, 5, "__len")
eq(vec(1) .. vec(2), "1&2", "__concat")
eq(v(3), 15, "__call")
eq(v:double(), 10, "__index method")
local log = {}
local proxy = setmetatable({}, {
	__index = function(_, k) return k .. "!" end,
	__newindex = function(_, k, val) log[#log + 1] = k .. "=" .. val end,
})
proxy.a = 1
eq(proxy.b .. log[1], "b!a=1", "__index __newindex")

-- To-be-closed variables and constants.
local closed = {}
do
	local a <close> = setmetatable({}, { __close = function() closed[#closed + 1] = "a" end })
	local b <close> = setmetatable({}, { __close = function() closed[#closed + 1] = "b" end })
	local k <const> = 10
	eq(k, 10, "const")
end
eq(table.concat(closed), "ba", "__close in reverse order")
pcall(function()
	local x <close> = setmetatable({}, { __close = function(_, e) closed[#closed + 1] = e and "err" end })
	error("out")
end)
eq(closed[3], "err", "__close on error")

-- goto.
local odd = {}
for i = 1, 6 do
	if i % 2 == 0 then
		goto continue
	end
	odd[#odd + 1] = i
	::continue::
end
eq(table.concat(odd), "135", "goto continue")

-- Binary chunks: string.dump and load.
local function sq(x) return x * x end
local back = load(string.dump(sq), "sq", "b")
eq(back(12), 144, "dump and load")
local up = debug.getupvalue(c1, 1)
eq(up, "n", "debug.getupvalue")
debug.setupvalue(c1, 1, 100)
eq(c1(), 101, "debug.setupvalue")
t.pass("closures")

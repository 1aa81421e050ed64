-- Coroutines: generators, pipelines, status, values both ways, errors,
-- yields across pcall and metamethods, close, and thousands alive at once.
local t = dofile((arg[0]:gsub("[^/]*$", "")) .. "check.lua")
local eq = t.eq

local fibgen = coroutine.wrap(function()
	local a, b = 0, 1
	while true do
		coroutine.yield(a)
		a, b = b, a + b
	end
end)
local f = {}
for i = 1, 10 do
	f[i] = fibgen()
end
eq(table.concat(f, ","), "0,1,1,2,3,5,8,13,21,34", "generator")

-- Producer -> filter -> consumer.
local function producer()
	return coroutine.create(function()
		for i = 1, 20 do
			coroutine.yield(i)
		end
	end)
end
local function filter(src)
	return coroutine.create(function()
		while true do
			local _, v = coroutine.resume(src)
			if v == nil then
				return
			end
			if v % 3 == 0 then
				coroutine.yield(v * 10)
			end
		end
	end)
end
local got = {}
local fl = filter(producer())
while true do
	local _, v = coroutine.resume(fl)
	if v == nil then
		break
	end
	got[#got + 1] = v
end
eq(table.concat(got, ","), "30,60,90,120,150,180", "pipeline")

-- Status, and values passed both ways.
local co
co = coroutine.create(function(a, b)
	eq(coroutine.status(co), "running", "running")
	local c = coroutine.yield(a + b)
	local d, e = coroutine.yield(c * 2)
	return d + e
end)
eq(coroutine.status(co), "suspended", "suspended")
local ok, v = coroutine.resume(co, 1, 2)
eq(ok and v, 3, "first yield")
eq(select(2, coroutine.resume(co, 10)), 20, "second yield")
eq(select(2, coroutine.resume(co, 4, 5)), 9, "return")
eq(coroutine.status(co), "dead", "dead")
local ok2, msg = coroutine.resume(co)
eq(ok2, false, "resume dead")
eq(msg, "cannot resume dead coroutine", "resume dead message")
local outer
outer = coroutine.create(function()
	local inner = coroutine.create(function() return coroutine.status(outer) end)
	return select(2, coroutine.resume(inner))
end)
eq(select(2, coroutine.resume(outer)), "normal", "normal")
local _, ismain = coroutine.running()
eq(ismain, true, "main thread")
eq(coroutine.isyieldable(), false, "main not yieldable")

-- Errors inside coroutines.
local bad = coroutine.create(function() error({ code = 7 }) end)
local okb, e = coroutine.resume(bad)
eq(okb == false and e.code, 7, "error object")
local w = coroutine.wrap(function() error("wrapped") end)
assert(t.fails(w):find("wrapped"), "wrap propagates")
local tb = coroutine.create(function() local x = nil; return x.y end)
coroutine.resume(tb)
assert(debug.traceback(tb):find("stack traceback"), "traceback of a coroutine")

-- Yield across pcall and through a metamethod (both allowed in 5.4).
local across = coroutine.wrap(function()
	local okp, r = pcall(function()
		coroutine.yield("inside pcall")
		return "after"
	end)
	coroutine.yield(okp and r)
	local mt = setmetatable({}, { __index = function(_, k)
		return coroutine.yield("index " .. k)
	end })
	return mt.key
end)
eq(across(), "inside pcall", "yield in pcall")
eq(across(), "after", "pcall resumes")
eq(across(), "index key", "yield in __index")
eq(across("value"), "value", "__index resumes")
local nc = coroutine.wrap(function()
	table.sort({ 3, 2, 1 }, function(a, b) coroutine.yield() return a < b end)
end)
assert(t.fails(nc):find("C%-call boundary"), "yield across C")

-- close runs pending to-be-closed variables.
local closed = false
local cc = coroutine.create(function()
	local x <close> = setmetatable({}, { __close = function() closed = true end })
	coroutine.yield()
end)
coroutine.resume(cc)
eq(coroutine.close(cc), true, "close")
eq(closed, true, "close runs __close")
eq(coroutine.status(cc), "dead", "closed is dead")

-- Permutations of 6 by a recursive generator: 720.
local function permgen(a, n)
	n = n or #a
	if n <= 1 then
		coroutine.yield(a)
	else
		for i = 1, n do
			a[n], a[i] = a[i], a[n]
			permgen(a, n - 1)
			a[n], a[i] = a[i], a[n]
		end
	end
end
local count, seen = 0, {}
for p in coroutine.wrap(function() permgen({ 1, 2, 3, 4, 5, 6 }) end) do
	count = count + 1
	seen[table.concat(p)] = true
end
local distinct = 0
for _ in pairs(seen) do
	distinct = distinct + 1
end
eq(count * 1000 + distinct, 720720, "permutations")

-- 5000 coroutines alive at once, each resumed three times.
local cos = {}
for i = 1, 5000 do
	cos[i] = coroutine.create(function(x)
		local y = coroutine.yield(x + 1)
		local z = coroutine.yield(y * 2)
		return z + i
	end)
end
local total = 0
for round = 1, 3 do
	for i = 1, #cos do
		local _, r = coroutine.resume(cos[i], round == 1 and i or 1)
		total = total + r
	end
end
-- round 1: i + 1; round 2: 2; round 3: 1 + i.
eq(total, 2 * (5000 * 5001 // 2) + 5000 * 4, "many coroutines")
t.pass("coroutines")

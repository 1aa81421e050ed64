-- Deep recursion. Lua calls live on Lua's own stack (heap memory), but a
-- call through C (gsub calling back into Lua, the parser's nesting,
-- __tostring through tostring) nests on main's C stack: some 2-3 KiB a
-- level for gsub, so the 190 levels Lua allows (LUAI_MAXCCALLS 200) need
-- Linux's 8 MiB main stack rather than a small kernel thread's.
local t = dofile((arg[0]:gsub("[^/]*$", "")) .. "check.lua")
local eq = t.eq

-- Lua recursion: 150000 frames deep, then a million tail calls.
local function depth(n)
	if n == 0 then
		return 0
	end
	return 1 + depth(n - 1)
end
eq(depth(150000), 150000, "deep Lua recursion")
local function loop(n, acc)
	if n == 0 then
		return acc
	end
	return loop(n - 1, acc + 1)
end
eq(loop(1000000, 0), 1000000, "tail calls")

-- Running out of Lua stack is an error, caught.
local function forever(n)
	return 1 + forever(n + 1)
end
local ok, e = pcall(forever, 1)
eq(ok, false, "infinite recursion fails")
assert(e:find("stack overflow"), "stack overflow message: " .. e)

-- Nesting through C: gsub's callback calling gsub, 190 deep.
local function nest(d)
	if d == 0 then
		return "x"
	end
	return (("a"):gsub("a", function() return nest(d - 1) end))
end
eq(nest(190), "x", "190 levels through gsub")
local okc, ec = pcall(nest, 1000)
eq(okc, false, "too deep through C fails")
assert(ec:find("stack overflow"), "C stack overflow message: " .. ec)

-- __tostring calling tostring on the next level down, 150 deep.
local function chain(n)
	local node = { n = n }
	if n > 0 then
		node.next = chain(n - 1)
	end
	return setmetatable(node, { __tostring = function(s)
		return s.next and ("(" .. tostring(s.next) .. ")") or "0"
	end })
end
local s = tostring(chain(150))
eq(#s, 301, "tostring through 150 metamethods")

-- The parser nests on the C stack too.
local src = "return " .. ("("):rep(150) .. "42" .. (")"):rep(150)
eq(load(src)(), 42, "150 nested parentheses")
local f, perr = load("return " .. ("{"):rep(150) .. ("}"):rep(150))
eq(type(f), "function", "150 nested constructors: " .. tostring(perr))
local bad = load("return " .. ("("):rep(1000) .. "1" .. (")"):rep(1000))
eq(bad, nil, "1000 nested parentheses refused")

-- Pattern matching recurses in C (MAXCCALLS bounds it).
eq((("a"):rep(150)):match("^" .. ("a?"):rep(150) .. "$"), ("a"):rep(150),
	"150 optional items")

-- A recursive walk of a deep structure, and Ackermann.
local list = nil
for i = 1, 100000 do
	list = { v = i, next = list }
end
local function sum(l)
	if not l then
		return 0
	end
	return l.v + sum(l.next)
end
eq(sum(list), 5000050000, "recursive walk of 100000 nodes")
local function ack(m, n)
	if m == 0 then
		return n + 1
	elseif n == 0 then
		return ack(m - 1, 1)
	end
	return ack(m - 1, ack(m, n - 1))
end
eq(ack(2, 300) + ack(3, 5), 603 + 253, "ackermann")
t.pass("recursion")

-- Tables: table.sort on numbers, strings and records, with and without a
-- comparator; insert, remove, move, concat, pack, unpack; traversal.
local t = dofile((arg[0]:gsub("[^/]*$", "")) .. "check.lua")
local eq = t.eq

local function sorted(a, lt)
	lt = lt or function(x, y) return x < y end
	for i = 2, #a do
		if lt(a[i], a[i - 1]) then
			return false
		end
	end
	return true
end

math.randomseed(7)
local a = {}
for i = 1, 30000 do
	a[i] = math.random(-100000, 100000)
end
local sum = 0
for i = 1, #a do
	sum = sum + a[i]
end
table.sort(a)
eq(sorted(a), true, "numbers ascending")
local after = 0
for i = 1, #a do
	after = after + a[i]
end
eq(after, sum, "sort keeps the elements")
table.sort(a, function(x, y) return x > y end)
eq(sorted(a, function(x, y) return x > y end), true, "numbers descending")

local f = {}
for i = 1, 5000 do
	f[i] = math.random() * 1e6 - 5e5
end
table.sort(f)
eq(sorted(f), true, "floats")

local names = {}
for i = 1, 5000 do
	names[i] = ("%x"):format(math.random(0, 0xffffff))
end
table.sort(names)
eq(sorted(names), true, "strings")

local people = {}
for i = 1, 2000 do
	people[i] = { age = math.random(1, 90), id = i }
end
local function by_age_id(x, y)
	if x.age ~= y.age then
		return x.age < y.age
	end
	return x.id < y.id
end
table.sort(people, by_age_id)
eq(sorted(people, by_age_id), true, "records by two keys")

local tiny = { 3, 1, 2 }
table.sort(tiny)
eq(table.concat(tiny, ","), "1,2,3", "three")
local one = { 1 }
table.sort(one)
eq(one[1], 1, "one")
local empty = {}
table.sort(empty)
eq(#empty, 0, "empty")
assert(t.fails(table.sort, { 1, "x", 2 }):find("compare"), "mixed types")

-- The other table functions.
local l = { 1, 2, 3 }
table.insert(l, 4)
table.insert(l, 1, 0)
eq(table.concat(l, ","), "0,1,2,3,4", "insert")
eq(table.remove(l), 4, "remove last")
eq(table.remove(l, 1), 0, "remove first")
eq(table.concat(l, ","), "1,2,3", "after remove")
eq(table.concat(table.move({ 1, 2, 3 }, 1, 3, 2), ","), "1,1,2,3", "move")
local p = table.pack(1, nil, 3)
eq(p.n, 3, "pack n")
eq(select("#", table.unpack({ 1, 2, 3 }, 2)), 2, "unpack range")
eq(table.concat({}, ","), "", "concat empty")

-- Traversal of a hash part, deleting while traversing (allowed).
local h = {}
for i = 1, 10000 do
	h["k" .. i] = i
end
local n, s = 0, 0
for k, v in pairs(h) do
	n, s = n + 1, s + v
	h[k] = nil
end
eq(n * 100000000 + s, 10000 * 100000000 + 50005000, "pairs")
eq(next(h), nil, "all deleted")
local seq = { 1, 2, nil, 4 }
local c = 0
for _ in ipairs(seq) do
	c = c + 1
end
eq(c, 2, "ipairs stops at nil")
t.pass("sort")

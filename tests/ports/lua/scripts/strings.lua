-- Strings and patterns: formatting, conversions, find/match/gmatch/gsub
-- with captures, classes, %b, %f and back references, utf8, pack.
local t = dofile((arg[0]:gsub("[^/]*$", "")) .. "check.lua")
local eq = t.eq

-- string.format and tostring (musl's printf underneath).
eq(("%5.2f|%-5d|%x %X %o"):format(math.pi, 42, 255, 255, 8),
	" 3.14|42   |ff FF 10", "format numbers")
eq(("%e %g %g %g"):format(12345.678, 1e20, 0.1, 100),
	"1.234568e+04 1e+20 0.1 100", "format floats")
eq(("%10.4f|%.3s|%5s|%-5s|"):format(-1 / 3, "abcdef", "ab", "ab"),
	"   -0.3333|abc|   ab|ab   |", "format width")
eq(("%q"):format('a\n"b"\0c'), '"a\\\n\\"b\\"\\0c"', "format %q")
eq(("%d %i"):format(math.mininteger, -7), "-9223372036854775808 -7",
	"format integers")
eq(("%.17g"):format(0.1), "0.10000000000000001", "format %.17g")
eq(("%a"):format(1.0), "0x1p+0", "format %a")
eq(("%c%c%c"):format(76, 117, 97), "Lua", "format %c")
eq(tostring(1e15) .. " " .. tostring(2 ^ 63) .. " " .. tostring(-0.0),
	"1e+15 9.2233720368548e+18 -0.0", "tostring floats")
eq(tostring(1 / 0) .. tostring(-1 / 0), "inf-inf", "tostring inf")
eq(("%s"):format(setmetatable({}, { __tostring = function() return "T" end })),
	"T", "__tostring")

-- Conversions (strtod, strtol underneath).
eq(tonumber("0x10"), 16, "hex")
eq(tonumber("  10  "), 10, "spaces")
eq(tonumber("1e2"), 100.0, "exponent")
eq(tonumber("0x1p4"), 16.0, "hex float")
eq(tonumber("z", 36), 35, "base 36")
eq(tonumber("1e"), nil, "bad number")
eq(tonumber("9223372036854775808"), 2 ^ 63, "integer overflow to float")
eq("10" + 5, 15, "coercion")
eq(10 .. 20, "1020", "concat numbers")

-- Basic functions.
eq(("ab"):rep(3, ","), "ab,ab,ab", "rep")
eq(("Hello"):upper() .. ("Hello"):lower(), "HELLOhello", "case")
eq(("abcdef"):sub(2, -2) .. ("abc"):reverse(), "bcdecba", "sub reverse")
eq(select("#", ("abc"):byte(1, -1)), 3, "byte count")
eq(string.char(("abc"):byte(1, -1)), "abc", "byte char")
eq(#("\0a\0"), 3, "embedded zeros")
assert("a" < "b" and "Z" < "a" and "abc" < "abd" and "" < "a", "compare")

-- find and match.
local i, j = ("hello world"):find("o w")
eq(i * 100 + j, 507, "find")
eq(("a.b"):find(".", 1, true), 2, "plain find")
eq(("a+b"):find("+", 1, true), 2, "plain special")
local k, v = ("key = value"):match("(%w+)%s*=%s*(%w+)")
eq(k .. "/" .. v, "key/value", "captures")
local p1, p2 = ("hello"):match("()ll()")
eq(p1 * 10 + p2, 35, "position captures")
eq(("f(a(b)c)d"):match("%b()"), "(a(b)c)", "%b")
eq(('say "hi" and \'bye\''):match("([\"'])(.-)%1"), '"', "back reference")
eq(select(2, ('say "hi" and \'bye\''):match("([\"'])(.-)%1")), "hi",
	"back reference body")
eq(("  trim me  "):match("^%s*(.-)%s*$"), "trim me", "anchors")
eq(("x = 0x1F;"):match("0[xX](%x+)"), "1F", "%x")
eq(("[tag]"):match("^%[(.*)%]$"), "tag", "escapes")
eq(("abc123def"):match("%a+(%d+)%a+"), "123", "classes")
eq(("snake_case_9"):match("^[%a_][%w_]*$"), "snake_case_9", "sets")
eq(("a,b;c"):gsub("[^%w]", ""), "abc", "negated set")

-- gmatch and gsub.
local words = {}
for w in ("the quick  brown fox"):gmatch("%a+") do
	words[#words + 1] = w
end
eq(table.concat(words, "|"), "the|quick|brown|fox", "gmatch")
local kv = {}
for key, val in ("a=1, b=2, c=3"):gmatch("(%w+)=(%w+)") do
	kv[#kv + 1] = key .. val
end
eq(table.concat(kv), "a1b2c3", "gmatch pairs")
eq(("hello world"):gsub("(%w+) (%w+)", "%2 %1"), "world hello", "gsub %n")
local s, n = ("THE (quick) fox"):gsub("%f[%a]%a+", "W")
eq(s .. n, "W (W) W3", "frontier")
eq(("$name is $age"):gsub("%$(%w+)", { name = "Ann", age = 7 }),
	"Ann is 7", "gsub table")
eq(("1 2 3"):gsub("%d", function(d) return d * 2 end), "2 4 6",
	"gsub function")
eq(("aaa"):gsub("a", "b", 2), "bba", "gsub limit")
eq(("abc"):gsub("", "-"), "-a-b-c-", "empty match")
eq(("x%y"):gsub("%%", "%%%%"), "x%%y", "percent")

-- Long strings: a 1 MiB string built and searched.
local parts = {}
for n = 1, 10000 do
	parts[n] = ("%05d"):format(n)
end
local big = table.concat(parts)
eq(#big, 50000, "concat length")
eq(big:find("09999", 1, true), 49991, "find in long string")
local mb = ("x"):rep(1 << 20) .. "end"
eq(mb:find("end$"), (1 << 20) + 1, "search 1 MiB")
eq(select(2, mb:gsub("x", "")), 1 << 20, "gsub 1 MiB")

-- UTF-8.
local u = utf8.char(72, 228, 8364, 128512)
eq(u, "H\xC3\xA4\xE2\x82\xAC\xF0\x9F\x98\x80", "utf8.char")
eq(utf8.len(u), 4, "utf8.len")
eq(utf8.offset(u, 3), 4, "utf8.offset")
local cps = {}
for _, c in utf8.codes(u) do
	cps[#cps + 1] = c
end
eq(table.concat(cps, ","), "72,228,8364,128512", "utf8.codes")
eq(utf8.len("\xFF"), nil, "invalid utf8")

-- string.pack.
eq(string.pack("<i4", 1), "\1\0\0\0", "pack little")
eq(string.unpack(">I2", "\1\2"), 258, "unpack big")
eq(string.pack("z", "hi"), "hi\0", "pack z")
eq(string.packsize("i4i8") .. string.packsize("!i4i8"), "1216", "packsize")
local a, b, c = string.unpack("<i2 d s1", string.pack("<i2 d s1", -2, 0.5,
	"str"))
eq(a .. " " .. b .. " " .. c, "-2 0.5 str", "pack round trip")

eq(os.setlocale(), "C", "locale")
t.pass("strings")

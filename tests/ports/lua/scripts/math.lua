-- Numbers: integer and float arithmetic, wrap-around, bitwise operators,
-- the math library (musl's libm underneath), the seeded generator and a
-- sieve as a small workload.
local t = dofile((arg[0]:gsub("[^/]*$", "")) .. "check.lua")
local eq = t.eq

-- Integers and floats.
eq(math.type(1) .. math.type(1.0) .. tostring(math.type("1")),
	"integerfloatnil", "math.type")
eq(3 // 2, 1, "floor division")
eq(math.type(3.0 // 2), "float", "float floor division")
eq(-7 // 2, -4, "negative floor division")
eq(-7 % 3, 2, "modulo sign")
eq(7 % -3, -2, "modulo negative divisor")
eq(5.5 % 2, 1.5, "float modulo")
eq(2 ^ 10, 1024.0, "power")
eq(7 / 2, 3.5, "division")
eq(1.0 // 0, math.huge, "float division by zero")
assert(t.fails(function(a) return a // 0 end, 1):find("divide by zero"),
	"n//0")
assert(t.fails(function(a) return a % 0 end, 1):find("n%%0"), "n%%0")
eq(math.maxinteger + 1, math.mininteger, "wrap-around")
eq(math.maxinteger * 2, -2, "multiply wraps")
eq(0x7fffffffffffffff, math.maxinteger, "hex maxinteger")
eq(math.type(9223372036854775808), "float", "big literal")
eq(math.ult(1, -1), true, "unsigned compare")
eq(math.abs(math.mininteger), math.mininteger, "abs mininteger")

-- Bitwise.
eq(0xF0 | 0x0F, 0xFF, "or")
eq(5 & 3, 1, "and")
eq(5 ~ 3, 6, "xor")
eq(~0, -1, "not")
eq(1 << 62, 4611686018427387904, "shift")
eq(1 << 64, 0, "shift out")
eq(-1 >> 1, math.maxinteger, "logical shift")
eq(3.0 | 0, 3, "float to integer in bitwise")

-- Rounding and conversions.
eq(math.floor(-3.5), -4, "floor")
eq(math.ceil(-3.5), -3, "ceil")
eq(math.type(math.floor(3.7)), "integer", "floor gives integer")
eq(math.floor(2 ^ 70), 2 ^ 70, "floor of a huge float")
eq(math.tointeger(3.0), 3, "tointeger")
eq(math.tointeger(3.5), nil, "tointeger fraction")
eq(math.fmod(7, 3), 1, "fmod")
eq(math.fmod(-7, 3), -1, "fmod negative")
eq(math.fmod(7.5, 2), 1.5, "fmod float")
eq(math.min(3, 1.5, 2), 1.5, "min")
eq(math.max(3, 1.5, 2), 3, "max")

-- libm.
eq(math.sqrt(2) ^ 2 - 2 < 1e-15, true, "sqrt")
eq(("%.15g"):format(math.exp(1)), "2.71828182845905", "exp")
eq(math.log(8, 2), 3.0, "log2")
eq(math.log(100, 10), 2.0, "log10")
eq(("%.12f"):format(math.log(2)), "0.693147180560", "log")
eq(math.abs(math.sin(math.pi / 6) - 0.5) < 1e-15, true, "sin")
eq(math.abs(math.cos(math.pi / 3) - 0.5) < 1e-15, true, "cos")
eq(("%.10f"):format(math.atan(1, 1) * 4), "3.1415926536", "atan")
eq(("%.10f"):format(math.tan(1)), "1.5574077247", "tan")
eq(("%.6f"):format(math.asin(1)), "1.570796", "asin")
eq(math.huge > 1e308 and -math.huge < -1e308, true, "huge")
local nan = 0 / 0
eq(nan ~= nan, true, "nan")
eq(("%.17g"):format(0.1 + 0.2), "0.30000000000000004", "binary floats")
local acc = 0
for x = 0.1, 1.0, 0.1 do
	acc = acc + x
end
eq(("%.10f"):format(acc), "5.5000000000", "float loop")

-- The generator is xoshiro256**, the same sequence everywhere.
math.randomseed(42)
local r = {}
for _ = 1, 6 do
	r[#r + 1] = math.random(1, 1000)
end
eq(table.concat(r, ","), "742,50,332,342,950,576", "random sequence")
eq(("%.17g"):format(math.random()), "0.96389739813422104", "random float")
eq(math.random(0), -5331535219522992527, "random integer")

-- A workload: primes below 200000.
local n, sieve, count = 200000, {}, 0
for i = 2, n do
	if not sieve[i] then
		count = count + 1
		for m = i * i, n, i do
			sieve[m] = true
		end
	end
end
eq(count, 17984, "primes")
t.pass("math")

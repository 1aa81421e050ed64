-- Files through the io and os libraries (stdio and POSIX calls): read a
-- file the host wrote, write, append, update and seek, line iterators,
-- read formats, rename and remove, temporary files, popen without fork,
-- and files the host checks afterwards (check.sh).
local t = dofile((arg[0]:gsub("[^/]*$", "")) .. "check.lua")
local eq = t.eq
local dir = arg[0]:gsub("[^/]*$", "")

-- A file from the host.
local lines = {}
for l in io.lines(dir .. "data.txt") do
	lines[#lines + 1] = l
end
eq(#lines, 6, "io.lines count")
eq(lines[1] .. "|" .. lines[3] .. "|" .. lines[6],
	"first line||last line without newline", "io.lines content")
local f = assert(io.open(dir .. "data.txt", "r"))
eq(io.type(f), "file", "io.type")
eq(f:read("l"), "first line", "read l")
eq(f:read("L"), "second line\n", "read L")
eq(f:read(3), "\nnu", "read count")
f:seek("set", 0)
local all = f:read("a")
eq(#all, 83, "read a")
eq(f:read("a"), "", "read a at the end")
eq(f:read("l"), nil, "read l at the end")
eq(f:seek("end"), 83, "seek end")
f:seek("set", 0)
f:read("l")
f:read("l")
f:read("l")
eq(f:read(9), "numbers: ", "before numbers")
local a, b, c = f:read("n", "n", "n")
eq(a + b + c, 60, "read n")
local x1, x2, x3, x4 = f:read("n", "n", "n", "n")
eq(x1 + x2 + x3 + x4, 3.5 - 2 + 16 + 1000, "read n formats")
f:close()
eq(io.type(f), "closed file", "closed")
assert(t.fails(f.read, f):find("closed file"), "read after close")

-- Missing files are errors as values, with errno.
local nf, err, code = io.open(dir .. "no/such/file")
eq(nf, nil, "open missing")
eq(code, 2, "ENOENT")
assert(err:find("No such file or directory"), err)

-- Write, append, update.
local path = dir .. "written.txt"
local w = assert(io.open(path, "w"))
for i = 1, 1000 do
	w:write(i, " ", i * i, "\n")
end
eq(w:seek("cur"), 10436, "position after writing")
w:close()
local ap = assert(io.open(path, "a"))
ap:write("appended\n")
ap:close()
local n, sum, last = 0, 0, nil
for l in io.lines(path) do
	n = n + 1
	local i, sq = l:match("^(%d+) (%d+)$")
	if i then
		sum = sum + tonumber(sq)
	end
	last = l
end
eq(n, 1001, "lines written")
eq(sum, 333833500, "sum of squares")
eq(last, "appended", "append mode")
local u = assert(io.open(path, "r+"))
u:seek("set", 2)
u:write("X")
u:seek("set", 0)
eq(u:read("l"), "1 X", "update in place")
u:close()
for nums in io.lines(path, "n") do
	eq(nums, 1, "io.lines with a format")
	break
end

-- Big writes in chunks, read back.
local big = dir .. "big.bin"
local chunk = ("0123456789abcdef"):rep(4096)
local bw = assert(io.open(big, "wb"))
bw:setvbuf("full", 8192)
for _ = 1, 16 do
	bw:write(chunk)
end
bw:close()
local br = assert(io.open(big, "rb"))
eq(br:seek("end"), 16 * 65536, "1 MiB written")
br:seek("set", 65536 * 5 + 10)
eq(br:read(6), "abcdef", "seek into it")
br:close()
eq(os.remove(big), true, "remove")
eq(io.open(big), nil, "removed")
local rr, rerr, rcode = os.remove(big)
eq(rr == nil and rcode, 2, "remove missing: " .. tostring(rerr))

-- rename.
local from, to = dir .. "from.txt", dir .. "renamed.txt"
local rf = assert(io.open(from, "w"))
rf:write("moved\n")
rf:close()
assert(os.rename(from, to))
eq(io.open(from), nil, "old name gone")
eq(io.lines(to)(), "moved", "new name")

-- Temporary files (mkstemp and tmpfile in /tmp).
local tmpname = os.tmpname()
assert(tmpname:find("^/tmp/lua_"), tmpname)
local tf = assert(io.open(tmpname, "w"))
tf:write("temp")
tf:close()
eq(io.lines(tmpname)(), "temp", "tmpname file")
assert(os.remove(tmpname))
local tmp = assert(io.tmpfile())
tmp:write("scratch")
tmp:seek("set", 0)
eq(tmp:read("a"), "scratch", "tmpfile")
tmp:close()

-- io.output redirection, and stdout.
io.output(dir .. "output.txt")
io.write("via io.write\n")
io.close()
io.output(io.stdout)
eq(io.lines(dir .. "output.txt")(), "via io.write", "io.output")
eq(io.type(io.stdout), "file", "stdout")

-- No processes to start: popen and os.execute fail cleanly.
local p, perr = io.popen("echo hi")
eq(p, nil, "popen fails")
assert(perr:find("not implemented"), perr)
eq(os.execute("echo hi"), nil, "os.execute fails")
eq(os.getenv("HOME"), "/", "getenv")
eq(os.getenv("NO_SUCH_VARIABLE"), nil, "getenv missing")
t.pass("files")

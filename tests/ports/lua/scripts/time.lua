-- Dates and times: os.time and os.date (mktime, gmtime, localtime,
-- strftime) in UTC and, when TZ names one, in a zone with summer time;
-- the wall clock against the host's (now.txt, written by setup.sh).
local t = dofile((arg[0]:gsub("[^/]*$", "")) .. "check.lua")
local eq = t.eq
local dir = arg[0]:gsub("[^/]*$", "")

eq(os.date("!%Y-%m-%d %H:%M:%S", 0), "1970-01-01 00:00:00", "epoch")
eq(os.date("!%c", 0), "Thu Jan  1 00:00:00 1970", "%c")
eq(os.date("!%x %X %p %y", 0), "01/01/70 00:00:00 AM 70", "%x %X")
eq(os.date("!%A %a %B %b %j %U %w %I %M %S %%", 1234567890),
	"Friday Fri February Feb 044 06 5 11 31 30 %", "names and numbers")
eq(os.date("!%Y-%m-%dT%H:%M:%S", 2 ^ 31), "2038-01-19T03:14:08",
	"past 2038")
local d = os.date("!*t", 86400 * 365)
eq(("%d-%d-%d %d:%d yday %d wday %d %s"):format(d.year, d.month, d.day,
	d.hour, d.min, d.yday, d.wday, tostring(d.isdst)),
	"1971-1-1 0:0 yday 1 wday 6 false", "*t")
assert(t.fails(os.date, "%Q"):find("invalid conversion specifier"), "%Q")
eq(os.difftime(100, 40), 60.0, "difftime")

local tz = os.getenv("TZ")
if not (tz and tz:find("CEST")) then
	-- No TZ and no /etc/localtime: local time is UTC.
	eq(os.time({ year = 2000, month = 1, day = 1, hour = 0 }), 946684800,
		"time of a date")
	eq(os.date("%H:%M %Z", 946684800), "00:00 UTC", "local is UTC")
	-- mktime normalises out-of-range fields.
	eq(os.time({ year = 2021, month = 13, day = 1, hour = 12 }),
		os.time({ year = 2022, month = 1, day = 1, hour = 12 }), "month 13")
	eq(os.date("%Y-%m-%d", os.time({ year = 2024, month = 3, day = 0 })),
		"2024-02-29", "day 0 is the last of the month before")
	local tt = { year = 2023, month = 2, day = 31, hour = 25 }
	os.time(tt)
	eq(("%d-%d %d"):format(tt.month, tt.day, tt.hour), "3-4 1",
		"os.time updates the table")
else
	-- TZ=CET-1CEST,M3.5.0,M10.5.0/3 (setup in TEST).
	local summer = os.time({ year = 2022, month = 7, day = 1, hour = 12 })
	eq(summer, 1656669600, "summer time")
	eq(os.date("%H:%M %Z", summer), "12:00 CEST", "summer zone")
	eq(os.date("*t", summer).isdst, true, "isdst")
	eq(os.date("%H %Z", 1641038400), "13 CET", "winter zone")
	eq(os.date("!%H", 1641038400), "12", "UTC beside it")
	-- 02:30 on the last Sunday of March does not exist: musl's mktime
	-- takes it as standard time, an hour back in summer time's terms
	-- (glibc's goes forward; POSIX leaves it open).
	eq(os.date("%H:%M", os.time({ year = 2022, month = 3, day = 27,
		hour = 2, min = 30 })), "01:30", "the gap")
end
assert(t.fails(os.time, { year = 1e12, month = 1, day = 1 }):find("out%-of%-bound"),
	"year out of bounds")

-- The wall clock: within a minute of the host's, and moving.
local f = assert(io.open(dir .. "now.txt"))
local host_now = f:read("n")
f:close()
local now = os.time()
assert(math.abs(now - host_now) < 60, ("guest %d, host %d"):format(now, host_now))
local c0 = os.clock()
local x = 0
for i = 1, 300000 do
	x = x + i % 7
end
assert(os.clock() > c0, "os.clock moves")
assert(os.time() >= now, "os.time moves forward")
t.pass("time")

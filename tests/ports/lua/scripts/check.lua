-- Helpers for the test scripts (dofile of check.lua beside the script): eq() fails with
-- what was wanted and what came, pass() prints the line TEST looks for.
local M = {}

function M.eq(got, want, what)
	if got ~= want then
		error(("%s: got %s, want %s"):format(what, tostring(got),
			tostring(want)), 2)
	end
end

-- The error message of calling f(...), which must fail.
function M.fails(f, ...)
	local ok, msg = pcall(f, ...)
	if ok then
		error("expected an error", 2)
	end
	return msg
end

function M.pass(name)
	print("PASS " .. name)
end

return M
